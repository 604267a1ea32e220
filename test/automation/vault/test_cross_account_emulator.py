"""
What test/support/moto_cross_account.py teaches moto, checked call by call: a
vault account copies a snapshot another account shared with it by its ARN,
under its own key, only when the share and the source key's policy admit it
(RDS API reference, CopyDBClusterSnapshot; Aurora User Guide, sharing a DB
cluster snapshot).
"""
import pytest
from botocore.exceptions import ClientError

from conftest import TARGET
from vault_world import VAULT, accounts, vault  # noqa: F401 - fixtures

OWNER = "111111111111"


@pytest.fixture
def shared(accounts, vault):
    """A DR copy in the owner's account, under a key whose policy admits the vault, shared with the vault."""
    owner = accounts[OWNER]
    owner.cluster("orders-db", owner.key(VAULT))
    return owner.dr_copy("orders-db", "orders-db-dr-202603011000-7f3b9c2e")


def copy(vault, source, kms_key=True, target="vault-copy"):
    extra = {"KmsKeyId": vault.key_arn} if kms_key else {}
    return vault.rds.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=source, TargetDBClusterSnapshotIdentifier=target, **extra)["DBClusterSnapshot"]


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_the_vault_sees_the_share_and_copies_it_by_arn_under_its_own_key(shared, vault):
    seen = vault.rds.describe_db_cluster_snapshots(SnapshotType="shared", IncludeShared=True)["DBClusterSnapshots"]
    assert [s["DBClusterSnapshotArn"] for s in seen] == [shared]

    made = copy(vault, shared)

    assert made["DBClusterSnapshotArn"] == f"arn:aws:rds:{TARGET}:{VAULT}:cluster-snapshot:vault-copy"
    assert made["KmsKeyId"] == vault.key_arn
    assert made["DBClusterIdentifier"] == "orders-db"
    assert "vault-copy" in vault.snapshots()


def test_a_share_is_reached_only_by_its_arn(shared, vault):
    with pytest.raises(ClientError) as excinfo:
        copy(vault, shared.split(":")[-1])
    assert error_code(excinfo) == "DBClusterSnapshotNotFoundFault"


def test_an_encrypted_share_needs_a_kms_key_id(shared, vault):
    with pytest.raises(ClientError) as excinfo:
        copy(vault, shared, kms_key=False)
    assert error_code(excinfo) == "InvalidParameterValue"
    assert "KmsKeyId is required" in excinfo.value.response["Error"]["Message"]


def test_a_snapshot_not_shared_with_the_vault_is_not_found(accounts, vault):
    owner = accounts[OWNER]
    owner.cluster("orders-db", owner.key(VAULT))
    private = owner.dr_copy("orders-db", "not-shared", share_with=None)
    with pytest.raises(ClientError) as excinfo:
        copy(vault, private)
    assert error_code(excinfo) == "DBClusterSnapshotNotFoundFault"


def test_a_share_under_a_key_whose_policy_does_not_admit_the_vault_cannot_be_copied(accounts, vault):
    owner = accounts[OWNER]
    owner.cluster("orders-db", owner.key())  # the default key policy: the owner account only
    arn = owner.dr_copy("orders-db", "shared-key-not")
    with pytest.raises(ClientError) as excinfo:
        copy(vault, arn)
    assert error_code(excinfo) == "KMSKeyNotAccessibleFault"
    assert vault.snapshots() == {}


def test_a_snapshot_under_the_aws_managed_key_cannot_be_shared(accounts, vault):
    owner = accounts[OWNER]
    owner.cluster("orders-db", "alias/aws/rds")
    with pytest.raises(ClientError) as excinfo:
        owner.dr_copy("orders-db", "under-aws-rds")
    assert error_code(excinfo) == "InvalidParameterValue"
    assert "aws/rds" in excinfo.value.response["Error"]["Message"]


def test_the_keys_behind_reserved_aliases_are_aws_managed(accounts):
    owner = accounts[OWNER]
    assert owner.kms.describe_key(KeyId="alias/aws/rds")["KeyMetadata"]["KeyManager"] == "AWS"
    assert owner.kms.describe_key(KeyId=owner.key())["KeyMetadata"]["KeyManager"] == "CUSTOMER"
