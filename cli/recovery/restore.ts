/**
 * `restore`: the disaster runbook, from the command line. Starts the recovery
 * stack's runbook with Kind=restore, follows it, and prints what the DBA
 * needs next: the writer endpoint, the recovery point and the measured RTO.
 */
import { FlagValues } from '../shared/args';
import { EXIT, RESTORE } from '../shared/commands';
import { Context } from '../shared/context';
import { detailsCommand, failureOf, outputOf, parseRecoveryRunInput, RecoveryRunInput, startAndFollow } from './recovery-run';
import { RECOVERY_DOC_PARAM, RECOVERY_OUTPUT } from '../../generator/recovery/document';
import { RESTORE_KIND } from '../../custom-resource/recovery/contract';

const CLUSTER_ID = /^[a-zA-Z](-?[a-zA-Z0-9])*$/;
const INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;

export function parseRestoreInput(values: FlagValues): RecoveryRunInput {
  const problems: string[] = [];
  const parameters: { [name: string]: string } = { [RECOVERY_DOC_PARAM.kind]: RESTORE_KIND.restore };
  const snapshot = values.snapshot as string | undefined;
  if (snapshot) parameters[RECOVERY_DOC_PARAM.snapshot] = snapshot;
  const cluster = values['cluster-name'] as string | undefined;
  if (cluster !== undefined) {
    if (cluster.length > 63 || !CLUSTER_ID.test(cluster)) {
      problems.push(`--cluster-name '${cluster}' is not a cluster identifier: 1-63 letters, digits or single hyphens, starting with a letter.`);
    } else parameters[RECOVERY_DOC_PARAM.cluster] = cluster.toLowerCase();
  }
  const instanceClass = values['instance-class'] as string | undefined;
  if (instanceClass !== undefined) {
    if (!INSTANCE_CLASS.test(instanceClass)) problems.push(`--instance-class '${instanceClass}' is not an instance class such as db.r7g.large.`);
    else parameters[RECOVERY_DOC_PARAM.instanceClass] = instanceClass;
  }
  return parseRecoveryRunInput(RESTORE, values, parameters, problems);
}

export async function restore(input: RecoveryRunInput, context: Context): Promise<number> {
  const { out, err } = context.output;
  const { execution, executionId, failed } = await startAndFollow(input, 'a restore', context);
  if (failed) return EXIT.failed;
  if (!execution) return EXIT.ok;
  if (execution.AutomationExecutionStatus !== 'Success') {
    err(`Restore ${execution.AutomationExecutionStatus}.`);
    for (const line of failureOf(execution).split('\n')) err(`  ${line}`);
    err(`Details: ${detailsCommand(input.region, executionId!)}`);
    return EXIT.failed;
  }
  const cluster = outputOf(execution, RECOVERY_OUTPUT.cluster);
  out('');
  out(`Restored cluster ${cluster} from copy ${outputOf(execution, RECOVERY_OUTPUT.snapshot)}.`);
  out(`  Writer endpoint:  ${outputOf(execution, RECOVERY_OUTPUT.endpoint)}`);
  out(`  Recovery point:   the copy was ${outputOf(execution, RECOVERY_OUTPUT.recoveryPointHours)} h old when the restore started`);
  out(`  Measured RTO:     ${outputOf(execution, RECOVERY_OUTPUT.restoreMinutes)} min from the restore call to cluster and writer available`);
  out(`The cluster has deletion protection on and is yours: nothing in this project deletes it.`);
  return EXIT.ok;
}
