/**
 * The recovery stack's preflight custom resource: checks the parameters
 * before anything else is created and returns the resolved key ARN and what it
 * found about the copies. Rules in rules.ts, AWS calls in clients.ts; the
 * always-replying wrapper and the reply are the source stack's
 * (../safe-handler.ts, ../cfn-response.ts).
 */
import { CheckFailed } from '../shared/errors';
import { readProperties, settle } from '../shared/properties';
import { checkKey, keyLookupProblem } from '../dr/rules';
import { CfnRequest } from '../shared/cfn-response';
import { Check, LambdaContext, safeHandler } from '../shared/safe-handler';
import { isWatchdogEvent, watchdogHandler } from './watchdog/handler';
import { isRunEvent, runHandler } from './run/handler';
import { withCheckBudget } from './run/contract';
import { dashboardBody } from './dashboard';
import { copyAgeRule } from '../shared/staleness';
import {
  RECOVERY_PREFLIGHT_PROPERTY_NAMES,
  RecoveryPreflightData,
  RecoveryPreflightProperties,
  rdsArnPrefix,
} from './contract';
import { describeKey, describeSecurityGroups, describeSubnetGroup, isOrderable, listCopies } from './clients';
import {
  checkNetwork,
  checkRecoveryParameters,
  copiesNote,
  keyTarget,
  newestAvailable,
  orderableProblem,
  securityGroupIds,
  subnetGroupLookupProblem,
  unrestorableProblem,
} from './rules';

const recoveryPreflight: Check = async (raw, { signal, step, stackId }) => {
  const p = readProperties<RecoveryPreflightProperties>(raw, RECOVERY_PREFLIGHT_PROPERTY_NAMES);
  const region = p.StackRegion;
  const problems = checkRecoveryParameters(p);
  if (problems.length) throw new CheckFailed(problems.join('; '));
  // The copy-age alarm's threshold, by the rule `status` uses; known for every schedule checkRecoveryParameters lets through.
  const copyAge = copyAgeRule(p.SourceScheduleExpression, +p.CopyTimeoutHours, +p.MaxCopyAgeHours)!;

  const [[key, keyError], [subnetGroup, subnetError], [groups, groupsError], [copies, copiesError]] = await Promise.all([
    settle(step(`kms:DescribeKey in ${region}`, describeKey(region, p.KMSTargetKey, signal))),
    settle(step(`rds:DescribeDBSubnetGroups in ${region}`, describeSubnetGroup(region, p.DBSubnetGroupName, signal))),
    settle(
      step(
        `ec2:DescribeSecurityGroups in ${region}`,
        describeSecurityGroups(region, securityGroupIds(p.VpcSecurityGroupIds), signal),
      ),
    ),
    settle(
      step(
        `rds:DescribeDBClusterSnapshots in ${region}`,
        listCopies(region, p.DBClusterIdentifier, p.SourceStackId, signal),
      ),
    ),
  ]);
  problems.push(
    ...(keyError ? [keyLookupProblem(keyError, keyTarget(p))] : checkKey(key!, keyTarget(p))),
    ...(subnetError ? [subnetGroupLookupProblem(subnetError, p)] : []),
    ...(groupsError ? [`VpcSecurityGroupIds could not be checked in ${region}: ${groupsError.name}: ${groupsError.message}`] : []),
    ...(copiesError ? [`Copies of ${p.DBClusterIdentifier} could not be listed in ${region}: ${copiesError.name}: ${copiesError.message}`] : []),
  );
  if (!subnetError && !groupsError) problems.push(...checkNetwork(subnetGroup!, groups!, p));

  const newest = copiesError ? undefined : newestAvailable(copies!);
  if (newest) {
    const [engine, version] = [newest.Engine!, newest.EngineVersion!];
    const orderable = await step(
      `rds:DescribeOrderableDBInstanceOptions in ${region}`,
      isOrderable(region, engine, version, p.DrillInstanceClass, signal),
    );
    if (!orderable) problems.push(orderableProblem(p, engine, version));
    problems.push(...[unrestorableProblem(newest)].filter((problem): problem is string => !!problem));
  }
  if (problems.length) throw new CheckFailed(problems.join('; '));

  console.log(copiesNote(copies!, newest, p));
  // Only what the template reads: the copies, the network and the engine are in the log line above.
  const data: RecoveryPreflightData = {
    TargetKeyArn: key!.Arn!,
    AllowedCopyAgeHours: String(copyAge.allowedHours),
    RdsArn: rdsArnPrefix(key!.Arn!),
    DashboardBody: dashboardBody(region, stackId.split('/')[1], copyAge.allowedHours),
  };
  return data;
};

const preflightHandler = safeHandler(recoveryPreflight);

/**
 * Lambda loads the inline code as CommonJS index.js and calls exports.handler.
 * The function also serves the copy-age watchdog (./watchdog/handler.ts) and
 * the recovery runbook's steps (./run/handler.ts), whose events carry a
 * RecoveryStackId too: they are told apart first.
 */
export = {
  handler: (event: CfnRequest, context: LambdaContext) =>
    isRunEvent(event)
      ? runHandler(event)
      : isWatchdogEvent(event)
        ? watchdogHandler(event, withCheckBudget(context))
        : preflightHandler(event, withCheckBudget(context)),
};
