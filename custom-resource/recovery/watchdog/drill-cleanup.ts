/**
 * The hourly check's second duty: delete the drill clusters whose run is over.
 * SSM runs a cancelled run's onCancel step for at most two minutes (Automation
 * actions reference, onCancel), too short to delete a cluster whose writer is
 * still creating, and a run can die outright; either leaves a drill cluster
 * billing until the next drill. The check runs every hour in the same Region,
 * so it deletes such a cluster within about an hour (its writer first; the
 * cluster once RDS lets it, at the latest one check later).
 *
 * Touched only: clusters tagged with this recovery stack's ARN and kind=drill
 * (the role can delete nothing else), whose Automation execution (the
 * execution-id tag) has ended. A run in any other state, one SSM cannot
 * describe for another reason, a restore's cluster and a cluster with deletion
 * protection are left as they are; the last is reported in the log.
 */
import { DBCluster, DeleteDBClusterCommand, DeleteDBInstanceCommand, DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CLIENT_OPTIONS } from '../../shared/clients';
import { RESTORE_KIND, RESTORE_TAG } from '../contract';

/**
 * AutomationExecutionStatus values after which a run does nothing more (SSM API
 * reference, AutomationExecution: Success, Failed, TimedOut, Cancelled,
 * Rejected, CompletedWithSuccess, CompletedWithFailure,
 * ChangeCalendarOverrideRejected, Exited), and NotFound: SSM keeps executions
 * for 30 days. Any other status, one added later included, counts as running.
 */
export const RUN_ENDED = /^(Success|Failed|TimedOut|Cancelled|Completed.*|.*Rejected|Exited|NotFound)$/;

const tagOf = (cluster: DBCluster, key: string) => cluster.TagList?.find((tag) => tag.Key === key)?.Value;

/** Deletes this stack's drill clusters whose run has ended; returns those it deleted or began to delete. */
export async function deleteEndedDrills(region: string, recoveryStackId: string): Promise<string[]> {
  const rds = new RDSClient({ region, ...CLIENT_OPTIONS });
  const ssm = new SSMClient({ region, ...CLIENT_OPTIONS });
  const deleted: string[] = [];
  let Marker: string | undefined;
  do {
    const page = await rds.send(new DescribeDBClustersCommand({ Marker }));
    for (const cluster of page.DBClusters ?? []) {
      const id = cluster.DBClusterIdentifier!;
      const run = tagOf(cluster, RESTORE_TAG.execution);
      if (tagOf(cluster, RESTORE_TAG.stackId) !== recoveryStackId || tagOf(cluster, RESTORE_TAG.kind) !== RESTORE_KIND.drill || !run) continue;
      try {
        const status = await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: run })).then(
          ({ AutomationExecution }) => AutomationExecution?.AutomationExecutionStatus,
          (error: Error) => {
            if (error.name !== 'AutomationExecutionNotFoundException') throw error;
            return 'NotFound';
          },
        );
        if (!RUN_ENDED.test(status ?? '')) continue;
        if (cluster.DeletionProtection) throw new Error('deletion protection is on: turn it off and delete the cluster');
        for (const member of cluster.DBClusterMembers ?? []) {
          await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: member.DBInstanceIdentifier }));
        }
        // RDS may refuse the cluster while its instances are still deleting: the next check deletes it.
        await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true }));
        console.log(`Deleted drill ${id}, run ${run} ${status}`);
        deleted.push(id);
      } catch (error) {
        console.log(`Drill ${id}, run ${run}: ${error}`);
      }
    }
    Marker = page.Marker;
  } while (Marker);
  return deleted;
}
