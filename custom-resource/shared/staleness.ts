/**
 * How old the newest copy in the target Region may be before the recovery
 * point is stale. One rule, two readers: `status` judges the newest copy with
 * it, and the recovery stack's preflight returns it (Data AllowedCopyAgeHours)
 * as the threshold of the copy-age alarm, so the CLI and the alarm never
 * disagree about what "stale" means.
 *
 * A run can start as late as the longest gap of the schedule after the last
 * one; it then waits up to SOURCE_SNAPSHOT_WAIT_HOURS for the source snapshot
 * and up to the copy timeout for the copy. Past the sum of the three, a copy
 * that should exist does not.
 */
import { longestGapHours } from './schedule-interval';

/** The runbook's WaitForSourceSnapshot step times out after this long (timeoutSeconds 7200). */
export const SOURCE_SNAPSHOT_WAIT_HOURS = 2;

export interface CopyAgeRule {
  /** Oldest acceptable age of the newest copy, in hours. */
  allowedHours: number;
  /** The longest gap between two scheduled runs, in hours; absent when the allowance was set by hand. */
  scheduleGapHours?: number;
}

/** The allowed age from the source stack's schedule and copy timeout; undefined when the schedule cannot be read. */
export function allowedCopyAgeHours(schedule: string, copyTimeoutHours: number): number | undefined {
  return copyAgeRule(schedule, copyTimeoutHours)?.allowedHours;
}

/**
 * The rule with its parts, for messages that show the sum. `maxCopyAgeHours`
 * above 0 replaces the computed allowance (the recovery stack's MaxCopyAgeHours).
 */
export function copyAgeRule(schedule: string, copyTimeoutHours: number, maxCopyAgeHours = 0): CopyAgeRule | undefined {
  if (maxCopyAgeHours > 0) return { allowedHours: maxCopyAgeHours };
  const scheduleGapHours = longestGapHours(schedule);
  if (scheduleGapHours === undefined) return undefined;
  return { allowedHours: scheduleGapHours + SOURCE_SNAPSHOT_WAIT_HOURS + copyTimeoutHours, scheduleGapHours };
}
