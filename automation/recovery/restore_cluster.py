"""Restore the chosen copy into a new cluster with the target key, the stack's
network and its tags, and add the writer instance. A drill's cluster has no
deletion protection (its teardown deletes it); a restore's has (it is the
user's)."""
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def mine(resource, tags):
    return all(t in resource.get("TagList", []) for t in tags)


def handler(events, context):
    keys, kind, cluster, instance = events["TagKeys"], events["Kind"], events["ClusterId"], events["InstanceId"]
    rds = boto3.client("rds", region_name=events["Region"],
                       config=Config(retries={"mode": "standard", "max_attempts": 10}))
    tags = [{"Key": keys["stackId"], "Value": events["RecoveryStackId"]}, {"Key": keys["kind"], "Value": kind},
            {"Key": keys["snapshot"], "Value": events["SnapshotId"]},
            {"Key": keys["execution"], "Value": events["ExecutionId"]}]
    started = time.time()
    try:
        rds.restore_db_cluster_from_snapshot(
            DBClusterIdentifier=cluster, SnapshotIdentifier=events["SnapshotArn"], Engine=events["Engine"],
            EngineVersion=events["EngineVersion"], KmsKeyId=events["KmsKeyArn"],
            DBSubnetGroupName=events["SubnetGroup"],
            VpcSecurityGroupIds=[g.strip() for g in events["SecurityGroupIds"].split(",") if g.strip()],
            DeletionProtection=kind != "drill", CopyTagsToSnapshot=True, Tags=tags)
    except ClientError as e:
        if e.response["Error"]["Code"] != "DBClusterAlreadyExistsFault":
            raise
        existing = rds.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"][0]
        # A retried step finds the cluster its first attempt made; anyone else's is a name clash.
        if not mine(existing, tags[3:]):
            raise RuntimeError(f"Cluster {cluster} already exists: name another ClusterIdentifier") from e
    try:
        rds.create_db_instance(DBInstanceIdentifier=instance, DBClusterIdentifier=cluster, Engine=events["Engine"],
                               DBInstanceClass=events["InstanceClass"], Tags=tags)
    except ClientError as e:
        if e.response["Error"]["Code"] != "DBInstanceAlreadyExists":
            raise
    return {"StartedAt": started, "Message": f"Restoring {events['SnapshotId']} into {cluster} ({kind})."}
