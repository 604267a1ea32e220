"""Copy, under the vault's key, every snapshot the protected accounts shared with the vault and it has not copied yet.

Shares are found by what the vault can always see of them: the owner account
(in the ARN), the cluster identifier and the snapshot ARN. The source's tags
may not be visible to the vault, so they are never used. A vault copy carries
the vault stack's ownership tag and the shared snapshot's ARN, which is how a
later run (or a retried step) knows the share is already copied.

Copy slots and the snapshot quota are the vault account's, summed over every
protected cluster: with 5 copies in progress in this Region the step returns
Waiting=true and the runbook sleeps and comes back; a share left waiting past
CopyTimeoutHours, or a full quota, fails the run with what to do.
"""
import hashlib
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

COPY_SLOTS = 5


# '111111111111:orders-db,222222222222:billing' -> {('111111111111', 'orders-db'), ...}
def protected(listing):
    return {tuple(pair.strip().split(":", 1)) for pair in listing.split(",") if pair.strip()}


# The shared snapshot's id, cut to leave room for 8 hex characters of its ARN's hash: two accounts may share one name.
def copy_id(arn):
    return f"{arn.split(':')[-1][:54].rstrip('-')}-{hashlib.sha256(arn.encode()).hexdigest()[:8]}"


def handler(events, context):
    keys, stack, region, key = events["TagKeys"], events["StackId"], events["Region"], events["VaultKmsKeyArn"]
    rds = boto3.client("rds", region_name=region, config=Config(retries={"mode": "standard", "max_attempts": 10}))
    wanted, now = protected(events["ProtectedClusters"]), time.time()
    paginate = rds.get_paginator("describe_db_cluster_snapshots").paginate
    shares = [s for p in paginate(SnapshotType="shared", IncludeShared=True) for s in p["DBClusterSnapshots"]
              if (s["DBClusterSnapshotArn"].split(":")[4], s["DBClusterIdentifier"]) in wanted]
    mine = [s for p in paginate(SnapshotType="manual") for s in p["DBClusterSnapshots"]]
    copied = {t["Value"] for s in mine if {"Key": keys["stackId"], "Value": stack} in s["TagList"]
              for t in s["TagList"] if t["Key"] == keys["sourceSnapshot"]}
    # A share older than the retention is not copied: its copy would be pruned, and copied again, while the DR stack keeps it.
    fresh = float(events["RetentionDays"]) * 86400
    todo = sorted((s for s in shares if s["DBClusterSnapshotArn"] not in copied and s["Status"] == "available"
                   and now - s["SnapshotCreateTime"].timestamp() < fresh), key=lambda s: s["SnapshotCreateTime"])
    busy = sum(s["Status"] in ("copying", "creating") for s in mine)
    started = []
    for share in todo:
        arn = share["DBClusterSnapshotArn"]
        if busy >= COPY_SLOTS:
            hours = (now - share["SnapshotCreateTime"].timestamp()) / 3600
            if hours > float(events["CopyTimeoutHours"]):
                raise RuntimeError(f"Waited {hours:.1f} h to copy {arn}: {region} has {busy} copies in progress "
                                   f"(limit {COPY_SLOTS} per account, every protected cluster's counted): find what "
                                   "copies there, or raise CopyTimeoutHours.")
            break
        tags = {keys["stackId"]: stack, keys["cluster"]: share["DBClusterIdentifier"],
                keys["sourceSnapshot"]: arn, keys["execution"]: events["ExecutionId"]}
        try:
            rds.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=arn, TargetDBClusterSnapshotIdentifier=copy_id(arn),
                                         KmsKeyId=key, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if code == "KMSKeyNotAccessibleFault":
                raise RuntimeError(f"Cannot copy {arn}: RDS cannot use its key {share.get('KmsKeyId')} or the vault key "
                                   f"{key} ({code}). The source key's key policy must allow this account "
                                   "kms:CreateGrant and kms:DescribeKey; the vault key must be enabled.") from e
            if code == "SnapshotQuotaExceeded":
                raise RuntimeError(f"Cannot copy {arn}: {region} is at its quota of manual cluster snapshots, shared "
                                   "by every protected cluster. Lower RetentionDays or MinimumCopiesPerCluster, "
                                   "or ask for a quota increase.") from e
            raise
        started.append(arn)
        busy += 1
    waiting = len(todo) - len(started)
    return {"Started": started, "Waiting": waiting > 0,
            "Message": f"{len(shares)} shares seen, {len(started)} copies started, {waiting} waiting for a copy slot."}
