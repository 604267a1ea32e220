/**
 * The contract between the recovery template (generator/recovery/watchdog.ts)
 * and the watchdog function: the environment variables the template sets.
 * Both sides import it, so the compiler keeps the names in step.
 */
export const WATCHDOG_ENV = {
  /** ARN of the source stack: its copies carry it in their ownership tag. */
  sourceStackId: 'SOURCE_STACK_ID',
  /** The protected cluster's identifier: narrows the listing to its snapshots. */
  cluster: 'DB_CLUSTER_ID',
  /** ARN of the recovery stack: its name is the metric's dimension, its creation time the start of the watch. */
  recoveryStackId: 'RECOVERY_STACK_ID',
} as const;
