from datetime import datetime, timezone

import pytest

from conftest import CLUSTER, COPY_TAG_KEYS, EXECUTION, SOURCE, STACK_ID, TAG_KEYS, TARGET

OUTPUT_KEYS = {"Started", "TargetSnapshotId", "TargetSnapshotArn", "StartedAt", "Message"}


@pytest.fixture
def source(world, load):
    """This run's source snapshot, as CreateSourceSnapshot made it, plus a user's tag and an AWS-reserved one."""
    created = load("dr/create_snapshot").handler(world.create_event(), None)
    world.rds[SOURCE].add_tags_to_resource(
        ResourceName=created["SnapshotArn"], Tags=[{"Key": "team", "Value": "payments"}])
    # Only AWS writes aws: tags (e.g. AWS Backup); a request that sets one is refused.
    world.backend(SOURCE).cluster_snapshots[created["SnapshotId"]].tags.append(
        {"Key": "aws:backup:source-resource", "Value": "orders-db"})
    return created


def occupy_copy_slots(world, count, status="copying"):
    """`count` other snapshots in the target Region that are still being copied there."""
    world.add_cluster(TARGET, "dr-side")
    for n in range(count):
        world.add_snapshot(TARGET, f"incoming-{n}", cluster_id="dr-side")
        world.set_status(TARGET, f"incoming-{n}", status)


def test_copies_into_the_target_region_with_the_target_key_and_merged_tags(world, load, source, clock):
    result = load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"]), None)

    copy = world.snapshots(TARGET)[source["SnapshotId"]]
    assert result == {
        "Started": True,
        "TargetSnapshotId": source["SnapshotId"],
        "TargetSnapshotArn": copy["DBClusterSnapshotArn"],
        "StartedAt": result["StartedAt"],
        "Message": "Copy started.",
    }
    assert copy["DBClusterSnapshotArn"].startswith(f"arn:aws:rds:{TARGET}:")
    assert copy["KmsKeyId"] == world.target_key and copy["StorageEncrypted"]
    assert {t["Key"]: t["Value"] for t in copy["TagList"]} == {
        "team": "payments",
        TAG_KEYS["stackId"]: STACK_ID,
        TAG_KEYS["cluster"]: CLUSTER,
        TAG_KEYS["sourceSnapshot"]: source["SnapshotArn"],
        TAG_KEYS["execution"]: EXECUTION,
        COPY_TAG_KEYS["sourceCreatedAt"]: datetime.fromtimestamp(clock.now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert datetime.fromisoformat(result["StartedAt"]).timestamp() == clock.now


def test_a_retried_step_reports_the_copy_already_started_without_a_second_copy(world, load, source):
    script = load("dr/copy_snapshot")
    first = script.handler(world.copy_event(source["SnapshotArn"]), None)

    again = script.handler(world.copy_event(source["SnapshotArn"]), None)

    assert again["Started"] is True
    assert again["TargetSnapshotArn"] == first["TargetSnapshotArn"]
    assert list(world.snapshots(TARGET)) == [source["SnapshotId"]]


@pytest.mark.parametrize("status", ["failed", "creating"])
def test_a_source_snapshot_that_is_not_available_fails_naming_it_and_its_status_and_copies_nothing(
        world, load, source, status):
    world.set_status(SOURCE, source["SnapshotId"], status)

    with pytest.raises(RuntimeError) as failure:
        load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"]), None)

    assert f"Source snapshot {source['SnapshotId']} in {SOURCE} is {status}, not available: no copy started" in str(
        failure.value)
    assert world.snapshots(TARGET) == {}


def test_an_unencrypted_source_snapshot_fails_with_how_to_encrypt_the_cluster(world, load):
    world.add_cluster(SOURCE, "plain-db", encrypted=False)
    snapshot = world.add_snapshot(SOURCE, "plain-db-dr-1", cluster_id="plain-db",
                                  tags=[(TAG_KEYS["stackId"], STACK_ID)])

    with pytest.raises(RuntimeError) as failure:
        load("dr/copy_snapshot").handler(world.copy_event(snapshot["DBClusterSnapshotArn"]), None)

    message = str(failure.value)
    assert f"plain-db-dr-1 in {SOURCE} is unencrypted" in message
    assert "Aurora cannot encrypt while copying" in message and "Restore the cluster encrypted" in message
    assert world.snapshots(TARGET) == {}


def test_waits_for_a_slot_when_five_copies_are_in_progress_in_the_target_region(world, load, source):
    occupy_copy_slots(world, 5)

    result = load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"]), None)

    assert set(result) == OUTPUT_KEYS
    assert result["Started"] is False and result["StartedAt"] == "" and result["TargetSnapshotArn"] == ""
    assert result["Message"] == f"5 copies in progress in {TARGET}."
    assert source["SnapshotId"] not in world.snapshots(TARGET)


@pytest.mark.parametrize("status", ["copying", "creating"])
def test_counts_snapshots_being_created_or_copied_as_occupying_a_slot(world, load, source, status):
    occupy_copy_slots(world, 5, status)

    assert load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"]), None)["Started"] is False


def test_starts_the_copy_when_four_copies_are_in_progress(world, load, source):
    occupy_copy_slots(world, 4)

    result = load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"]), None)

    assert result["Started"] is True
    assert source["SnapshotId"] in world.snapshots(TARGET)


def test_fails_with_counts_and_hours_when_slots_stay_full_past_the_copy_timeout(world, load, source, clock):
    occupy_copy_slots(world, 5)
    clock.advance(25 * 3600)

    with pytest.raises(RuntimeError) as failure:
        load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"], timeout_hours="24"), None)

    message = str(failure.value)
    assert f"Waited 25.0 h to copy {source['SnapshotId']}" in message
    assert f"{TARGET} still has 5 copies in progress (limit 5)" in message
    assert "raise CopyTimeoutHours" in message


def test_keeps_waiting_for_a_slot_within_the_copy_timeout(world, load, source, clock):
    occupy_copy_slots(world, 5)
    clock.advance(23 * 3600)

    result = load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"], timeout_hours="24"), None)

    assert result["Started"] is False


@pytest.mark.parametrize("key", [
    "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-4000-8000-000000000000",
    "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000",
], ids=["missing key", "key of another Region"])
def test_an_unusable_target_key_fails_naming_the_key_region_and_what_to_check(world, load, source, key):
    with pytest.raises(RuntimeError) as failure:
        load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"], key=key), None)

    message = str(failure.value)
    assert f"RDS cannot use KMS key {key} in {TARGET} (KMSKeyNotAccessibleFault)" in message
    assert "enabled" in message and "kms:CreateGrant" in message and "kms:DescribeKey" in message


def test_a_full_snapshot_quota_in_the_target_region_fails_with_what_to_do(world, load, source, monkeypatch):
    world.add_cluster(TARGET, "dr-side")
    world.add_snapshot(TARGET, "hand-made", cluster_id="dr-side")
    monkeypatch.setenv("MOTO_RDS_SNAPSHOT_LIMIT", "1")

    with pytest.raises(RuntimeError) as failure:
        load("dr/copy_snapshot").handler(world.copy_event(source["SnapshotArn"]), None)

    message = str(failure.value)
    assert f"Cannot copy {source['SnapshotId']}: {TARGET} is at its quota of manual cluster snapshots" in message
    assert "Delete old ones" in message and "quota increase" in message
