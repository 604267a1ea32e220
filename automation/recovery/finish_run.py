"""Every run ends here, after success, any failure, a timeout or a cancel.

It finds the run's cluster by its tags (so it needs nothing from the steps
before it) and gives the verdict: cluster and writer available, engine and
version those of the snapshot, up within the time the waits allow. It reports
the endpoint, the measured restore time (RTO: from the cluster's creation to
now) and the recovery point's age (RPO: from the snapshot's creation to the
restore). A drill deletes its own cluster first, then, while the step has
time left, any left-over drill cluster of this stack (another run's, older
than a drill can last), without a final snapshot; an error deleting one does
not stop the others. Then it publishes the figures as CloudWatch metrics
(DrillSucceeded 0 when it did not verify). A restore's cluster is the user's:
never deleted, even after a failure. A run fails here, so the alert rule hears
it, when it did not verify, when a drill cluster is left (the next drill
deletes it) or when the metrics were not published.
"""
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def delete(rds, cid, instances, end, left):
    try:
        for i in instances:
            try:
                rds.delete_db_instance(DBInstanceIdentifier=i["DBInstanceIdentifier"])
            except (rds.exceptions.DBInstanceNotFoundFault, rds.exceptions.InvalidDBInstanceStateFault):
                pass
        while True:
            try:
                rds.delete_db_cluster(DBClusterIdentifier=cid, SkipFinalSnapshot=True)
                return cid
            except rds.exceptions.InvalidDBClusterStateFault:
                if time.time() > end:
                    raise
                # Its writer is not deleting yet.
                time.sleep(20)
    # Whatever stops one deletion, the others go on.
    except Exception as e:
        left.append(f"{cid} left for the next drill ({e})")


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
    if kind == "drill":
        # Well inside the step's 600 s, with time left to publish the metrics.
        now, m, left = time.time(), events["Metric"], []
        end, cutoff = now + 420, now - float(events["LeftOverAfterHours"]) * 3600
        # This run's cluster first: a left-over must not use up the time or stop it.
        gone = [delete(rds, c2["DBClusterIdentifier"], i2, end, left) for c2, t2, i2 in sorted(ours, key=lambda o: o not in mine)
                if t2.get(keys["kind"]) == "drill" and not c2.get("DeletionProtection")
                and (c2 is c or c2["ClusterCreateTime"].timestamp() < cutoff)]
        data = [(m["drillSucceeded"], 0 if problems else 1)] + ([] if problems else [
            (m["drillRestoreMinutes"], figures[0]), (m["drillRecoveryPointHours"], figures[1])])
        try:
            boto3.client("cloudwatch", region_name=region, config=config).put_metric_data(Namespace=m["namespace"], MetricData=[
                {"MetricName": n, "Dimensions": [{"Name": m["dimension"], "Value": events["RecoveryStackName"]}], "Value": v} for n, v in data])
        except Exception as e:
            left += [f"metrics not published ({e})"]
        verdict = ". ".join([f"Drill {verdict}. Deleted: {', '.join(filter(None, gone)) or 'nothing'}"] + left)
        problems += left
    elif problems:
        verdict += ". The cluster, if any, is left for you"
    if problems:
        raise RuntimeError(f"{verdict}. See why: aws ssm get-automation-execution --region {region} --automation-execution-id {run}")
    return {**out, "Message": verdict}
