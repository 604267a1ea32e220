import boto3
import pytest
from botocore.exceptions import ClientError
from moto.rds.exceptions import InvalidDBClusterSnapshotStateFault, InvalidParameterValue

from conftest import CLUSTER, CONFIG_PATH, DAY, OTHER_STACK_ID, SOURCE, TAG_KEYS, TARGET


def prune(load, world, **retention):
    return load("dr/prune_snapshots").handler(world.prune_event(**retention), None)


def remaining(world, region):
    return set(world.snapshots(region))


def test_deletes_expired_snapshots_in_each_region_by_that_regions_retention(world, load, clock, backup):
    day0 = backup()
    clock.advance(10 * DAY)
    day10 = backup()
    clock.advance(10 * DAY)
    day20 = backup()
    clock.advance(12 * DAY)
    day32 = backup()
    clock.advance(3 * DAY)

    result = prune(load, world, source_days="7", target_days="30")

    assert sorted(result["DeletedSnapshots"]) == sorted(
        [f"{SOURCE}:{day0}", f"{SOURCE}:{day10}", f"{SOURCE}:{day20}", f"{TARGET}:{day0}"])
    assert result["Message"] == f"{SOURCE}: deleted 3 of 4; {TARGET}: deleted 1 of 4"
    assert remaining(world, SOURCE) == {day32}
    assert remaining(world, TARGET) == {day10, day20, day32}


def test_deletes_nothing_while_every_snapshot_is_within_its_retention(world, load, clock, backup):
    first = backup()
    clock.advance(6 * DAY)

    result = prune(load, world, source_days="7", target_days="30")

    assert result == {"DeletedSnapshots": [], "Message": f"{SOURCE}: deleted 0 of 1; {TARGET}: deleted 0 of 1"}
    assert remaining(world, SOURCE) == remaining(world, TARGET) == {first}


def test_never_touches_another_stacks_or_hand_made_snapshots(world, load, clock, backup):
    others = {"orders-db-before-upgrade": [("team", "payments")],
              "orders-db-dr-other-stack": [(TAG_KEYS["stackId"], OTHER_STACK_ID), (TAG_KEYS["cluster"], CLUSTER)]}
    for snapshot_id, tags in others.items():
        made = world.add_snapshot(SOURCE, snapshot_id, tags=tags)
        world.rds[TARGET].copy_db_cluster_snapshot(
            SourceDBClusterSnapshotIdentifier=made["DBClusterSnapshotArn"], TargetDBClusterSnapshotIdentifier=snapshot_id,
            KmsKeyId=world.target_key, SourceRegion=SOURCE, Tags=[{"Key": k, "Value": v} for k, v in tags])
    old = backup()
    clock.advance(DAY)
    newest = backup()
    clock.advance(1000 * DAY)

    result = prune(load, world, source_days="1", target_days="1")

    assert sorted(result["DeletedSnapshots"]) == sorted([f"{SOURCE}:{old}", f"{SOURCE}:{newest}", f"{TARGET}:{old}"])
    assert remaining(world, SOURCE) == set(others)
    assert remaining(world, TARGET) == set(others) | {newest}


def test_keeps_the_newest_available_copy_even_when_it_has_expired(world, load, clock, backup):
    only = backup()
    clock.advance(400 * DAY)

    result = prune(load, world, source_days="7", target_days="30")

    assert result["DeletedSnapshots"] == [f"{SOURCE}:{only}"]
    assert remaining(world, TARGET) == {only}


def test_the_newest_available_copy_is_kept_while_a_newer_copy_is_still_in_progress(world, load, clock, backup):
    older = backup()
    clock.advance(DAY)
    newer = backup()
    world.set_status(TARGET, newer, "copying")
    clock.advance(400 * DAY)

    prune(load, world, source_days="7", target_days="30")

    assert remaining(world, TARGET) == {older, newer}


def test_keeps_a_source_snapshot_whose_copy_is_still_in_progress(world, load, clock, backup):
    copied = backup()
    clock.advance(DAY)
    in_progress = backup()
    clock.advance(DAY)
    backup()
    world.set_status(TARGET, in_progress, "copying")
    clock.advance(400 * DAY)

    result = prune(load, world, source_days="7", target_days="30")

    assert f"{SOURCE}:{copied}" in result["DeletedSnapshots"]
    assert in_progress in remaining(world, SOURCE)
    assert in_progress in remaining(world, TARGET)


@pytest.mark.parametrize("region", [SOURCE, TARGET])
def test_never_deletes_a_snapshot_that_is_not_available(world, load, clock, backup, region):
    busy = backup()
    clock.advance(DAY)
    backup()
    world.set_status(region, busy, "creating")
    clock.advance(400 * DAY)

    result = prune(load, world, source_days="7", target_days="30")

    assert f"{region}:{busy}" not in result["DeletedSnapshots"]
    assert busy in remaining(world, region)


def test_a_snapshot_an_overlapping_run_already_deleted_does_not_fail_the_run(world, load, clock, backup, monkeypatch):
    first = backup()
    clock.advance(DAY)
    second = backup()
    clock.advance(400 * DAY)
    backend = world.backend(SOURCE)
    delete = backend.delete_db_cluster_snapshot

    def deleted_by_the_other_run_first(snapshot_id):
        if snapshot_id == first:
            delete(snapshot_id)
        return delete(snapshot_id)

    with monkeypatch.context() as patch:
        patch.setattr(backend, "delete_db_cluster_snapshot", deleted_by_the_other_run_first)
        result = prune(load, world, source_days="7", target_days="30")

    assert sorted(result["DeletedSnapshots"]) == sorted([f"{SOURCE}:{second}", f"{TARGET}:{first}"])
    assert remaining(world, SOURCE) == set()


def test_a_snapshot_in_use_is_skipped_without_failing_the_run(world, load, clock, backup, monkeypatch):
    first = backup()
    clock.advance(DAY)
    second = backup()
    clock.advance(400 * DAY)
    backend = world.backend(SOURCE)
    delete = backend.delete_db_cluster_snapshot

    def in_use(snapshot_id):
        if snapshot_id == first:
            raise InvalidDBClusterSnapshotStateFault(f"DBClusterSnapshot {snapshot_id} is being restored")
        return delete(snapshot_id)

    with monkeypatch.context() as patch:
        patch.setattr(backend, "delete_db_cluster_snapshot", in_use)
        result = prune(load, world, source_days="7", target_days="30")

    assert sorted(result["DeletedSnapshots"]) == sorted([f"{SOURCE}:{second}", f"{TARGET}:{first}"])
    assert remaining(world, SOURCE) == {first}


def test_any_other_delete_error_fails_the_run(world, load, clock, backup, monkeypatch):
    backup()
    clock.advance(DAY)
    backup()
    clock.advance(400 * DAY)

    def refuse(snapshot_id):
        raise InvalidParameterValue("unexpected")

    with monkeypatch.context() as patch, pytest.raises(ClientError, match="InvalidParameterValue"):
        patch.setattr(world.backend(SOURCE), "delete_db_cluster_snapshot", refuse)
        prune(load, world, source_days="7", target_days="30")


def test_prunes_the_target_region_although_the_cluster_does_not_exist_there(world, load, clock, backup):
    """RDS refuses DescribeDBClusterSnapshots for a cluster that does not exist (and so does the emulator)."""
    with pytest.raises(ClientError, match="DBClusterNotFoundFault"):
        world.rds[TARGET].describe_db_cluster_snapshots(DBClusterIdentifier=CLUSTER)
    old = backup()
    clock.advance(40 * DAY)
    new = backup()

    result = prune(load, world, source_days="7", target_days="30")

    assert f"{TARGET}:{old}" in result["DeletedSnapshots"]
    assert remaining(world, TARGET) == {new}


# The configuration each run records beside its copy (create_snapshot.py) goes with the copy.

def configurations(world):
    ssm = boto3.client("ssm", region_name=TARGET)
    return {p["Name"][len(CONFIG_PATH):] for p in ssm.describe_parameters()["Parameters"]}


def test_deletes_a_copys_configuration_with_the_copy_and_keeps_it_while_the_copy_is_kept(world, load, clock, backup):
    day0 = backup()
    clock.advance(10 * DAY)
    day10 = backup()
    clock.advance(25 * DAY)
    assert configurations(world) == {day0, day10}

    prune(load, world, source_days="7", target_days="30")

    # day10's source snapshot is gone, its copy is not: its configuration stays for the copy.
    assert remaining(world, SOURCE) == set() and remaining(world, TARGET) == {day10}
    assert configurations(world) == {day10}


def test_deletes_the_configuration_of_a_snapshot_that_was_never_copied_with_its_source(world, load, clock, backup):
    kept = backup()
    never_copied = load("dr/create_snapshot").handler(world.create_event(execution="feedface-0000-4000-8000-000000000000"), None)
    clock.advance(10 * DAY)

    prune(load, world, source_days="7", target_days="30")

    assert never_copied["SnapshotId"] not in remaining(world, SOURCE)
    assert configurations(world) == {kept}


def test_a_copy_without_a_configuration_is_still_deleted(world, load, clock, backup):
    old = backup()
    boto3.client("ssm", region_name=TARGET).delete_parameter(Name=CONFIG_PATH + old)
    clock.advance(DAY)
    new = backup()
    clock.advance(40 * DAY)

    result = prune(load, world, source_days="7", target_days="30")

    assert f"{TARGET}:{old}" in result["DeletedSnapshots"]
    assert configurations(world) == {new}


def test_never_deletes_a_configuration_of_another_stacks_or_a_hand_made_snapshot(world, load, clock, backup):
    ssm = boto3.client("ssm", region_name=TARGET)
    made = world.add_snapshot(SOURCE, "orders-db-dr-other-stack",
                              tags=[(TAG_KEYS["stackId"], OTHER_STACK_ID), (TAG_KEYS["cluster"], CLUSTER)])
    world.rds[TARGET].copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=made["DBClusterSnapshotArn"], TargetDBClusterSnapshotIdentifier="orders-db-dr-other-stack",
        KmsKeyId=world.target_key, SourceRegion=SOURCE, Tags=[{"Key": TAG_KEYS["stackId"], "Value": OTHER_STACK_ID}])
    ssm.put_parameter(Name=CONFIG_PATH + "orders-db-dr-other-stack", Value="{}", Type="String")
    backup()
    clock.advance(1000 * DAY)

    prune(load, world, source_days="1", target_days="1")

    assert "orders-db-dr-other-stack" in configurations(world)
