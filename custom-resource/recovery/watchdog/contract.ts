/**
 * The contract between the recovery template (generator/recovery/watchdog.ts)
 * and the watchdog's code: the input both of its callers pass — the hourly
 * EventBridge rule as its constant Input, and the custom resource that runs
 * the first check at create and update as its properties. Both sides import
 * it, so the compiler keeps the names in step.
 */
export interface WatchdogInput {
  /**
   * ARN of the recovery stack: its name is the metric's dimension, its creation time the start of the watch, and its
   * parameters (the source stack, the cluster, the source schedule) say which copies to watch.
   */
  RecoveryStackId: string;
}

/** The custom resource that runs the check once at create and update, so the alarm starts from a measurement. */
export const WATCHDOG_FIRST_CHECK_TYPE = 'Custom::AuroraSnapshotDrWatchdogFirstCheck';
