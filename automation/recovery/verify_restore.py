"""Check the restored cluster and its writer: both available, engine and
version those of the snapshot. Report the endpoint and the figures: the
measured restore time (RTO) and the recovery point's age (RPO). A drill also
publishes them as CloudWatch metrics. The verified tag on the cluster is the
run's verdict, read by the teardown step that ends every run."""
import time

import boto3
from botocore.config import Config


def handler(events, context):
    region, cluster, instance = events["Region"], events["ClusterId"], events["InstanceId"]
    config = Config(retries={"mode": "standard", "max_attempts": 10})
    rds = boto3.client("rds", region_name=region, config=config)
    c = rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]
    i = rds.describe_db_instances(DBInstanceIdentifier=instance)["DBInstances"][0]
    problems = []
    if c["Status"] != "available":
        problems.append(f"cluster {cluster} is {c['Status']}")
    if i["DBInstanceStatus"] != "available":
        problems.append(f"writer {instance} is {i['DBInstanceStatus']}")
    for name, want in (("Engine", events["Engine"]), ("EngineVersion", events["EngineVersion"])):
        if c[name] != want:
            problems.append(f"cluster {name} is {c[name]}, the snapshot's is {want}")
    if problems:
        raise RuntimeError(f"Restore of {events['SnapshotId']} did not verify: " + "; ".join(problems))
    now, started = time.time(), float(events["StartedAt"])
    minutes = round((now - started) / 60, 1)
    hours = round((started - float(events["SnapshotTime"])) / 3600, 2)
    keys = events["TagKeys"]
    # Re-sending the stack tag satisfies the role's tag-on-create condition.
    rds.add_tags_to_resource(ResourceName=c["DBClusterArn"], Tags=[
        {"Key": keys["stackId"], "Value": events["RecoveryStackId"]}, {"Key": keys["verified"], "Value": str(minutes)}])
    if events["Kind"] == "drill":
        m, dims = events["Metric"], [{"Name": events["Metric"]["dimension"], "Value": events["RecoveryStackName"]}]
        boto3.client("cloudwatch", region_name=region, config=config).put_metric_data(
            Namespace=m["namespace"], MetricData=[
                {"MetricName": m["drillRestoreMinutes"], "Dimensions": dims, "Value": minutes, "Unit": "None"},
                {"MetricName": m["drillRecoveryPointHours"], "Dimensions": dims, "Value": hours, "Unit": "None"},
                {"MetricName": m["drillSucceeded"], "Dimensions": dims, "Value": 1, "Unit": "Count"}])
    return {"Endpoint": c["Endpoint"], "RestoreMinutes": str(minutes), "RecoveryPointHours": str(hours),
            "Message": f"{cluster} restored from {events['SnapshotId']} in {minutes} min; "
                       f"the recovery point was {hours} h old. Writer endpoint {c['Endpoint']}."}
