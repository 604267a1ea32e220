/**
 * The recovery objectives every reader shares: a copy's recovery point, the
 * worst-case RPO (at the end), and how old the newest copy in the target
 * Region may be before the recovery point is stale. The last is one rule with
 * two readers: `status` judges the newest copy with it, and the recovery
 * stack's preflight returns it (Data AllowedCopyAgeHours) as the threshold of
 * the copy-age alarm, so the CLI and the alarm never disagree about "stale".
 *
 * A run can start as late as the longest gap of the schedule after the last
 * one; it then waits up to SOURCE_SNAPSHOT_WAIT_HOURS for the source snapshot
 * and up to the copy timeout for the copy. Past the sum of the three, a copy
 * that should exist does not.
 */
import type { DBClusterSnapshot } from '@aws-sdk/client-rds';
import { COPY_TAG } from './captured-config';
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

/**
 * A copy's recovery point: when its source snapshot was taken (the tag
 * COPY_TAG.sourceCreatedAt each DR run writes on its copy), else the copy's
 * own SnapshotCreateTime, for copies made before the tag existed. The newest
 * copy, its age, the copy-age alarm and `status` all read it through here.
 */
export function recoveryPointOf(copy: Pick<DBClusterSnapshot, 'TagList' | 'SnapshotCreateTime'>): Date | undefined {
  const tagged = copy.TagList?.find((tag) => tag.Key === COPY_TAG.sourceCreatedAt)?.Value;
  const time = tagged === undefined ? NaN : Date.parse(tagged);
  return Number.isNaN(time) ? copy.SnapshotCreateTime : new Date(time);
}

/**
 * The measured snapshot-plus-copy time: how long after its recovery point the
 * slowest copy became available. RDS reports no time at which a copy became
 * available, so it is read from the watchdog's own hourly NewestCopyAgeHours
 * (oldest first): where the age falls, a newer copy has landed, and the age
 * published then is the hours from that copy's recovery point to the first
 * check that found it available, over by at most one check interval.
 * Undefined until a copy has been seen landing.
 */
export function snapshotPlusCopyHours(hourlyAges: number[]): number | undefined {
  let longest: number | undefined;
  for (let i = 1; i < hourlyAges.length; i++) {
    if (hourlyAges[i] < hourlyAges[i - 1]) longest = Math.max(longest ?? 0, hourlyAges[i]);
  }
  return longest;
}

/**
 * The worst-case RPO, in hours: the longest gap of the source schedule, plus
 * the time the next snapshot and copy take to make that recovery point
 * restorable (measured by snapshotPlusCopyHours; until a copy has been seen
 * landing, the runbook's snapshot wait and copy timeout, which makes it the
 * allowed copy age). Runs that fail are not in it: the copy-age alarm is about
 * those. Undefined when the schedule cannot be read.
 */
export function worstCaseRpoHours(schedule: string, copyTimeoutHours: number, measuredHours?: number): number | undefined {
  const scheduleGapHours = longestGapHours(schedule);
  if (scheduleGapHours === undefined) return undefined;
  return scheduleGapHours + (measuredHours ?? SOURCE_SNAPSHOT_WAIT_HOURS + copyTimeoutHours);
}
