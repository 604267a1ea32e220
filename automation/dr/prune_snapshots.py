"""Delete this stack's expired snapshots in both Regions."""
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

RETRIES = Config(retries={"mode": "standard", "max_attempts": 10})
# Gone: an overlapping run deleted it. Invalid state: in use; a later run retries.
TOLERATED = ("DBClusterSnapshotNotFoundFault", "InvalidDBClusterSnapshotStateFault")


def handler(events, context):
    keys, now, target = events["TagKeys"], time.time(), events["TargetRegion"]
    days = {events["SourceRegion"]: events["SourceRetentionDays"], target: events["TargetRetentionDays"]}
    owner = {"Key": keys["stackId"], "Value": events["StackId"]}
    rds, ours = {}, {}
    for r in days:
        rds[r] = boto3.client("rds", region_name=r, config=RETRIES)
        # Not by cluster, which the target Region lacks. Never others' snapshots: ours carry the owner tag.
        pages = rds[r].get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual")
        ours[r] = [s for p in pages for s in p["DBClusterSnapshots"] if owner in s["TagList"]]
    ready = [s for s in ours[target] if s["Status"] == "available"]
    newest = max(ready, key=lambda s: s["SnapshotCreateTime"], default=None)
    copying = {t["Value"] for s in ours[target] if s not in ready for t in s["TagList"]
               if t["Key"] == keys["sourceSnapshot"]}
    # A copy's configuration (create_snapshot.py) goes with it, or with its source if it was never copied.
    copies = {s["DBClusterSnapshotIdentifier"] for s in ours[target]}
    ssm = boto3.client("ssm", region_name=target, config=RETRIES)
    deleted, summary = [], []
    for r, snaps in ours.items():
        n = 0
        for s in snaps:
            sid = s["DBClusterSnapshotIdentifier"]
            if (s["Status"] != "available" or s is newest or s["DBClusterSnapshotArn"] in copying
                    or now - s["SnapshotCreateTime"].timestamp() < float(days[r]) * 86400):
                continue
            try:
                rds[r].delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=sid)
                deleted.append(f"{r}:{sid}")
                n += 1
            except ClientError as e:
                if e.response["Error"]["Code"] not in TOLERATED:
                    raise
                continue
            if r == target or sid not in copies:
                try:
                    ssm.delete_parameter(Name=events["ConfigPath"] + sid)
                except ClientError as e:
                    # Copies made before configurations were recorded have none.
                    if e.response["Error"]["Code"] != "ParameterNotFound":
                        raise
        summary.append(f"{r}: deleted {n} of {len(snaps)}")
    return {"DeletedSnapshots": deleted, "Message": "; ".join(summary)}
