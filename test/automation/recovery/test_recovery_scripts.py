"""
The recovery runbook's scripts (automation/recovery/*.py) against moto's
in-process RDS, KMS and CloudWatch: copies of the source stack's cluster in
the target Region, restored, verified, measured and (for drills) deleted.
"""
import re
import time

import boto3
import pytest
from moto.backends import get_backend

from conftest import ACCOUNT, CLUSTER, EXECUTION, ROOT, SOURCE, STACK_ID, OTHER_STACK_ID, TAG_KEYS, TARGET

RECOVERY_STACK = f"arn:aws:cloudformation:{TARGET}:{ACCOUNT}:stack/orders-dr-recovery/1a2b3c4d-1b7e-11f0-9d3e-0a1b2c3d4e5f"
OTHER_RECOVERY_STACK = f"arn:aws:cloudformation:{TARGET}:{ACCOUNT}:stack/another-recovery/2b3c4d5e-1b7e-11f0-9d3e-0a1b2c3d4e5f"
OTHER_EXECUTION = "0a0a0a0a-1111-4222-8333-444444444444"
HOUR = 3600


def contract_map(name):
    """A constant object of custom-resource/recovery/contract.ts: the runbook passes exactly these maps."""
    text = (ROOT / "custom-resource" / "recovery" / "contract.ts").read_text()
    block = re.search(rf"export const {name} = \{{(.*?)\}} as const", text, re.S).group(1)
    return dict(re.findall(r"(\w+): '([^']+)'", block))


RESTORE_TAG = contract_map("RESTORE_TAG")
METRIC = contract_map("RECOVERY_METRIC")


class Recovery:
    """The target Region of a source stack: its copies, a network and a key, and the recovery runbook's inputs."""

    def __init__(self, world, clock):
        self.world, self.clock, self.rds = world, clock, world.rds[TARGET]
        ec2 = boto3.client("ec2", region_name=TARGET)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{TARGET}{z}")["Subnet"]["SubnetId"]
                   for i, z in ((1, "a"), (2, "b"))]
        self.rds.create_db_subnet_group(DBSubnetGroupName="dr-subnets", DBSubnetGroupDescription="DR", SubnetIds=subnets)
        self.security_group = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]

    def copy(self, copy_id, stack=STACK_ID, status="available"):
        """A copy in the target Region as the source stack's runbook leaves it."""
        source = self.world.add_snapshot(SOURCE, f"src-{copy_id}")
        self.rds.copy_db_cluster_snapshot(
            SourceDBClusterSnapshotIdentifier=source["DBClusterSnapshotArn"], TargetDBClusterSnapshotIdentifier=copy_id,
            KmsKeyId=self.world.target_key, SourceRegion=SOURCE,
            Tags=[{"Key": TAG_KEYS["stackId"], "Value": stack}, {"Key": TAG_KEYS["cluster"], "Value": CLUSTER}])
        self.world.backend(TARGET).cluster_snapshots[copy_id].status = status

    def restore_event(self, kind="restore", execution=EXECUTION, snapshot="", cluster="", source_cluster=CLUSTER):
        return {"Region": TARGET, "Kind": kind, "RecoveryStackId": RECOVERY_STACK, "ExecutionId": execution,
                "TagKeys": dict(RESTORE_TAG), "LeftOverAfterHours": 7, "SourceClusterId": source_cluster,
                "SourceStackId": STACK_ID, "OwnerTagKey": TAG_KEYS["stackId"], "SnapshotIdentifier": snapshot,
                "ClusterIdentifier": cluster, "KmsKeyArn": self.world.target_key, "SubnetGroup": "dr-subnets",
                "SecurityGroupIds": self.security_group, "InstanceClass": "db.r6g.large"}

    def finish_event(self, kind="restore", execution=EXECUTION):
        return {"Region": TARGET, "Kind": kind, "RecoveryStackId": RECOVERY_STACK, "ExecutionId": execution,
                "TagKeys": dict(RESTORE_TAG), "RecoveryStackName": "orders-dr-recovery", "BudgetMinutes": 360,
                "LeftOverAfterHours": 7, "Metric": dict(METRIC)}

    def cluster(self, cluster_id, kind, stack=RECOVERY_STACK, execution=OTHER_EXECUTION, protected=False, writer=True):
        """A cluster as a restore or drill run left it (or anyone else's, with other tags)."""
        tags = [{"Key": RESTORE_TAG["stackId"], "Value": stack}, {"Key": RESTORE_TAG["kind"], "Value": kind},
                {"Key": RESTORE_TAG["execution"], "Value": execution}] if kind else []
        self.rds.create_db_cluster(DBClusterIdentifier=cluster_id, Engine="aurora-postgresql", MasterUsername="postgres",
                                   MasterUserPassword="correct-horse-battery", DeletionProtection=protected, Tags=tags)
        if writer:
            self.rds.create_db_instance(DBInstanceIdentifier=f"{cluster_id}-writer", DBClusterIdentifier=cluster_id,
                                        Engine="aurora-postgresql", DBInstanceClass="db.r6g.large", Tags=tags)

    def clusters(self):
        return {c["DBClusterIdentifier"]: c for c in self.rds.describe_db_clusters()["DBClusters"]}

    def instances(self):
        return {i["DBInstanceIdentifier"] for i in self.rds.describe_db_instances()["DBInstances"]}

    @staticmethod
    def metrics():
        data = get_backend("cloudwatch")[ACCOUNT][TARGET].metric_data
        return [(d.namespace, d.name, d.value, [(x.name, x.value) for x in d.dimensions]) for d in data]


@pytest.fixture
def recovery(world, clock):
    return Recovery(world, clock)


def tags_of(resource):
    return {t["Key"]: t["Value"] for t in resource.get("TagList", [])}


# --- restore_copy.py ------------------------------------------------------------------------------------------------

def test_a_restore_takes_the_source_stacks_newest_available_copy_and_keeps_it_protected(recovery, load, clock):
    recovery.copy("orders-db-dr-old")
    clock.advance(24 * HOUR)
    recovery.copy("orders-db-dr-new")
    clock.advance(HOUR)
    recovery.copy("orders-db-dr-landing", status="copying")
    recovery.copy("orders-db-by-someone-else", stack=OTHER_STACK_ID)
    out = load("recovery/restore_copy").handler(recovery.restore_event(), None)
    assert out == {"ClusterId": "orders-db-restored-202603021100", "InstanceId": "orders-db-restored-202603021100-writer",
                   "SnapshotId": "orders-db-dr-new", "Engine": "aurora-postgresql"}
    cluster = recovery.clusters()[out["ClusterId"]]
    assert cluster["DeletionProtection"] is True
    assert cluster["KmsKeyId"] == recovery.world.target_key
    assert cluster["DBSubnetGroup"] == "dr-subnets"
    assert [g["VpcSecurityGroupId"] for g in cluster["VpcSecurityGroups"]] == [recovery.security_group]
    assert tags_of(cluster) == {RESTORE_TAG["stackId"]: RECOVERY_STACK, RESTORE_TAG["kind"]: "restore",
                                RESTORE_TAG["snapshot"]: "orders-db-dr-new", RESTORE_TAG["execution"]: EXECUTION}
    # The writer is the AddWriter step's: RDS takes it once the cluster is available.
    assert recovery.instances() == set()


def test_a_drill_cluster_has_no_deletion_protection_and_a_name_from_the_execution(recovery, load):
    recovery.copy("orders-db-dr-1")
    out = load("recovery/restore_copy").handler(recovery.restore_event(kind="drill"), None)
    assert out["ClusterId"] == f"orders-db-drill-{EXECUTION[:8]}"
    cluster = recovery.clusters()[out["ClusterId"]]
    assert cluster["DeletionProtection"] is False
    assert tags_of(cluster)[RESTORE_TAG["kind"]] == "drill"


def test_a_named_copy_and_a_named_cluster_are_used(recovery, load, clock):
    recovery.copy("orders-db-dr-old")
    clock.advance(HOUR)
    recovery.copy("orders-db-dr-new")
    out = load("recovery/restore_copy").handler(
        recovery.restore_event(snapshot=" orders-db-dr-old ", cluster="Orders-Before-Incident"), None)
    assert (out["ClusterId"], out["SnapshotId"]) == ("orders-before-incident", "orders-db-dr-old")


@pytest.mark.parametrize("snapshot", ["orders-db-by-someone-else", "orders-db-dr-landing", "no-such-copy"])
def test_a_named_snapshot_that_is_not_an_available_copy_of_the_stack_is_refused(recovery, load, snapshot):
    recovery.copy("orders-db-dr-1")
    recovery.copy("orders-db-by-someone-else", stack=OTHER_STACK_ID)
    recovery.copy("orders-db-dr-landing", status="copying")
    with pytest.raises(RuntimeError, match=f"No available copy {snapshot} of {CLUSTER} made by {re.escape(STACK_ID)}"):
        load("recovery/restore_copy").handler(recovery.restore_event(snapshot=snapshot), None)
    assert recovery.clusters() == {} or set(recovery.clusters()) == {CLUSTER}


def test_no_copy_yet_fails_with_where_to_look(recovery, load):
    recovery.copy("orders-db-by-someone-else", stack=OTHER_STACK_ID)
    with pytest.raises(RuntimeError, match=r"No available copy  of orders-db .* describe-db-cluster-snapshots --region us-west-2"):
        load("recovery/restore_copy").handler(recovery.restore_event(), None)


def test_a_long_source_name_is_cut_to_a_valid_63_character_identifier(recovery, load):
    source = "a" * 40 + "-" + "b" * 22  # 63 characters; a cut lands on the hyphen
    recovery.world.add_cluster(SOURCE, source)
    snap = recovery.world.add_snapshot(SOURCE, "long-src", cluster_id=source)
    recovery.rds.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=snap["DBClusterSnapshotArn"], TargetDBClusterSnapshotIdentifier="long-copy",
        KmsKeyId=recovery.world.target_key, SourceRegion=SOURCE, Tags=[{"Key": TAG_KEYS["stackId"], "Value": STACK_ID}])
    out = load("recovery/restore_copy").handler(recovery.restore_event(source_cluster=source), None)
    assert len(out["ClusterId"]) <= 63 and "--" not in out["ClusterId"]
    assert out["ClusterId"] == "a" * 40 + "-restored-202603011000"
    assert len(out["InstanceId"]) <= 63 and out["InstanceId"].endswith("-writer")


def test_a_drill_first_sweeps_only_left_over_drills_of_this_stack(recovery, load, clock):
    recovery.copy("orders-db-dr-1")
    recovery.cluster("left-over-drill", "drill")
    recovery.cluster("users-restore", "restore")
    recovery.cluster("other-stacks-drill", "drill", stack=OTHER_RECOVERY_STACK)
    recovery.cluster("protected-drill", "drill", protected=True)
    recovery.cluster("unrelated", None)
    clock.advance(8 * HOUR)
    recovery.cluster("running-drill", "drill")  # another drill, younger than a drill can last
    load("recovery/restore_copy").handler(recovery.restore_event(kind="drill"), None)
    assert set(recovery.clusters()) == {"users-restore", "other-stacks-drill", "protected-drill", "unrelated",
                                        "running-drill", f"orders-db-drill-{EXECUTION[:8]}", CLUSTER} - {CLUSTER}
    assert "left-over-drill-writer" not in recovery.instances()


def test_a_restore_sweeps_nothing(recovery, load, clock):
    recovery.copy("orders-db-dr-1")
    recovery.cluster("left-over-drill", "drill")
    clock.advance(8 * HOUR)
    load("recovery/restore_copy").handler(recovery.restore_event(), None)
    assert "left-over-drill" in recovery.clusters()


# --- finish_run.py --------------------------------------------------------------------------------------------------

def restored(recovery, load, clock, kind, copy_age_hours=5, restore_minutes=25):
    """RestoreCopy, then the writer as the runbook's AddWriter step adds it, then the waits."""
    recovery.copy("orders-db-dr-1")
    clock.advance(copy_age_hours * HOUR)
    out = load("recovery/restore_copy").handler(recovery.restore_event(kind=kind), None)
    tags = [{"Key": RESTORE_TAG["stackId"], "Value": RECOVERY_STACK}, {"Key": RESTORE_TAG["kind"], "Value": kind},
            {"Key": RESTORE_TAG["snapshot"], "Value": out["SnapshotId"]}, {"Key": RESTORE_TAG["execution"], "Value": EXECUTION}]
    recovery.rds.create_db_instance(DBInstanceIdentifier=out["InstanceId"], DBClusterIdentifier=out["ClusterId"],
                                    Engine=out["Engine"], DBInstanceClass="db.r6g.large", Tags=tags)
    clock.advance(restore_minutes * 60)
    return out


def test_a_restore_reports_endpoint_rto_and_rpo_and_keeps_the_cluster(recovery, load, clock):
    out = restored(recovery, load, clock, "restore")
    result = load("recovery/finish_run").handler(recovery.finish_event(), None)
    cluster = recovery.clusters()[out["ClusterId"]]
    assert result == {"ClusterId": out["ClusterId"], "Endpoint": cluster["Endpoint"], "SnapshotId": "orders-db-dr-1",
                      "RestoreMinutes": "25.0", "RecoveryPointHours": "5.0",
                      "Message": f"{out['ClusterId']} from orders-db-dr-1: verified in 25.0 min, recovery point 5.0 h old"}
    assert out["InstanceId"] in recovery.instances()
    assert recovery.metrics() == []


def test_a_drill_publishes_its_figures_and_deletes_its_cluster_and_writer(recovery, load, clock):
    out = restored(recovery, load, clock, "drill", copy_age_hours=26, restore_minutes=12)
    result = load("recovery/finish_run").handler(recovery.finish_event(kind="drill"), None)
    assert (result["RestoreMinutes"], result["RecoveryPointHours"]) == ("12.0", "26.0")
    assert result["Message"].endswith(f"Deleted: {out['ClusterId']}")
    assert out["ClusterId"] not in recovery.clusters() and out["InstanceId"] not in recovery.instances()
    dims = [(METRIC["dimension"], "orders-dr-recovery")]
    assert sorted(recovery.metrics()) == sorted([
        (METRIC["namespace"], METRIC["drillSucceeded"], 1, dims),
        (METRIC["namespace"], METRIC["drillRestoreMinutes"], 12.0, dims),
        (METRIC["namespace"], METRIC["drillRecoveryPointHours"], 26.0, dims)])


@pytest.mark.parametrize("broken, reason", [
    ("cluster", "cluster is inaccessible-encryption-credentials"),
    ("writer", "-writer is failed"),
    ("version", "EngineVersion is 11.0, the snapshot's"),
    ("slow", "it took 400.0 min, over the 360.0 the waits allow"),
])
def test_a_drill_that_does_not_verify_records_a_failure_tears_down_and_fails(recovery, load, clock, broken, reason):
    out = restored(recovery, load, clock, "drill", restore_minutes=400 if broken == "slow" else 20)
    backend = recovery.world.backend(TARGET)
    if broken == "cluster":
        backend.clusters[out["ClusterId"]].status = "inaccessible-encryption-credentials"
    if broken == "writer":
        backend.databases[out["InstanceId"]].status = "failed"
    if broken == "version":
        backend.clusters[out["ClusterId"]].engine_version = "11.0"
    with pytest.raises(RuntimeError, match=re.escape(reason)) as failure:
        load("recovery/finish_run").handler(recovery.finish_event(kind="drill"), None)
    assert str(failure.value).startswith(f"Drill {out['ClusterId']} from orders-db-dr-1: ")
    assert f"--automation-execution-id {EXECUTION}" in str(failure.value)
    assert out["ClusterId"] not in recovery.clusters()
    assert [(name, value) for _, name, value, _ in recovery.metrics()] == [(METRIC["drillSucceeded"], 0)]


def test_a_drill_that_never_restored_still_fails_loudly_and_sweeps(recovery, load, clock):
    recovery.cluster("left-over-drill", "drill")
    recovery.cluster("users-restore", "restore")
    clock.advance(8 * HOUR)
    with pytest.raises(RuntimeError, match="Drill Nothing from no copy: no cluster was restored. Deleted: left-over-drill"):
        load("recovery/finish_run").handler(recovery.finish_event(kind="drill"), None)
    assert set(recovery.clusters()) == {"users-restore"}
    assert [(name, value) for _, name, value, _ in recovery.metrics()] == [(METRIC["drillSucceeded"], 0)]


def test_a_failed_restore_leaves_its_cluster_for_the_user(recovery, load, clock):
    out = restored(recovery, load, clock, "restore")
    recovery.world.backend(TARGET).databases[out["InstanceId"]].status = "failed"
    with pytest.raises(RuntimeError, match="is failed. The cluster, if any, is left for you. See why: aws ssm"):
        load("recovery/finish_run").handler(recovery.finish_event(), None)
    assert out["ClusterId"] in recovery.clusters()
    assert recovery.metrics() == []


def test_a_drill_waits_for_its_writer_to_be_deleting_before_deleting_the_cluster(recovery, load, clock, monkeypatch):
    out = restored(recovery, load, clock, "drill")
    finish = load("recovery/finish_run")
    real_client, calls = boto3.client, []

    def client(service, **kwargs):
        c = real_client(service, **kwargs)
        if service == "rds":
            real_delete = c.delete_db_cluster

            def delete_db_cluster(**params):
                calls.append(clock.now)
                if len(calls) < 3:
                    raise c.exceptions.InvalidDBClusterStateFault(
                        {"Error": {"Code": "InvalidDBClusterStateFault", "Message": "has instances"}}, "DeleteDBCluster")
                return real_delete(**params)
            c.delete_db_cluster = delete_db_cluster
        return c
    monkeypatch.setattr(finish.boto3, "client", client)
    finish.handler(recovery.finish_event(kind="drill"), None)
    assert len(calls) == 3 and calls[2] - calls[0] == 40
    assert out["ClusterId"] not in recovery.clusters()


def test_a_sweep_that_cannot_finish_leaves_the_left_over_to_finish_and_the_drill_goes_on(recovery, load, clock, monkeypatch, capsys):
    recovery.copy("orders-db-dr-1")
    recovery.cluster("left-over-drill", "drill")
    clock.advance(8 * HOUR)
    restore = load("recovery/restore_copy")
    real_client = boto3.client

    def client(service, **kwargs):
        c = real_client(service, **kwargs)
        if service == "rds":
            def delete_db_instance(**params):
                raise c.exceptions.InvalidDBInstanceStateFault(
                    {"Error": {"Code": "InvalidDBInstanceState", "Message": "Instance is already being deleted."}}, "DeleteDBInstance")
            c.delete_db_instance = delete_db_instance
        return c
    monkeypatch.setattr(restore.boto3, "client", client)
    out = restore.handler(recovery.restore_event(kind="drill"), None)
    assert out["ClusterId"] in recovery.clusters() and "left-over-drill" in recovery.clusters()
    assert "left-over-drill left to Finish: " in capsys.readouterr().out
    monkeypatch.setattr(restore.boto3, "client", real_client)
    recovery.rds.create_db_instance(DBInstanceIdentifier=out["InstanceId"], DBClusterIdentifier=out["ClusterId"],
                                    Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    load("recovery/finish_run").handler(recovery.finish_event(kind="drill"), None)
    assert set(recovery.clusters()) == set()


def refusing(monkeypatch, finish, service, method, refuse):
    """The script's `service` clients fail `method` with the error code `refuse(params)` gives, as AWS would (else moto answers)."""
    real_client = boto3.client

    def client(name, **kwargs):
        c = real_client(name, **kwargs)
        if name == service:
            real_method = getattr(c, method)

            def call(**params):
                error = refuse(params)
                if error:
                    raise c.exceptions.from_code(error)({"Error": {"Code": error, "Message": f"{error} for the test"}}, method)
                return real_method(**params)
            setattr(c, method, call)
        return c
    monkeypatch.setattr(finish.boto3, "client", client)


def test_a_drill_whose_metrics_are_refused_still_deletes_its_cluster_and_fails_naming_the_metrics(recovery, load, clock, monkeypatch):
    out = restored(recovery, load, clock, "drill")
    finish = load("recovery/finish_run")
    refusing(monkeypatch, finish, "cloudwatch", "put_metric_data", lambda params: "Throttling")
    with pytest.raises(RuntimeError, match=f"verified in 25.0 min.*Deleted: {out['ClusterId']}. metrics not published "
                                           r"\(.*Throttling.*\). See why: aws ssm"):
        finish.handler(recovery.finish_event(kind="drill"), None)
    assert out["ClusterId"] not in recovery.clusters() and out["InstanceId"] not in recovery.instances()


def test_a_left_over_that_cannot_be_deleted_does_not_stop_the_drills_own_teardown(recovery, load, clock, monkeypatch):
    recovery.cluster("left-over-drill", "drill")
    out = restored(recovery, load, clock, "drill")
    clock.advance(3 * HOUR)
    finish = load("recovery/finish_run")
    refusing(monkeypatch, finish, "rds", "delete_db_cluster",
             lambda params: params["DBClusterIdentifier"] == "left-over-drill" and "AccessDenied")
    with pytest.raises(RuntimeError, match=f"Deleted: {out['ClusterId']}. left-over-drill left for the next drill "
                                           r"\(.*AccessDenied.*\). See why"):
        finish.handler(recovery.finish_event(kind="drill"), None)
    assert set(recovery.clusters()) == {"left-over-drill"}
    assert (METRIC["drillSucceeded"], 1) in [(name, value) for _, name, value, _ in recovery.metrics()]


def test_a_drill_deletes_its_own_cluster_before_slow_left_overs_and_stops_waiting_inside_the_step(recovery, load, clock, monkeypatch):
    recovery.cluster("left-over-1", "drill")
    recovery.cluster("left-over-2", "drill")
    out = restored(recovery, load, clock, "drill")
    clock.advance(3 * HOUR)
    finish = load("recovery/finish_run")
    start, own_attempts = clock.now, []

    def writer_not_deleting_yet(params):
        # Always for the left-overs; once for the drill's own cluster, as when its writer has just been told to go.
        own_attempts.append(params["DBClusterIdentifier"] == out["ClusterId"])
        slow = params["DBClusterIdentifier"].startswith("left-over") or own_attempts.count(True) == 1
        return slow and "InvalidDBClusterStateFault"
    refusing(monkeypatch, finish, "rds", "delete_db_cluster", writer_not_deleting_yet)
    with pytest.raises(RuntimeError, match=f"Deleted: {out['ClusterId']}. left-over-1 left for the next drill .*"
                                           "left-over-2 left for the next drill "):
        finish.handler(recovery.finish_event(kind="drill"), None)
    assert clock.slept and clock.now - start < 600
    assert set(recovery.clusters()) == {"left-over-1", "left-over-2"}
