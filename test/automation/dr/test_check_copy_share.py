"""
automation/dr/check_copy.py shares the copy, once available, with the vault
account, and does nothing more without one.
"""
import pytest

from conftest import TARGET

VAULT = "999999999999"


def restore_attribute(world, snapshot_id):
    attributes = world.rds[TARGET].describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=snapshot_id)
    values = attributes["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"]
    return next(a["AttributeValues"] for a in values if a["AttributeName"] == "restore")


def share_event(world, clock, snapshot_id, vault=VAULT):
    return {**world.check_event(snapshot_id, clock.iso()), "VaultAccountId": vault}


def test_shares_the_available_copy_with_the_vault_account(world, backup, load, clock):
    copy = backup()
    assert load("dr/check_copy").handler(share_event(world, clock, copy), None)["Available"] is True
    assert restore_attribute(world, copy) == [VAULT]


def test_shares_nothing_without_a_vault(world, backup, load, clock):
    copy = backup()
    load("dr/check_copy").handler(share_event(world, clock, copy, vault=""), None)
    assert restore_attribute(world, copy) == []


def test_a_copy_under_aws_rds_cannot_be_shared_and_the_run_says_where_to_look(world, load, clock):
    created = load("dr/create_snapshot").handler(world.create_event(), None)
    load("dr/copy_snapshot").handler(world.copy_event(created["SnapshotArn"], key="alias/aws/rds"), None)
    with pytest.raises(RuntimeError, match=f"Sharing {created['SnapshotId']} with vault {VAULT} failed .*aws/rds.*docs/vault.md"):
        load("dr/check_copy").handler(share_event(world, clock, created["SnapshotId"]), None)


def test_a_copy_still_in_progress_is_not_shared_yet(world, backup, load, clock):
    copy = backup()
    world.set_status(TARGET, copy, "copying")
    assert load("dr/check_copy").handler(share_event(world, clock, copy), None)["Available"] is False
    assert restore_attribute(world, copy) == []
