"""Copy the snapshot to the target Region with the target KMS key."""
import time
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def rds(region):
    return boto3.client("rds", region_name=region, config=Config(retries={"mode": "standard", "max_attempts": 10}))


def handler(events, context):
    keys, stack, arn, key = events["TagKeys"], events["StackId"], events["SourceSnapshotArn"], events["TargetKmsKeyArn"]
    source, region, sid = events["SourceRegion"], events["TargetRegion"], arn.split(":")[-1]
    src = rds(source).describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=sid)["DBClusterSnapshots"][0]
    if src["Status"] != "available":
        raise RuntimeError(f"Source snapshot {sid} in {source} is {src['Status']}, not available: no copy started. "
                           "See the cluster's RDS events; the next scheduled run tries again.")
    if not src["StorageEncrypted"]:
        raise RuntimeError(f"{sid} in {source} is unencrypted; Aurora cannot encrypt while copying. "
                           "Restore the cluster encrypted with a KMS key and protect that one.")
    target, now = rds(region), time.time()
    out = {"Started": True, "TargetSnapshotId": sid, "TargetSnapshotArn": "", "Message": "Copy started.",
           "StartedAt": datetime.fromtimestamp(now, timezone.utc).isoformat()}
    pages = target.get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual")
    snaps = [s for p in pages for s in p["DBClusterSnapshots"]]
    for s in snaps:
        # A retried step finds its first attempt's copy.
        if s["DBClusterSnapshotIdentifier"] == sid and {"Key": keys["stackId"], "Value": stack} in s["TagList"]:
            return {**out, "TargetSnapshotArn": s["DBClusterSnapshotArn"]}
    busy = sum(s["Status"] in ("copying", "creating") for s in snaps)
    if busy >= 5:
        hours = (now - src["SnapshotCreateTime"].timestamp()) / 3600
        if hours > float(events["CopyTimeoutHours"]):
            raise RuntimeError(f"Waited {hours:.1f} h to copy {sid}: {region} still has {busy} copies in "
                               "progress (limit 5): find what copies there or raise CopyTimeoutHours.")
        return {**out, "Started": False, "StartedAt": "", "Message": f"{busy} copies in progress in {region}."}
    # CopyTags is ignored when Tags are given: merge the source's here. The copy's own
    # SnapshotCreateTime may be the copy's, so the recovery point travels as a tag.
    created = src["SnapshotCreateTime"].astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    tags = {**{t["Key"]: t["Value"] for t in src["TagList"] if not t["Key"].startswith("aws:")},
            keys["stackId"]: stack, keys["cluster"]: events["ClusterId"], keys["sourceSnapshot"]: arn,
            keys["execution"]: events["ExecutionId"], keys["sourceCreatedAt"]: created}
    try:
        copy = target.copy_db_cluster_snapshot(
            SourceDBClusterSnapshotIdentifier=arn, TargetDBClusterSnapshotIdentifier=sid, KmsKeyId=key,
            SourceRegion=source, CopyTags=True, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    except ClientError as e:
        code = e.response["Error"]["Code"]
        if "KMS" in code:
            raise RuntimeError(f"RDS cannot use KMS key {key} in {region} ({code}). Check it is enabled and "
                               "lets the automation role kms:CreateGrant, kms:DescribeKey.") from e
        if code == "SnapshotQuotaExceeded":
            raise RuntimeError(f"Cannot copy {sid}: {region} is at its quota of manual cluster snapshots. "
                               "Delete old ones, lower the retention or ask for a quota increase.") from e
        raise
    return {**out, "TargetSnapshotArn": copy["DBClusterSnapshot"]["DBClusterSnapshotArn"]}
