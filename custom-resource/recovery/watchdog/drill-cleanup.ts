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
 * execution-id tag) has ended. A run in any other state, a restore's
 * cluster, a drill whose run SSM cannot describe and one with deletion
 * protection are left as they are; the last two are named in the log.
 */
import { RDS } from '@aws-sdk/client-rds';
import { SSM } from '@aws-sdk/client-ssm';
import { CLIENT_OPTIONS } from '../../shared/clients';
import { RESTORE_KIND, RESTORE_TAG } from '../contract';
import { deleteDrillCluster, stackClusters } from '../run/restore';

/**
 * AutomationExecutionStatus values after which a run does nothing more (SSM API
 * reference, AutomationExecution: Success, Failed, TimedOut, Cancelled,
 * Rejected, CompletedWithSuccess, CompletedWithFailure,
 * ChangeCalendarOverrideRejected, Exited). Any other status, one added later
 * included, counts as running.
 */
export const RUN_ENDED = /^(Success|Failed|TimedOut|Cancelled|Completed.*|.*Rejected|Exited)$/;

/** What the log says of a run SSM no longer knows: it forgets a run 30 days after it ends, never one still running. */
const FORGOTTEN = 'Ended (no longer known to SSM)';

/**
 * Deletes this stack's drill clusters whose run has ended, or is no longer
 * known (SSM keeps runs 30 days). A failure on one (deletion protection on,
 * the run unreadable) is logged, and the others go on.
 */
export async function deleteEndedDrills(region: string, recoveryStackId: string): Promise<void> {
  const rds = new RDS({ region, ...CLIENT_OPTIONS });
  const ssm = new SSM({ region, ...CLIENT_OPTIONS });
  for (const { cluster, tags } of await stackClusters(rds, recoveryStackId)) {
    if (tags[RESTORE_TAG.kind] !== RESTORE_KIND.drill) continue;
    const id = cluster.DBClusterIdentifier;
    const run = tags[RESTORE_TAG.execution];
    try {
      const status = await ssm.getAutomationExecution({ AutomationExecutionId: run }).then(
        ({ AutomationExecution }) => AutomationExecution?.AutomationExecutionStatus,
        (error: Error) => {
          if (error.name === 'AutomationExecutionNotFoundException') return FORGOTTEN;
          throw error;
        },
      );
      if (status !== FORGOTTEN && !RUN_ENDED.test(status!)) continue;
      if (cluster.DeletionProtection) throw Error('deletion protection is on: left');
      // RDS may refuse the cluster while its writer is still deleting: the next check deletes it.
      await deleteDrillCluster(rds, cluster);
      console.log(`Deleted drill ${id}: run ${run} ${status}`);
    } catch (error) {
      console.log(`Drill ${id}, run ${run}: ${error}`);
    }
  }
}
