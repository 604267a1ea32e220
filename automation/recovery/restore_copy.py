"""Restore a copy: the named one, or the newest available copy the source
stack made of the cluster, into a new cluster (engine and version from the
snapshot, the target key, the stack's network). The writer is added by the
AddWriter step once the cluster is available, as RDS requires.

Everything made is tagged with the recovery stack's ARN, the kind of run and
the execution id: the Finish step finds the run's cluster by these tags, and
IAM lets the project delete only a cluster tagged kind=drill. A drill cluster
has no deletion protection (Finish deletes it); a restore's has (it is the
user's).

A drill first sweeps: it deletes the drill clusters of this stack that runs
which died left behind (another run's, older than a drill can last, so a drill
running beside this one is untouched). A cluster whose writer is still being
deleted, or one the sweep cannot delete for any other reason, is left to this
drill's Finish step, which deletes left-overs too.
"""
import time
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

def trim(text, length):
    # Identifiers are at most 63 characters and may not end with a hyphen.
    return text[:length].rstrip("-")


def sweep(rds, e, keys):
    cutoff = time.time() - float(e["LeftOverAfterHours"]) * 3600
    for c in (c for p in rds.get_paginator("describe_db_clusters").paginate() for c in p["DBClusters"]):
        tags = {t["Key"]: t["Value"] for t in c.get("TagList", [])}
        if (tags.get(keys["stackId"]) == e["RecoveryStackId"] and tags.get(keys["kind"]) == "drill"
                and tags.get(keys["execution"]) != e["ExecutionId"] and not c.get("DeletionProtection")
                and c["ClusterCreateTime"].timestamp() < cutoff):
            # A sweep that cannot finish (a writer still being deleted, say) must not stop the drill.
            try:
                for m in c.get("DBClusterMembers", []):
                    rds.delete_db_instance(DBInstanceIdentifier=m["DBInstanceIdentifier"])
                rds.delete_db_cluster(DBClusterIdentifier=c["DBClusterIdentifier"], SkipFinalSnapshot=True)
            except ClientError as error:
                print(f"{c['DBClusterIdentifier']} left to Finish: {error}")


def choose(rds, e):
    cluster, stack, region, wanted = e["SourceClusterId"], e["SourceStackId"], e["Region"], e["SnapshotIdentifier"]
    # By the db-cluster-id filter: DBClusterIdentifier must name a cluster of this Region, and the source is not here.
    pages = rds.get_paginator("describe_db_cluster_snapshots").paginate(
        SnapshotType="manual", Filters=[{"Name": "db-cluster-id", "Values": [cluster]}])
    copies = [s for p in pages for s in p["DBClusterSnapshots"]
              if {"Key": e["OwnerTagKey"], "Value": stack} in s.get("TagList", [])]
    ready = [s for s in copies if s["Status"] == "available" and wanted in ("", s["DBClusterSnapshotIdentifier"],
                                                                           s["DBClusterSnapshotArn"])]
    if not ready:
        raise RuntimeError(f"No available copy {wanted} of {cluster} made by {stack} in {region}. See them with: "
                           f"aws rds describe-db-cluster-snapshots --region {region} --snapshot-type manual")
    return max(ready, key=lambda s: s["SnapshotCreateTime"])


def handler(events, context):
    e, keys, kind = events, events["TagKeys"], events["Kind"]
    rds = boto3.client("rds", region_name=e["Region"], config=Config(retries={"mode": "standard", "max_attempts": 10}))
    if kind == "drill":
        sweep(rds, e, keys)
    e["SnapshotIdentifier"] = e["SnapshotIdentifier"].strip()
    snap = choose(rds, e)
    # A named cluster is checked by RDS itself, whose error names the rule it breaks.
    target = e["ClusterIdentifier"].strip().lower()
    if not target:
        stamp = datetime.fromtimestamp(time.time(), timezone.utc).strftime("%Y%m%d%H%M")
        suffix = f"-drill-{e['ExecutionId'][:8]}" if kind == "drill" else f"-restored-{stamp}"
        target = trim(e["SourceClusterId"].lower(), 63 - len(suffix)) + suffix
    instance = trim(target, 56) + "-writer"
    sid = snap["DBClusterSnapshotIdentifier"]
    tags = [{"Key": keys["stackId"], "Value": e["RecoveryStackId"]}, {"Key": keys["kind"], "Value": kind},
            {"Key": keys["snapshot"], "Value": sid}, {"Key": keys["execution"], "Value": e["ExecutionId"]}]
    rds.restore_db_cluster_from_snapshot(
        DBClusterIdentifier=target, SnapshotIdentifier=sid, Engine=snap["Engine"],
        EngineVersion=snap["EngineVersion"], KmsKeyId=e["KmsKeyArn"], DBSubnetGroupName=e["SubnetGroup"],
        VpcSecurityGroupIds=[g.strip() for g in e["SecurityGroupIds"].split(",") if g.strip()],
        DeletionProtection=kind != "drill", CopyTagsToSnapshot=True, Tags=tags)
    return {"ClusterId": target, "InstanceId": instance, "SnapshotId": sid, "Engine": snap["Engine"]}
