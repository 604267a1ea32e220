"""
Three accounts in one in-process moto: two protected accounts, whose DR
copies sit in the DR Region, and the vault. moto separates accounts by
credentials: an STS AssumeRole into arn:aws:iam::<account>:role/<name>
returns credentials that moto attributes to that account.
"""
import json

import boto3
import pytest

from conftest import TAG_KEYS, TARGET

VAULT = "999999999999"
PROTECTED = ("111111111111", "222222222222")
VAULT_STACK = f"arn:aws:cloudformation:{TARGET}:{VAULT}:stack/vault/6c1f0e2a-1b7e-11f0-9d3e-0a1b2c3d4e5f"
EXECUTION = "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716"


def key_policy(owner, *accounts):
    """The default key policy, plus the statement that lets `accounts` use the key through RDS grants."""
    statements = [{"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{owner}:root"},
                   "Action": "kms:*", "Resource": "*"}]
    if accounts:
        statements.append({"Sid": "Vault", "Effect": "Allow",
                           "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]},
                           "Action": ["kms:CreateGrant", "kms:DescribeKey"], "Resource": "*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class Account:
    """Clients of one account in the DR Region, by credentials of a role assumed into it."""

    def __init__(self, account):
        self.id = account
        creds = boto3.client("sts", region_name=TARGET).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/rehearsal", RoleSessionName="test")["Credentials"]
        self.env = {"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
                    "AWS_SESSION_TOKEN": creds["SessionToken"]}
        session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                aws_session_token=creds["SessionToken"], region_name=TARGET)
        self.rds, self.kms = session.client("rds"), session.client("kms")

    def key(self, *admitted):
        return self.kms.create_key(Policy=key_policy(self.id, *admitted))["KeyMetadata"]["Arn"]

    def cluster(self, cluster_id, key):
        self.rds.create_db_cluster(DBClusterIdentifier=cluster_id, Engine="aurora-postgresql", MasterUsername="postgres",
                                   MasterUserPassword="correct-horse-battery", StorageEncrypted=True, KmsKeyId=key)

    def dr_copy(self, cluster_id, snapshot_id, share_with=VAULT):
        """Stands in for a DR copy in the DR Region, shared with the vault as the DR stack's share step does."""
        arn = self.rds.create_db_cluster_snapshot(DBClusterIdentifier=cluster_id, DBClusterSnapshotIdentifier=snapshot_id)[
            "DBClusterSnapshot"]["DBClusterSnapshotArn"]
        if share_with:
            self.rds.modify_db_cluster_snapshot_attribute(
                DBClusterSnapshotIdentifier=snapshot_id, AttributeName="restore", ValuesToAdd=[share_with])
        return arn

    def snapshots(self):
        return {s["DBClusterSnapshotIdentifier"]: s
                for s in self.rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]}


class Vault(Account):
    def __init__(self):
        super().__init__(VAULT)
        self.key_arn = self.key()

    def event(self, protected, retention="30", minimum="2", timeout="24"):
        return {"Region": TARGET, "StackId": VAULT_STACK, "VaultKmsKeyArn": self.key_arn, "ProtectedClusters": protected,
                "ExecutionId": EXECUTION, "CopyTimeoutHours": timeout, "RetentionDays": retention,
                "MinimumCopiesPerCluster": minimum, "TagKeys": dict(TAG_KEYS)}


@pytest.fixture
def accounts(aws):
    return {a: Account(a) for a in PROTECTED}


@pytest.fixture
def vault(aws):
    return Vault()


@pytest.fixture
def as_vault(vault, monkeypatch):
    """Runs a script with the vault account's credentials, as its runbook's role would."""
    for name, value in vault.env.items():
        monkeypatch.setenv(name, value)
    # The default session caches the credentials it first read: a new one reads the vault's.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    return vault
