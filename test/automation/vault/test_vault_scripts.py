"""
The vault runbook's scripts (automation/vault/*.py) in the vault account,
against shares from two protected accounts in one in-process moto.
"""
import pytest

from conftest import DAY, TAG_KEYS
from vault_world import PROTECTED, VAULT, VAULT_STACK, accounts, as_vault, vault  # noqa: F401 - fixtures

A, B = PROTECTED
BOTH = f"{A}:orders-db,{B}:orders-db"


@pytest.fixture
def shares(accounts, vault):
    """A cluster named orders-db in each protected account, under keys that admit the vault."""
    for account in accounts.values():
        account.cluster("orders-db", account.key(VAULT))
    return accounts


@pytest.fixture
def copy_shares(load, as_vault):
    return load("vault/copy_shares").handler


@pytest.fixture
def prune(load, as_vault):
    return load("vault/prune_copies").handler


def tags(snapshot):
    return {t["Key"]: t["Value"] for t in snapshot["TagList"]}


def test_copies_each_listed_share_once_under_the_vault_key_tagged_with_the_vault_stack(shares, vault, copy_shares):
    arn_a = shares[A].dr_copy("orders-db", "orders-db-dr-202603011000-aaaaaaaa")
    arn_b = shares[B].dr_copy("orders-db", "orders-db-dr-202603011000-aaaaaaaa")  # the same name in another account

    out = copy_shares(vault.event(BOTH), None)

    assert sorted(out["Started"]) == sorted([arn_a, arn_b])
    assert out["Waiting"] is False
    copies = vault.snapshots()
    assert len(copies) == 2
    assert {tags(c)[TAG_KEYS["sourceSnapshot"]] for c in copies.values()} == {arn_a, arn_b}
    for c in copies.values():
        assert c["KmsKeyId"] == vault.key_arn
        assert tags(c)[TAG_KEYS["stackId"]] == VAULT_STACK
        assert tags(c)[TAG_KEYS["cluster"]] == "orders-db"
    # A second run (or a retried step) finds the copies by their source ARN and starts none.
    assert copy_shares(vault.event(BOTH), None)["Started"] == []
    assert len(vault.snapshots()) == 2


def test_ignores_shares_of_clusters_and_accounts_it_does_not_list(shares, vault, copy_shares):
    shares[A].cluster("scratch-db", shares[A].key(VAULT))
    shares[A].dr_copy("scratch-db", "scratch-db-dr-202603011000-aaaaaaaa")
    shares[B].dr_copy("orders-db", "orders-db-dr-202603011000-bbbbbbbb")
    listed = shares[A].dr_copy("orders-db", "orders-db-dr-202603011000-cccccccc")

    out = copy_shares(vault.event(f"{A}:orders-db"), None)

    assert out["Started"] == [listed]


def test_a_share_the_vault_key_policy_does_not_admit_fails_naming_the_key_policy(accounts, vault, copy_shares):
    accounts[A].cluster("orders-db", accounts[A].key())  # the default policy: the vault may not use the key
    accounts[A].dr_copy("orders-db", "orders-db-dr-202603011000-aaaaaaaa")

    with pytest.raises(RuntimeError, match="key policy must allow this account kms:CreateGrant and kms:DescribeKey"):
        copy_shares(vault.event(f"{A}:orders-db"), None)
    assert vault.snapshots() == {}


def test_waits_while_five_copies_are_in_progress_over_every_protected_cluster(shares, vault, copy_shares, clock):
    for n in range(3):
        shares[A].dr_copy("orders-db", f"orders-db-dr-20260301100{n}-aaaaaaaa")
        shares[B].dr_copy("orders-db", f"orders-db-dr-20260301100{n}-bbbbbbbb")
    backend = vault_backend()
    original = backend.copy_db_cluster_snapshot

    def copying(*args, **kwargs):
        made = original(*args, **kwargs)
        made.status = "copying"
        return made

    backend.copy_db_cluster_snapshot = copying

    first = copy_shares(vault.event(BOTH), None)
    assert len(first["Started"]) == 5 and first["Waiting"] is True
    assert copy_shares(vault.event(BOTH), None)["Started"] == []  # still no slot

    for snapshot in backend.cluster_snapshots.values():
        snapshot.status = "available"
    second = copy_shares(vault.event(BOTH), None)
    assert len(second["Started"]) == 1 and second["Waiting"] is False


def test_fails_when_a_share_waited_for_a_slot_longer_than_the_copy_timeout(shares, vault, copy_shares, clock):
    for n in range(6):
        shares[A if n % 2 else B].dr_copy("orders-db", f"orders-db-dr-20260301100{n}-aaaaaaaa")
    copy_shares(vault.event(BOTH), None)
    for snapshot in vault_backend().cluster_snapshots.values():
        snapshot.status = "copying"
    clock.advance(25 * 3600)
    with pytest.raises(RuntimeError, match="5 copies in progress .*every protected cluster's counted.*CopyTimeoutHours"):
        copy_shares(vault.event(BOTH, timeout="24"), None)


def test_a_full_snapshot_quota_fails_the_run_with_what_to_do(shares, vault, copy_shares, monkeypatch):
    shares[A].dr_copy("orders-db", "orders-db-dr-202603011000-aaaaaaaa")
    monkeypatch.setattr(type(vault_backend()), "SNAPSHOT_QUOTA", 0)
    with pytest.raises(RuntimeError, match="quota of manual cluster snapshots, shared by every protected cluster"):
        copy_shares(vault.event(BOTH), None)


def test_prunes_expired_copies_but_keeps_the_minimum_per_cluster_and_what_it_did_not_make(
        shares, vault, copy_shares, prune, clock):
    for day in range(4):
        shares[A].dr_copy("orders-db", f"orders-db-dr-2026030{day + 1}1000-aaaaaaaa")
        if day == 0:
            shares[B].dr_copy("orders-db", "orders-db-dr-202603011000-bbbbbbbb")
        copy_shares(vault.event(BOTH), None)
        clock.advance(DAY)
    vault.rds.create_db_cluster(DBClusterIdentifier="own-db", Engine="aurora-postgresql", MasterUsername="postgres",
                                MasterUserPassword="correct-horse-battery")
    vault.rds.create_db_cluster_snapshot(DBClusterIdentifier="own-db", DBClusterSnapshotIdentifier="hand-made")
    clock.advance(30 * DAY)

    out = prune(vault.event(BOTH, retention="30", minimum="2"), None)

    left = vault.snapshots()
    by_source = {tags(s).get(TAG_KEYS["sourceSnapshot"], ""): s for s in left.values()}
    # Account A: 4 copies, all expired, the 2 newest kept. Account B: 1 copy, kept (the minimum). Nobody else's touched.
    assert sorted(a.split(":")[-1] for a in by_source if A in a) == [
        "orders-db-dr-202603031000-aaaaaaaa", "orders-db-dr-202603041000-aaaaaaaa"]
    assert [a.split(":")[4] for a in by_source if B in a] == [B]
    assert "hand-made" in left
    assert len(out["DeletedSnapshots"]) == 2


def test_prune_keeps_copies_inside_the_retention_and_never_one_in_progress(shares, vault, copy_shares, prune, clock):
    for day in range(3):
        shares[A].dr_copy("orders-db", f"orders-db-dr-2026030{day + 1}1000-aaaaaaaa")
        copy_shares(vault.event(BOTH), None)
        clock.advance(DAY)
    oldest = min(vault.snapshots().values(), key=lambda s: s["SnapshotCreateTime"])
    vault_backend().cluster_snapshots[oldest["DBClusterSnapshotIdentifier"]].status = "copying"

    assert prune(vault.event(BOTH, retention="30", minimum="1"), None)["DeletedSnapshots"] == []
    clock.advance(40 * DAY)
    deleted = prune(vault.event(BOTH, retention="30", minimum="1"), None)["DeletedSnapshots"]
    assert oldest["DBClusterSnapshotIdentifier"] not in deleted and len(deleted) == 1


def vault_backend():
    from moto.backends import get_backend
    from conftest import TARGET
    return get_backend("rds")[VAULT][TARGET]


def test_never_copies_a_share_older_than_the_retention_so_a_pruned_copy_is_not_made_again(
        shares, vault, copy_shares, prune, clock):
    old = shares[A].dr_copy("orders-db", "orders-db-dr-202603011000-aaaaaaaa")
    assert copy_shares(vault.event(BOTH, retention="2"), None)["Started"] == [old]
    clock.advance(3 * DAY)
    newer = shares[A].dr_copy("orders-db", "orders-db-dr-202603041000-aaaaaaaa")
    copy_shares(vault.event(BOTH, retention="2"), None)
    # The first copy expires and goes, its share (still kept by the DR stack) is not copied again.
    assert len(prune(vault.event(BOTH, retention="2", minimum="1"), None)["DeletedSnapshots"]) == 1
    assert copy_shares(vault.event(BOTH, retention="2"), None)["Started"] == []
    assert {tags(s)[TAG_KEYS["sourceSnapshot"]] for s in vault.snapshots().values()} == {newer}
