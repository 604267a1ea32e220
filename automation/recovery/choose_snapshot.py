"""Choose the copy to restore: the named one, or the newest available copy the
source stack made of the cluster. Name the cluster and writer to restore into."""
import re
import time
from datetime import datetime, timezone

import boto3
from botocore.config import Config

ID = re.compile(r"^[a-z](-?[a-z0-9])*$")


def trim(text, length):
    # Identifiers are at most 63 characters, and may not end with a hyphen.
    return text[:length].rstrip("-")


def copies_of(rds, cluster, owner_key, source_stack):
    pages = rds.get_paginator("describe_db_cluster_snapshots").paginate(
        SnapshotType="manual", Filters=[{"Name": "db-cluster-id", "Values": [cluster]}])
    return [s for p in pages for s in p["DBClusterSnapshots"]
            if {"Key": owner_key, "Value": source_stack} in s.get("TagList", [])]


def pick(copies, wanted, cluster, source_stack, region):
    if wanted:
        found = [s for s in copies if wanted in (s["DBClusterSnapshotIdentifier"], s["DBClusterSnapshotArn"])]
        if not found:
            raise RuntimeError(f"Snapshot {wanted} is not a copy of {cluster} made by {source_stack} in {region}. "
                               "Leave SnapshotIdentifier empty for the newest copy, or pick one from "
                               f"aws rds describe-db-cluster-snapshots --region {region} --snapshot-type manual")
        if found[0]["Status"] != "available":
            raise RuntimeError(f"Snapshot {wanted} is {found[0]['Status']}, not available: pick another copy")
        return found[0]
    ready = [s for s in copies if s["Status"] == "available"]
    if not ready:
        raise RuntimeError(f"No available copy of {cluster} made by {source_stack} in {region}: "
                           "check the source stack's runbook executions and its alert topic")
    return max(ready, key=lambda s: s["SnapshotCreateTime"])


def handler(events, context):
    region, cluster, kind = events["Region"], events["SourceClusterId"], events["Kind"]
    rds = boto3.client("rds", region_name=region, config=Config(retries={"mode": "standard", "max_attempts": 10}))
    snap = pick(copies_of(rds, cluster, events["OwnerTagKey"], events["SourceStackId"]),
                events["SnapshotIdentifier"].strip(), cluster, events["SourceStackId"], region)
    target = events["ClusterIdentifier"].strip().lower()
    if not target:
        stamp = datetime.fromtimestamp(time.time(), timezone.utc).strftime("%Y%m%d%H%M")
        suffix = f"-drill-{events['ExecutionId'][:8]}" if kind == "drill" else f"-restored-{stamp}"
        target = trim(cluster, 63 - len(suffix)) + suffix
    if not ID.match(target) or len(target) > 63:
        raise RuntimeError(f"ClusterIdentifier {target} is not a cluster identifier: use 1-63 letters, digits "
                           "or single hyphens, starting with a letter")
    created = snap["SnapshotCreateTime"]
    return {"SnapshotId": snap["DBClusterSnapshotIdentifier"], "SnapshotArn": snap["DBClusterSnapshotArn"],
            "SnapshotTime": created.timestamp() if hasattr(created, "timestamp") else float(created),
            "Engine": snap["Engine"], "EngineVersion": snap["EngineVersion"],
            "ClusterId": target, "InstanceId": trim(target, 56) + "-writer"}
