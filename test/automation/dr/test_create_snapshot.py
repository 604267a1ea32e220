import re

import pytest
from botocore.exceptions import ClientError

from conftest import CLUSTER, EXECUTION, SOURCE, STACK_ID, OTHER_STACK_ID, START, TAG_KEYS

# RDS rules for a snapshot identifier: 1-63 letters, digits and hyphens, a letter first, no "--", no trailing hyphen.
VALID_SNAPSHOT_ID = re.compile(r"^[a-z](-?[a-z0-9])*$")

CLUSTER_IDS = {
    "one character": "a",
    "ordinary": "orders-db",
    "upper case": "Orders-DB-2",
    "63 characters": "c" + "0123456789" * 6 + "ab",
    # The suffix "-dr-YYYYMMDDHHMM-xxxxxxxx" is 25 characters, so 38 of the cluster id remain; here the 38th is "-".
    "hyphen at the cut": "a" * 37 + "-b" + "c" * 24,
    "hyphen just after the cut": "a" * 38 + "-" + "b" * 24,
}


@pytest.mark.parametrize("cluster_id", CLUSTER_IDS.values(), ids=CLUSTER_IDS.keys())
def test_snapshot_id_is_a_valid_rds_identifier_that_starts_with_the_cluster_id(load, cluster_id):
    snapshot_id = load("dr/create_snapshot").snapshot_id(cluster_id, START, EXECUTION)

    assert len(snapshot_id) <= 63
    assert VALID_SNAPSHOT_ID.match(snapshot_id), snapshot_id
    assert "--" not in snapshot_id
    prefix = snapshot_id[: -len("-dr-202603011000-7f3b9c2e")]
    assert cluster_id.lower().startswith(prefix) and prefix
    assert snapshot_id.endswith("-dr-202603011000-7f3b9c2e")


@pytest.mark.parametrize("cluster_id", CLUSTER_IDS.values(), ids=CLUSTER_IDS.keys())
def test_snapshot_id_differs_between_executions_and_between_minutes(load, cluster_id):
    snapshot_id = load("dr/create_snapshot").snapshot_id

    ids = {
        snapshot_id(cluster_id, START, EXECUTION),
        snapshot_id(cluster_id, START, "00000000-1111-4222-8333-444444444444"),
        snapshot_id(cluster_id, START + 60, EXECUTION),
        snapshot_id(cluster_id, START + 86400, EXECUTION),
    }
    assert len(ids) == 4


def test_creates_the_snapshot_tagged_with_stack_cluster_and_execution(world, load):
    result = load("dr/create_snapshot").handler(world.create_event(), None)

    assert result["SnapshotId"] == "orders-db-dr-202603011000-7f3b9c2e"
    snapshot = world.snapshots(SOURCE)[result["SnapshotId"]]
    assert result["SnapshotArn"] == snapshot["DBClusterSnapshotArn"]
    assert snapshot["DBClusterIdentifier"] == CLUSTER
    assert {t["Key"]: t["Value"] for t in snapshot["TagList"]} == {
        TAG_KEYS["stackId"]: STACK_ID,
        TAG_KEYS["cluster"]: CLUSTER,
        TAG_KEYS["execution"]: EXECUTION,
    }


def test_creates_a_valid_snapshot_for_a_63_character_cluster_id(world, load):
    long_id = CLUSTER_IDS["hyphen at the cut"]
    world.add_cluster(SOURCE, long_id)

    result = load("dr/create_snapshot").handler(world.create_event(cluster=long_id), None)

    assert VALID_SNAPSHOT_ID.match(result["SnapshotId"]) and len(result["SnapshotId"]) <= 63
    assert world.snapshots(SOURCE)[result["SnapshotId"]]["DBClusterIdentifier"] == long_id


def test_a_retried_call_returns_the_snapshot_the_first_attempt_created(world, load):
    script = load("dr/create_snapshot")
    first = script.handler(world.create_event(), None)

    again = script.handler(world.create_event(), None)

    assert again == first
    assert list(world.snapshots(SOURCE)) == [first["SnapshotId"]]


def test_a_same_named_snapshot_of_another_stack_is_not_taken_for_this_runs(world, load):
    script = load("dr/create_snapshot")
    snapshot_id = script.snapshot_id(CLUSTER, START, EXECUTION)
    world.add_snapshot(SOURCE, snapshot_id, tags=[(TAG_KEYS["stackId"], OTHER_STACK_ID)])

    with pytest.raises(ClientError, match="already exists"):
        script.handler(world.create_event(), None)


def test_a_full_snapshot_quota_fails_with_what_to_do(world, load, monkeypatch):
    monkeypatch.setenv("MOTO_RDS_SNAPSHOT_LIMIT", "0")

    with pytest.raises(RuntimeError) as failure:
        load("dr/create_snapshot").handler(world.create_event(), None)

    message = str(failure.value)
    assert "orders-db-dr-202603011000-7f3b9c2e" in message
    assert f"{SOURCE} is at its quota of manual cluster snapshots" in message
    assert "Delete old ones" in message and "retention" in message and "quota increase" in message
