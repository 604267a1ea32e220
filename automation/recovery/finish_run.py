"""Every run ends here, after success, any failure, a timeout or a cancel.

It finds the run's cluster by its tags (so it needs nothing from the steps
before it) and gives the verdict: cluster and writer available, engine and
version those of the snapshot, up within the time the waits allow. It reports
the endpoint, the measured restore time (RTO: from the cluster's creation to
now) and the recovery point's age (RPO: from the snapshot's creation to the
restore). A drill publishes them as CloudWatch metrics (DrillSucceeded 0 when
it failed), then deletes its cluster and any left-over drill cluster of this
stack (another run's, older than a drill can last), without a final snapshot.
A restore's cluster is the user's: never deleted, even after a failure. A run
that did not verify fails here, so the alert rule hears it.
"""
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def delete(rds, cid, instances):
    for i in instances:
        try:
            rds.delete_db_instance(DBInstanceIdentifier=i["DBInstanceIdentifier"])
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("DBInstanceNotFound", "InvalidDBInstanceState"):
                raise
    for _ in range(20):
        try:
            rds.delete_db_cluster(DBClusterIdentifier=cid, SkipFinalSnapshot=True)
            return cid
        except ClientError as e:
            if e.response["Error"]["Code"] != "InvalidDBClusterStateFault":
                raise
            # Its writer is not deleting yet.
            time.sleep(20)
    raise RuntimeError(f"{cid} not deleted in 7 min: the next drill deletes it")


def verify(rds, c, instances, snapshot_id, budget):
    problems = [f"{i['DBInstanceIdentifier']} is {i['DBInstanceStatus']}" for i in instances
                if i["DBInstanceStatus"] != "available"] or ([] if instances else ["no writer"])
    if c["Status"] != "available":
        return [f"cluster is {c['Status']}"] + problems, None
    snap = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot_id)["DBClusterSnapshots"][0]
    problems += [f"{k} is {c[k]}, the snapshot's {snap[k]}" for k in ("Engine", "EngineVersion") if c[k] != snap[k]]
    start = c["ClusterCreateTime"].timestamp()
    rto, rpo = round((time.time() - start) / 60, 1), round((start - snap["SnapshotCreateTime"].timestamp()) / 3600, 2)
    if rto > budget:
        problems.append(f"it took {rto} min, over the {budget} the waits allow")
    return problems, (rto, rpo)


def handler(events, context):
    keys, kind, region, run = events["TagKeys"], events["Kind"], events["Region"], events["ExecutionId"]
    config = Config(retries={"mode": "standard", "max_attempts": 10})
    rds = boto3.client("rds", region_name=region, config=config)
    ours = []
    for c in (c for p in rds.get_paginator("describe_db_clusters").paginate() for c in p["DBClusters"]):
        tags = {t["Key"]: t["Value"] for t in c.get("TagList", [])}
        if tags.get(keys["stackId"]) == events["RecoveryStackId"]:
            ours.append((c, tags, rds.describe_db_instances(
                Filters=[{"Name": "db-cluster-id", "Values": [c["DBClusterIdentifier"]]}])["DBInstances"]))
    mine = [o for o in ours if o[1].get(keys["execution"]) == run] or [({}, {}, [])]
    c, tags, instances = mine[0]
    out = {"ClusterId": c.get("DBClusterIdentifier", ""), "Endpoint": c.get("Endpoint", ""),
           "SnapshotId": tags.get(keys["snapshot"], ""), "RestoreMinutes": "", "RecoveryPointHours": ""}
    problems, figures = ["no cluster was restored"], None
    if c:
        # Whatever the check meets, the teardown below must run.
        try:
            problems, figures = verify(rds, c, instances, out["SnapshotId"], float(events["BudgetMinutes"]))
        except ClientError as e:
            problems = [f"could not check it: {e}"]
    if figures:
        out.update(RestoreMinutes=str(figures[0]), RecoveryPointHours=str(figures[1]))
    verdict = f"{out['ClusterId'] or 'Nothing'} from {out['SnapshotId'] or 'no copy'}: " + (
        "; ".join(problems) or f"verified in {figures[0]} min, recovery point {figures[1]} h old")
    where = f"See why: aws ssm get-automation-execution --region {region} --automation-execution-id {run}"
    if kind == "drill":
        m = events["Metric"]
        dims = [{"Name": m["dimension"], "Value": events["RecoveryStackName"]}]
        data = [(m["drillSucceeded"], 0 if problems else 1)] + ([] if problems else [
            (m["drillRestoreMinutes"], figures[0]), (m["drillRecoveryPointHours"], figures[1])])
        boto3.client("cloudwatch", region_name=region, config=config).put_metric_data(Namespace=m["namespace"], MetricData=[
            {"MetricName": n, "Dimensions": dims, "Value": v} for n, v in data])
        cutoff = time.time() - float(events["LeftOverAfterHours"]) * 3600
        gone = [delete(rds, c2["DBClusterIdentifier"], i2) for c2, t2, i2 in ours
                if t2.get(keys["kind"]) == "drill" and not c2.get("DeletionProtection")
                and (t2.get(keys["execution"]) == run or c2["ClusterCreateTime"].timestamp() < cutoff)]
        verdict = f"Drill {verdict}. Deleted: {', '.join(gone) or 'nothing'}"
    elif problems:
        verdict += ". The cluster, if any, is left for you"
    if problems:
        raise RuntimeError(f"{verdict}. {where}")
    return {**out, "Message": verdict}
