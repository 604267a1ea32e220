/**
 * `drill`: a restore drill now, as the schedule runs it. Prints the verdict
 * and the figures the drill also publishes as CloudWatch metrics.
 */
import { FlagValues } from '../shared/args';
import { DRILL, EXIT, PROGRAM } from '../shared/commands';
import { Context } from '../shared/context';
import { detailsCommand, failureOf, findRecoveryStack, parseRecoveryRunInput, RecoveryRunInput, reportOf, startAndFollow } from './recovery-run';
import { RECOVERY_DOC_PARAM } from '../../generator/recovery/document';
import { RESTORE_KIND } from '../../custom-resource/recovery/contract';
import { VALIDATED } from '../../custom-resource/recovery/run/contract';

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
  const report = reportOf(execution);
  out(`Drill passed: copy ${report.SnapshotId} restored, found as the source was configured, then deleted.`);
  out(`  Measured RTO:  ${report.RestoreMinutes} min (restore call to cluster and writer available)`);
  out(`  Copy age:      ${report.RecoveryPointHours} h (the restored copy's recovery point when the drill started; the RPO is the worst case \`status\` shows)`);
  const validated = report.Message?.split(VALIDATED)[1];
  if (validated !== undefined) out(`  Validated:     ${validated} (the stack's validation function)`);
  return EXIT.ok;
}
