/**
 * What the recovery runbook sends the recovery stack's function at each of
 * its steps (aws:invokeLambdaFunction, InputPayload): the runbook keeps the
 * order, the waits and the alerts; the function does the work of a step in
 * TypeScript, with the rules the preflight and the CLI share ("which copies
 * are ours", "the newest copy"), so each rule is written once.
 */

/** The runbook's steps that call the function, and what each does. */
export const RUN_STEP = {
  /**
   * One look at the run: restore the newest (or named) copy into a new cluster when the run has none yet; add the
   * secret, the writer and the readers once the cluster is available; say whether to wait more.
   */
  advance: 'advance',
  /** Verify, report, delete a drill's cluster, publish a drill's metrics; throws unless verified. */
  finish: 'finish',
} as const;

export type RunStep = (typeof RUN_STEP)[keyof typeof RUN_STEP];

/** The word an advance returns while the run must wait; the runbook's branch looks for it in the Payload. */
export const KEEP_WAITING = 'waiting';

/** Where a verified drill's Message gives the validation function's own message, after this mark (the CLI reads it). */
export const VALIDATED = '; validated: ';

/** The runbook's Readers: a restore adds none, or the source's (their classes, captured with the copy) once its writer is up. */
export const READERS = { none: 'none', source: 'source' } as const;

/** Every step gets the first four; the advance step all but ValidationFunction, the finish step that. */
export interface RunEvent {
  /** Which step: the key also tells these events from CloudFormation's and the watchdog's. */
  RecoveryRunStep: RunStep;
  Kind: string;
  ExecutionId: string;
  RecoveryStackId: string;
  SourceClusterId: string;
  SourceStackId: string;
  /** The copy to restore; empty for the newest. */
  SnapshotIdentifier: string;
  /** The new cluster's identifier; empty to derive one from the source's. */
  ClusterIdentifier: string;
  /** The writer's class when the run names one; empty: the source's for a restore, DrillInstanceClass for a drill. */
  InstanceClass: string;
  DrillInstanceClass: string;
  /** The advance step's: READERS; drills add none whatever it says. */
  Readers?: string;
  KmsKeyArn: string;
  SubnetGroup: string;
  /** Comma-separated, as the stack parameter. */
  SecurityGroupIds: string;
  /** The finish step's: the stack's DrillValidationFunction, a function name; empty for none. */
  ValidationFunction?: string;
}

/** What finish returns after a verified run; the runbook's Finish step turns it into the run's outputs. */
export interface RunReport {
  ClusterId: string;
  Endpoint: string;
  SnapshotId: string;
  RestoreMinutes: string;
  RecoveryPointHours: string;
  /** The master user secret in this Region, when Secrets Manager manages the password: how to log in. */
  SecretArn: string;
  Message: string;
}

/**
 * The function may run 300 s for a runbook step, but CloudFormation waits only
 * its ServiceTimeout (120 s) for the preflight's reply: the preflight and the
 * watchdog keep the 60 s a function of their own would have, so a hung call
 * still ends in a reply that names it.
 */
export const CHECK_BUDGET_MS = 60_000;

export const withCheckBudget = <C extends { getRemainingTimeInMillis(): number }>(context: C): C =>
  Object.assign(Object.create(context) as C, {
    getRemainingTimeInMillis: () => Math.min(context.getRemainingTimeInMillis(), CHECK_BUDGET_MS),
  });
