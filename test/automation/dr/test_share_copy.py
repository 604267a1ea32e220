"""
automation/dr/share_copy.py: the DR runbook's ShareWithVault step shares the
available copy with the vault account, and does nothing without one.
"""
import pytest

from conftest import TARGET

VAULT = "999999999999"


def restore_attribute(world, snapshot_id):
    attributes = world.rds[TARGET].describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=snapshot_id)
    values = attributes["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"]
    return next(a["AttributeValues"] for a in values if a["AttributeName"] == "restore")


def share_event(snapshot_id, vault=VAULT):
    return {"VaultAccountId": vault, "TargetRegion": TARGET, "TargetSnapshotId": snapshot_id}


def test_shares_the_copy_with_the_vault_account(world, backup, load):
    copy = backup()
    load("dr/share_copy").handler(share_event(copy), None)
    assert restore_attribute(world, copy) == [VAULT]


def test_shares_nothing_without_a_vault(world, backup, load):
    copy = backup()
    load("dr/share_copy").handler(share_event(copy, vault=""), None)
    assert restore_attribute(world, copy) == []


def test_a_copy_under_aws_rds_cannot_be_shared_and_the_run_says_where_to_look(world, load):
    created = load("dr/create_snapshot").handler(world.create_event(), None)
    load("dr/copy_snapshot").handler(world.copy_event(created["SnapshotArn"], key="alias/aws/rds"), None)
    with pytest.raises(RuntimeError, match=f"Sharing {created['SnapshotId']} with vault {VAULT} failed .*aws/rds.*docs/vault.md"):
        load("dr/share_copy").handler(share_event(created["SnapshotId"]), None)
