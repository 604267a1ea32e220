"""The end of every run, and the sweep at the start of a drill.

Scope "others" (first step of a drill) deletes the drill clusters of this
recovery stack that earlier runs left behind. Scope "own" (last step of every
run, success, failure or cancel) deletes this run's drill cluster and gives
the verdict: the run succeeded only if its cluster carries the verified tag
(VerifyRestore sets it). A failed drill records DrillSucceeded 0 and fails the
step, so the run ends Failed and alerts. Only clusters tagged with this stack's
ARN and kind drill are deleted (IAM enforces the same); a restore's cluster is
the user's and is never deleted, not even after a failed restore.
"""
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def runs(rds, keys, stack):
    pages = rds.get_paginator("describe_db_clusters").paginate()
    for c in (c for p in pages for c in p["DBClusters"]):
        tags = {t["Key"]: t["Value"] for t in c.get("TagList", [])}
        if tags.get(keys["stackId"]) == stack:
            yield c, tags


def delete(rds, cluster):
    cid = cluster["DBClusterIdentifier"]
    if cluster.get("DeletionProtection"):
        return f"{cid} kept: its deletion protection was turned on"
    for member in cluster.get("DBClusterMembers", []):
        try:
            rds.delete_db_instance(DBInstanceIdentifier=member["DBInstanceIdentifier"])
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("DBInstanceNotFound", "InvalidDBInstanceState"):
                raise
    for _ in range(16):
        try:
            rds.delete_db_cluster(DBClusterIdentifier=cid, SkipFinalSnapshot=True)
            return f"{cid} deleted"
        except ClientError as e:
            code = e.response["Error"]["Code"]
            if code == "DBClusterNotFoundFault":
                return f"{cid} already gone"
            if code != "InvalidDBClusterStateFault":
                raise
            time.sleep(30)  # its writer is still being deleted
    raise RuntimeError(f"{cid} still has instances after 8 minutes: the next drill deletes it")


def handler(events, context):
    keys, kind, region, execution = events["TagKeys"], events["Kind"], events["Region"], events["ExecutionId"]
    config = Config(retries={"mode": "standard", "max_attempts": 10})
    rds = boto3.client("rds", region_name=region, config=config)
    own, done, verified = events["Scope"] == "own", [], False
    for c, tags in list(runs(rds, keys, events["RecoveryStackId"])):
        mine = tags.get(keys["execution"]) == execution
        verified = verified or (mine and keys["verified"] in tags)
        if tags.get(keys["kind"]) == "drill" and kind == "drill" and mine == own:
            done.append(delete(rds, c))
    message = "; ".join(done) or "nothing to delete"
    if not own or verified:
        return {"Message": message}
    where = f"aws ssm get-automation-execution --region {region} --automation-execution-id {execution}"
    if kind != "drill":
        raise RuntimeError("The restore did not complete. Its cluster, if one was made, is left for you to inspect "
                           f"or delete. The failed step and its message: {where}")
    m = events["Metric"]
    boto3.client("cloudwatch", region_name=region, config=config).put_metric_data(
        Namespace=m["namespace"], MetricData=[{
            "MetricName": m["drillSucceeded"], "Unit": "Count", "Value": 0,
            "Dimensions": [{"Name": m["dimension"], "Value": events["RecoveryStackName"]}]}])
    raise RuntimeError(f"The drill did not verify; teardown: {message}. The failed step and its message: {where}")
