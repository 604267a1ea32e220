"""Record what the snapshot does not keep in the target Region; create the snapshot, tagged as this stack's."""
# The configuration (custom-resource/shared/captured-config.ts) is read just before the snapshot, so a
# copy restores with the configuration it was taken with; a cluster this stack cannot restore gets no snapshot.
import json
import time
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

RETRIES = Config(retries={"mode": "standard", "max_attempts": 10})
# An Advanced parameter holds 8 KB; Intelligent-Tiering makes one Standard (4 KB, free) when it fits.
MAX_CONFIG_BYTES = 8192


def snapshot_id(cluster, now, execution_id):
    suffix = datetime.fromtimestamp(now, timezone.utc).strftime("-dr-%Y%m%d%H%M-") + execution_id[:8]
    # Ids are at most 63 characters; a cut can leave a hyphen, and "--" is invalid.
    return (cluster[: 63 - len(suffix)].rstrip("-") + suffix).lower()


# A parameter group's family and its user-modified parameters (Source=user): the rest are the engine's defaults.
# of="cluster_" reads a DB cluster parameter group, of="" a DB parameter group.
def parameter_group(rds, of, name):
    key = "DBClusterParameterGroup" if of else "DBParameterGroup"
    group = getattr(rds, f"describe_db_{of}parameter_groups")(**{key + "Name": name})[key + "s"][0]
    pages = rds.get_paginator(f"describe_db_{of}parameters").paginate(**{key + "Name": name}, Source="user")
    values = {p["ParameterName"]: p["ParameterValue"] for page in pages for p in page["Parameters"] if "ParameterValue" in p}
    return {"name": name, "family": group["DBParameterGroupFamily"], "parameters": values}


# Copied as DescribeDBClusters reports them (or this default when it leaves one out), named as the
# contract names them: the same name, first letter lowercase.
COPIED = {"Engine": None, "EngineVersion": None, "EngineMode": None, "Port": None, "MasterUsername": None,
          "EnabledCloudwatchLogsExports": [], "BacktrackWindow": 0, "StorageType": "aurora",
          "DeletionProtection": False, "CopyTagsToSnapshot": False}


def camel(name):
    return name[0].lower() + name[1:]


def capture(rds, region, cluster_id, sid, now, version):
    c = rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]
    # Neither restores from a cluster snapshot as a provisioned or Serverless v2 cluster (Serverless v1
    # reached its end of life on 2025-03-31).
    if c["EngineMode"] == "serverless":
        raise RuntimeError(f"{cluster_id} is Aurora Serverless v1 (EngineMode serverless), which this stack "
                           "cannot restore: upgrade it to Serverless v2 or provisioned.")
    if c.get("ClusterScalabilityType") == "limitless":
        raise RuntimeError(f"{cluster_id} is an Aurora Limitless Database cluster, which this stack cannot "
                           "restore: protect it with AWS Backup.")
    writer, readers = {}, []
    for member in c["DBClusterMembers"]:
        db = rds.describe_db_instances(DBInstanceIdentifier=member["DBInstanceIdentifier"])["DBInstances"][0]
        if member["IsClusterWriter"]:
            group = parameter_group(rds, "", db["DBParameterGroups"][0]["DBParameterGroupName"])
            writer = {"writer": {"instanceClass": db["DBInstanceClass"], "parameterGroup": group}}
        else:
            readers.append({"instanceClass": db["DBInstanceClass"]})
    cluster = {"identifier": cluster_id, **{camel(k): c.get(k, default) for k, default in COPIED.items()},
               "manageMasterUserPassword": "MasterUserSecret" in c,
               "iamDatabaseAuthentication": c["IAMDatabaseAuthenticationEnabled"],
               "tags": {t["Key"]: t["Value"] for t in c["TagList"] if not t["Key"].startswith("aws:")},
               "parameterGroup": parameter_group(rds, "cluster_", c["DBClusterParameterGroup"])}
    if "ServerlessV2ScalingConfiguration" in c:
        cluster["serverlessV2Scaling"] = {camel(k): v for k, v in c["ServerlessV2ScalingConfiguration"].items()}
    return {"version": version, "capturedAt": datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source": {"region": region, "clusterArn": c["DBClusterArn"], "snapshotId": sid},
            "cluster": cluster, **writer, "readers": readers}


def handler(events, context):
    keys, region, stack, cluster = events["TagKeys"], events["Region"], events["StackId"], events["ClusterId"]
    now = time.time()
    sid = snapshot_id(cluster, now, events["ExecutionId"])
    rds = boto3.client("rds", region_name=region, config=RETRIES)
    config = json.dumps(capture(rds, region, cluster, sid, now, events["ConfigVersion"]), separators=(",", ":"))
    size = len(config.encode())
    if size > MAX_CONFIG_BYTES:
        raise RuntimeError(f"The configuration of {cluster} is {size} bytes, over the {MAX_CONFIG_BYTES} an SSM "
                           "parameter holds: no snapshot taken. Remove unused tags or parameter changes.")
    owner = {"Key": keys["stackId"], "Value": stack}
    tags = [owner, {"Key": keys["cluster"], "Value": cluster}, {"Key": keys["execution"], "Value": events["ExecutionId"]}]
    try:
        snap = rds.create_db_cluster_snapshot(
            DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=sid, Tags=tags)["DBClusterSnapshot"]
    except ClientError as e:
        code = e.response["Error"]["Code"]
        if code == "SnapshotQuotaExceeded":
            raise RuntimeError(f"Cannot create {sid}: {region} is at its quota of manual cluster snapshots. "
                               "Delete old ones, lower the retention or ask for a quota increase.") from e
        if code != "DBClusterSnapshotAlreadyExistsFault":
            raise
        # A retried call finds the snapshot its first attempt made.
        snap = rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=sid)["DBClusterSnapshots"][0]
        if owner not in snap["TagList"]:
            raise
    ssm = boto3.client("ssm", region_name=events["TargetRegion"], config=RETRIES)
    try:
        # Tags only on create (PutParameter refuses Tags with Overwrite); nothing existing is changed.
        ssm.put_parameter(Name=events["ConfigPath"] + sid, Value=config, Type="String", Tier="Intelligent-Tiering",
                          Tags=[owner])
    except ClientError as e:
        # A retried call finds what its first attempt wrote: the name holds this run's snapshot id.
        if e.response["Error"]["Code"] != "ParameterAlreadyExists":
            raise
    return {"SnapshotId": snap["DBClusterSnapshotIdentifier"], "SnapshotArn": snap["DBClusterSnapshotArn"]}
