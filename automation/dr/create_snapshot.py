"""Create this run's snapshot of the cluster, tagged as this stack's."""
import time
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def snapshot_id(cluster, now, execution_id):
    suffix = datetime.fromtimestamp(now, timezone.utc).strftime("-dr-%Y%m%d%H%M-") + execution_id[:8]
    # Ids are at most 63 characters; a cut can leave a hyphen, and "--" is invalid.
    return (cluster[: 63 - len(suffix)].rstrip("-") + suffix).lower()


def handler(events, context):
    keys, region, stack, cluster = events["TagKeys"], events["Region"], events["StackId"], events["ClusterId"]
    sid = snapshot_id(cluster, time.time(), events["ExecutionId"])
    rds = boto3.client("rds", region_name=region, config=Config(retries={"mode": "standard", "max_attempts": 10}))
    owner = {"Key": keys["stackId"], "Value": stack}
    tags = [owner, {"Key": keys["cluster"], "Value": cluster}, {"Key": keys["execution"], "Value": events["ExecutionId"]}]
    try:
        snap = rds.create_db_cluster_snapshot(
            DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=sid, Tags=tags)["DBClusterSnapshot"]
    except ClientError as e:
        code = e.response["Error"]["Code"]
        if code == "SnapshotQuotaExceeded":
            raise RuntimeError(f"Cannot create {sid}: {region} is at its quota of manual cluster snapshots. "
                               "Delete old ones, lower the retention or ask for a quota increase.") from e
        if code != "DBClusterSnapshotAlreadyExistsFault":
            raise
        # A retried call finds the snapshot its first attempt made.
        snap = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=sid)["DBClusterSnapshots"][0]
        if owner not in snap["TagList"]:
            raise
    return {"SnapshotId": snap["DBClusterSnapshotIdentifier"], "SnapshotArn": snap["DBClusterSnapshotArn"]}
