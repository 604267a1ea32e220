"""What the snapshot step records beside each copy (automation/dr/create_snapshot.py): the source
cluster's configuration that a cluster snapshot does not keep, as custom-resource/shared/captured-config.ts
specifies, in an SSM parameter of the target Region named after the copy; compared with the fixtures every
reader of the contract is tested against."""
import json
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest

from conftest import ACCOUNT, CONFIG_PATH, EXECUTION, SOURCE, STACK_ID, TAG_KEYS, TARGET

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "captured-config"
# The fixtures' capturedAt, and so the minute in their snapshot ids.
CAPTURED_AT = datetime(2026, 12, 7, 5, 0, 40, tzinfo=timezone.utc).timestamp()


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def user_parameters(values):
    return [{"ParameterName": k, "ParameterValue": v, "ApplyMethod": "pending-reboot"} for k, v in values.items()]


def make_cluster(rds, cluster_id, engine, version, cluster_group=None, instance_group=None, writer=None,
                 readers=(), **settings):
    """A source cluster as a user would build it: its own parameter groups (if any), then the cluster, then instances."""
    family = f"{engine}{version.split('.')[0]}" if engine == "aurora-postgresql" else f"{engine}{version[:3]}"
    for name, values, create, modify in [
        (cluster_group, "cluster", rds.create_db_cluster_parameter_group, rds.modify_db_cluster_parameter_group),
        (instance_group, "instance", rds.create_db_parameter_group, rds.modify_db_parameter_group),
    ]:
        if not name:
            continue
        group_name, params = name
        kind = "DBClusterParameterGroupName" if values == "cluster" else "DBParameterGroupName"
        create(**{kind: group_name}, DBParameterGroupFamily=family, Description=f"{cluster_id} {values}")
        items = user_parameters(params)
        # ModifyDB(Cluster)ParameterGroup takes at most 20 parameters a call.
        for start in range(0, len(items), 20):
            modify(**{kind: group_name}, Parameters=items[start:start + 20])
    rds.create_db_cluster(
        DBClusterIdentifier=cluster_id, Engine=engine, EngineVersion=version, StorageEncrypted=True,
        **({"DBClusterParameterGroupName": cluster_group[0]} if cluster_group else {}), **settings)
    for n, instance_class in enumerate([writer, *readers] if writer else []):
        rds.create_db_instance(
            DBInstanceIdentifier=f"{cluster_id}-{n}", DBClusterIdentifier=cluster_id, Engine=engine,
            DBInstanceClass=instance_class,
            **({"DBParameterGroupName": instance_group[0]} if instance_group and n == 0 else {}))


def postgresql_source(rds, cluster_id="orders-prod", cluster_parameters=None):
    expected = fixture("postgresql-io-optimized.json")
    cluster, writer = expected["cluster"], expected["writer"]
    make_cluster(
        rds, cluster_id, "aurora-postgresql", "16.4",
        cluster_group=(cluster["parameterGroup"]["name"], cluster_parameters or cluster["parameterGroup"]["parameters"]),
        instance_group=(writer["parameterGroup"]["name"], writer["parameterGroup"]["parameters"]),
        writer=writer["instanceClass"], readers=[r["instanceClass"] for r in expected["readers"]],
        MasterUsername="orders_admin", ManageMasterUserPassword=True, StorageType="aurora-iopt1",
        EnableIAMDatabaseAuthentication=True, EnableCloudwatchLogsExports=["postgresql"], DeletionProtection=True,
        CopyTagsToSnapshot=True,
        Tags=[{"Key": k, "Value": v} for k, v in cluster["tags"].items()]
        + [{"Key": "aws:cloudformation:stack-name", "Value": "orders"}])
    return expected


def mysql_source(rds):
    expected = fixture("mysql-backtrack.json")
    cluster = expected["cluster"]
    make_cluster(
        rds, "ledger-prod", "aurora-mysql", cluster["engineVersion"],
        cluster_group=(cluster["parameterGroup"]["name"], cluster["parameterGroup"]["parameters"]),
        writer=expected["writer"]["instanceClass"], MasterUsername="admin", MasterUserPassword="ledger-password-1",
        BacktrackWindow=86400, EnableCloudwatchLogsExports=["audit", "error", "slowquery"])
    return expected


def serverless_v2_source(rds):
    expected = fixture("serverless-v2.json")
    make_cluster(
        rds, "events-sv2", "aurora-postgresql", "16.4", writer="db.serverless", readers=["db.serverless"],
        MasterUsername="postgres", MasterUserPassword="events-password-1", Tags=[{"Key": "team", "Value": "events"}],
        ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 16, "SecondsUntilAutoPause": 3600})
    return expected


def run_capture(world, load, clock, cluster_id):
    clock.now = CAPTURED_AT
    return load("dr/create_snapshot").handler(world.create_event(cluster=cluster_id), None)


def written(name):
    return boto3.client("ssm", region_name=TARGET).get_parameter(Name=name)["Parameter"]


@pytest.mark.parametrize("source", [postgresql_source, mysql_source, serverless_v2_source],
                         ids=["PostgreSQL, I/O-Optimized, IAM auth, logs, tags, managed password",
                              "MySQL with lower_case_table_names=1 and Backtrack", "Serverless v2"])
def test_records_what_the_snapshot_does_not_keep_as_the_fixture_says(world, load, clock, source):
    expected = source(world.rds[SOURCE])

    result = run_capture(world, load, clock, expected["cluster"]["identifier"])

    assert result["SnapshotId"] == expected["source"]["snapshotId"]
    parameter = written(CONFIG_PATH + result["SnapshotId"])
    assert parameter["Type"] == "String"
    assert json.loads(parameter["Value"]) == expected


def test_the_parameter_is_intelligent_tiering_and_carries_the_ownership_tag(world, load, clock):
    postgresql_source(world.rds[SOURCE])

    result = run_capture(world, load, clock, "orders-prod")

    ssm = boto3.client("ssm", region_name=TARGET)
    [described] = ssm.describe_parameters(
        ParameterFilters=[{"Key": "Name", "Values": [CONFIG_PATH + result["SnapshotId"]]}])["Parameters"]
    assert described["Tier"] == "Intelligent-Tiering"
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=CONFIG_PATH + result["SnapshotId"])["TagList"]
    assert tags == [{"Key": TAG_KEYS["stackId"], "Value": STACK_ID}]
    # Nothing is written in the source Region, which may be down when the copy is needed.
    assert boto3.client("ssm", region_name=SOURCE).describe_parameters()["Parameters"] == []


def test_reads_every_page_of_user_modified_parameters(world, load, clock):
    # 110 user values beside the engine's defaults: with Source=user, RDS returns them 100 a page.
    many = {f"pg_custom.setting_{n:03}": str(n) for n in range(110)}
    postgresql_source(world.rds[SOURCE], cluster_parameters=many)

    result = run_capture(world, load, clock, "orders-prod")

    assert json.loads(written(CONFIG_PATH + result["SnapshotId"])["Value"])["cluster"]["parameterGroup"]["parameters"] == many


def test_a_retried_call_keeps_what_its_first_attempt_wrote(world, load, clock):
    postgresql_source(world.rds[SOURCE])
    first = run_capture(world, load, clock, "orders-prod")
    value = written(CONFIG_PATH + first["SnapshotId"])["Value"]

    again = run_capture(world, load, clock, "orders-prod")

    assert again == first
    assert written(CONFIG_PATH + first["SnapshotId"]) | {"Value": value} == written(CONFIG_PATH + first["SnapshotId"])
    assert written(CONFIG_PATH + first["SnapshotId"])["Version"] == 1


@pytest.mark.parametrize("settings, named", [
    ({"Engine": "aurora-mysql", "EngineMode": "serverless"},
     "is Aurora Serverless v1 (EngineMode serverless), which this stack cannot restore: "
     "upgrade it to Serverless v2 or provisioned."),
    ({"Engine": "aurora-postgresql", "ClusterScalabilityType": "limitless"},
     "is an Aurora Limitless Database cluster, which this stack cannot restore: protect it with AWS Backup."),
], ids=["Serverless v1", "Limitless"])
def test_refuses_a_cluster_this_stack_cannot_restore_before_taking_any_snapshot(world, load, clock, settings, named):
    world.rds[SOURCE].create_db_cluster(DBClusterIdentifier="legacy-db", MasterUsername="admin",
                                        MasterUserPassword="legacy-password-1", StorageEncrypted=True, **settings)

    with pytest.raises(RuntimeError) as refused:
        run_capture(world, load, clock, "legacy-db")

    assert str(refused.value) == f"legacy-db {named}"
    assert world.snapshots(SOURCE) == {}
    assert boto3.client("ssm", region_name=TARGET).describe_parameters()["Parameters"] == []


def test_a_configuration_over_8_kb_fails_the_run_naming_its_size_before_any_snapshot(world, load, clock):
    huge = {f"pg_custom.setting_{n:03}": "x" * 100 for n in range(80)}
    postgresql_source(world.rds[SOURCE], cluster_parameters=huge)

    with pytest.raises(RuntimeError, match=r"^The configuration of orders-prod is (\d+) bytes, over the 8192 an SSM "
                                           r"parameter holds: no snapshot taken\.") as refused:
        run_capture(world, load, clock, "orders-prod")

    assert int(str(refused.value).split(" is ")[1].split(" ")[0]) > 8192
    assert world.snapshots(SOURCE) == {}
    assert boto3.client("ssm", region_name=TARGET).describe_parameters()["Parameters"] == []


def test_the_copy_carries_the_source_snapshots_creation_time(world, load, clock):
    postgresql_source(world.rds[SOURCE])
    created = run_capture(world, load, clock, "orders-prod")
    source_time = world.snapshots(SOURCE)[created["SnapshotId"]]["SnapshotCreateTime"]
    clock.advance(3 * 3600)  # the copy starts hours later, after waiting for a slot

    load("dr/copy_snapshot").handler(world.copy_event(created["SnapshotArn"]), None)

    copy = world.snapshots(TARGET)[created["SnapshotId"]]
    tags = {t["Key"]: t["Value"] for t in copy["TagList"]}
    assert tags["aurora-snapshot-dr:source-created-at"] == source_time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert tags["aurora-snapshot-dr:source-created-at"] == "2026-12-07T05:00:40Z"
    assert f"arn:aws:rds:{SOURCE}:{ACCOUNT}:cluster-snapshot:" in tags[TAG_KEYS["sourceSnapshot"]]
    assert EXECUTION in tags[TAG_KEYS["execution"]]


def test_a_cluster_without_instances_is_recorded_without_a_writer_or_readers(world, load, clock):
    # The world's cluster: Aurora PostgreSQL with no instance and the engine's default groups.
    result = load("dr/create_snapshot").handler(world.create_event(), None)

    config = json.loads(written(CONFIG_PATH + result["SnapshotId"])["Value"])
    assert "writer" not in config and config["readers"] == []
    assert config["cluster"]["parameterGroup"] == {"name": "default.aurora-postgresql12", "family": "aurora-postgresql12",
                                                   "parameters": {}}
