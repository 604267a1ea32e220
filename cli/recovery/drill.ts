/**
 * `drill`: a restore drill now, as the schedule runs it. Prints the verdict
 * and the figures the drill also publishes as CloudWatch metrics.
 */
import { FlagValues } from '../shared/args';
import { DRILL, EXIT, PROGRAM } from '../shared/commands';
import { Context } from '../shared/context';
import { detailsCommand, failureOf, findRecoveryStack, outputOf, parseRecoveryRunInput, RecoveryRunInput, startAndFollow } from './recovery-run';
import { RECOVERY_DOC_PARAM, RECOVERY_OUTPUT } from '../../generator/recovery/document';
import { RESTORE_KIND } from '../../custom-resource/recovery/contract';

export const parseDrillInput = (values: FlagValues): RecoveryRunInput =>
  parseRecoveryRunInput(DRILL, values, { [RECOVERY_DOC_PARAM.kind]: RESTORE_KIND.drill });

export async function drill(input: RecoveryRunInput, context: Context): Promise<number> {
  const { out, err } = context.output;
  const { stack, problem } = await findRecoveryStack(input, context);
  if (!stack) {
    err(`${PROGRAM} drill: ${problem![0]}`);
    for (const line of problem!.slice(1)) err(line);
    return EXIT.failed;
  }
  const { execution, executionId } = await startAndFollow(input, stack, 'a drill', context);
  if (!execution) return EXIT.ok;
  if (execution.AutomationExecutionStatus !== 'Success') {
    err(`Drill FAILED (${execution.AutomationExecutionStatus}): the copies may not restore. Its cluster is deleted all the same.`);
    for (const line of failureOf(execution).split('\n')) err(`  ${line}`);
    err(`Details: ${detailsCommand(stack.region, executionId)}`);
    return EXIT.failed;
  }
  out('');
  out(`Drill passed: copy ${outputOf(execution, RECOVERY_OUTPUT.snapshot)} restored and verified, then deleted.`);
  out(`  Measured RTO:  ${outputOf(execution, RECOVERY_OUTPUT.restoreMinutes)} min (restore call to cluster and writer available)`);
  out(`  Measured RPO:  ${outputOf(execution, RECOVERY_OUTPUT.recoveryPointHours)} h (age of the newest copy)`);
  return EXIT.ok;
}
