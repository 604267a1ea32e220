"""Delete the vault's expired copies, keeping at least MinimumCopiesPerCluster available ones of each protected cluster.

Only copies this vault stack made are considered (its ownership tag); a copy
still in progress is never deleted, nor counted towards the minimum. A
cluster is its owner account (from the shared snapshot's ARN in the copy's
tag) and its identifier, so two accounts' clusters of one name stay apart.
"""
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# Gone: an overlapping run deleted it. Invalid state: in use; a later run retries.
TOLERATED = ("DBClusterSnapshotNotFoundFault", "InvalidDBClusterSnapshotStateFault")


def handler(events, context):
    keys, region, now = events["TagKeys"], events["Region"], time.time()
    keep, days = int(events["MinimumCopiesPerCluster"]), float(events["RetentionDays"])
    rds = boto3.client("rds", region_name=region, config=Config(retries={"mode": "standard", "max_attempts": 10}))
    owner = {"Key": keys["stackId"], "Value": events["StackId"]}
    pages = rds.get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual")
    clusters = {}
    for s in (s for p in pages for s in p["DBClusterSnapshots"] if owner in s["TagList"] and s["Status"] == "available"):
        tags = {t["Key"]: t["Value"] for t in s["TagList"]}
        clusters.setdefault((tags[keys["sourceSnapshot"]].split(":")[4], tags[keys["cluster"]]), []).append(s)
    deleted = []
    for copies in clusters.values():
        copies.sort(key=lambda s: s["SnapshotCreateTime"], reverse=True)
        for s in copies[keep:]:
            if now - s["SnapshotCreateTime"].timestamp() < days * 86400:
                continue
            try:
                rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=s["DBClusterSnapshotIdentifier"])
                deleted.append(s["DBClusterSnapshotIdentifier"])
            except ClientError as e:
                if e.response["Error"]["Code"] not in TOLERATED:
                    raise
    return {"DeletedSnapshots": deleted, "Message": f"{region}: deleted {len(deleted)} of {sum(map(len, clusters.values()))} available copies"}
