"""Cross-account cluster snapshot copies, as AWS documents them; loaded by moto_strict.py.

moto 5 lets an account see a cluster snapshot another account shared with it
(DescribeDBClusterSnapshots SnapshotType=shared), but resolves every snapshot
ARN in the caller's own account, so CopyDBClusterSnapshot by the shared
snapshot's ARN answers DBClusterSnapshotNotFoundFault. It also never reads a
KMS key policy. What this module teaches it:

- A snapshot ARN of another account resolves in that account, and only when
  the snapshot is shared with the caller (its `restore` attribute holds the
  caller's account id or `all`); otherwise it is not found, as for a snapshot
  that does not exist.
- CopyDBClusterSnapshot of a shared snapshot: "To copy a DB cluster snapshot
  from a shared manual DB cluster snapshot, SourceDBClusterSnapshotIdentifier
  must be the Amazon Resource Name (ARN) of the shared DB cluster snapshot";
  "If you copy an encrypted DB cluster snapshot that is shared from another
  AWS account, then you must specify a value for KmsKeyId" (RDS API
  reference, CopyDBClusterSnapshot).
- The key that encrypts a shared snapshot must let the copying account use it:
  "you must share the KMS key ... by adding the other account to the KMS key
  policy" (Aurora User Guide, "Sharing a DB cluster snapshot", encrypted
  snapshots). moto never evaluates key policies, so this call checks the
  source key's policy for kms:CreateGrant and kms:DescribeKey (what RDS needs
  of a key, through grants) for the copying account, and fails with
  KMSKeyNotAccessibleFault when it lacks them.
- "You can't share a snapshot that's encrypted using the default AWS KMS key"
  (same page): ModifyDBClusterSnapshotAttribute refuses to add accounts to the
  `restore` attribute of a snapshot under `aws/rds`.
- The keys behind the reserved `alias/aws/*` names are AWS managed: DescribeKey
  reports KeyManager AWS (AWS KMS Developer Guide, "AWS managed keys"); moto
  reports CUSTOMER for every key.
"""
import json
import re

import moto.kms.models as kms_models
import moto.rds.models as rds_models
from moto.rds.exceptions import InvalidParameterValue, KMSKeyNotAccessibleFault

# What RDS needs of a key to copy under it or from it (grants for the AWS resource, and the key's description).
KEY_ACTIONS = ("kms:CreateGrant", "kms:DescribeKey")

_original_get_snapshot = rds_models.RDSBackend.get_snapshot
_original_copy = rds_models.RDSBackend.copy_db_cluster_snapshot
_original_modify_attribute = rds_models.RDSBackend.modify_db_cluster_snapshot_attribute
_original_generate_default_keys = kms_models.KmsBackend._generate_default_keys


def _arn_parts(arn):
    """arn:partition:service:region:account:resource -> (region, account)."""
    parts = arn.split(":")
    return parts[3], parts[4]


def _get_snapshot(self, identifier, resource_type, not_found_exception):
    if identifier.startswith("arn:"):
        region, account = _arn_parts(identifier)
        if account != self.account_id:
            snapshot_id = identifier.split(":")[-1].lower()
            snapshot = rds_models.rds_backends[account][region].resource_map[resource_type].get(snapshot_id)
            restore = snapshot.attributes["restore"] if snapshot is not None else []
            if self.account_id not in restore and "all" not in restore:
                raise not_found_exception(identifier)
            return snapshot
    return _original_get_snapshot(self, identifier, resource_type, not_found_exception)


def _key_of(snapshot):
    """The moto Key that encrypts a snapshot, looked up in the snapshot's account and Region (by ARN, id or alias), or None."""
    key_id = snapshot.kms_key_id if snapshot.encrypted else None
    if not key_id:
        return None
    region, account = _arn_parts(key_id) if key_id.startswith("arn:") else _arn_parts(snapshot.arn)
    backend = kms_models.kms_backends[account][region]
    try:
        return backend.describe_key(key_id.split(":key/")[-1])
    except KeyError:
        return None


def _matches(pattern, value):
    """IAM wildcards: * any run, ? one character; action names compare case-insensitively."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE) is not None


def _as_list(value):
    return [] if value is None else value if isinstance(value, list) else [value]


def key_policy_admits(policy_text, account, action):
    """Whether a key policy allows `action` to principals of `account` (root, bare id, any of its ARNs, or *)."""
    statements = _as_list(json.loads(policy_text or "{}").get("Statement"))

    def applies(statement):
        principal = statement.get("Principal")
        principals = ["*"] if principal == "*" else _as_list((principal or {}).get("AWS"))
        who = any(p == "*" or p == account or p.split(":")[4:5] == [account] for p in principals)
        if "NotAction" in statement:
            does = not any(_matches(a, action) for a in _as_list(statement["NotAction"]))
        else:
            does = any(_matches(a, action) for a in _as_list(statement.get("Action")))
        return who and does

    if any(s.get("Effect") == "Deny" and "Condition" not in s and applies(s) for s in statements):
        return False
    return any(s.get("Effect") == "Allow" and applies(s) for s in statements)


def _copy(self, source_db_cluster_snapshot_identifier, target_db_cluster_snapshot_identifier, kms_key_id=None, *args, **kwargs):
    source_id = source_db_cluster_snapshot_identifier
    if not source_id.startswith("arn:"):
        # A bare identifier names a snapshot of the caller's own account; a share is only reached by its ARN.
        return _original_copy(self, source_id, target_db_cluster_snapshot_identifier, kms_key_id, *args, **kwargs)
    _, owner = _arn_parts(source_id)
    if owner != self.account_id:
        source = self.get_db_cluster_snapshot(source_id)
        if source.encrypted:
            if not kms_key_id:
                raise InvalidParameterValue(
                    f"KmsKeyId is required to copy the encrypted shared DB cluster snapshot {source_id}"
                )
            source_key = _key_of(source)
            policy = source_key.policy if source_key else None
            if not all(key_policy_admits(policy, self.account_id, a) for a in KEY_ACTIONS):
                raise KMSKeyNotAccessibleFault(source.kms_key_id)
    return _original_copy(self, source_id, target_db_cluster_snapshot_identifier, kms_key_id, *args, **kwargs)


def _modify_attribute(self, db_cluster_snapshot_identifier, attribute_name, values_to_add=None, values_to_remove=None):
    if attribute_name == "restore" and values_to_add:
        snapshot = self.get_db_cluster_snapshot(db_cluster_snapshot_identifier)
        key = _key_of(snapshot)
        if key is not None and key.key_manager == "AWS":
            raise InvalidParameterValue(
                f"DB cluster snapshot {db_cluster_snapshot_identifier} is encrypted with the AWS managed key aws/rds and cannot be shared"
            )
    return _original_modify_attribute(self, db_cluster_snapshot_identifier, attribute_name, values_to_add, values_to_remove)


def _generate_default_keys(self, alias_name):
    key_id = _original_generate_default_keys(self, alias_name)
    if key_id is not None:
        self.keys[key_id].key_manager = "AWS"
    return key_id


def install():
    if getattr(rds_models.RDSBackend.get_snapshot, "cross_account", False):
        return
    for patched in (_get_snapshot, _copy, _modify_attribute, _generate_default_keys):
        patched.cross_account = True
    rds_models.RDSBackend.get_snapshot = _get_snapshot
    rds_models.RDSBackend.copy_db_cluster_snapshot = _copy
    rds_models.RDSBackend.modify_db_cluster_snapshot_attribute = _modify_attribute
    kms_models.KmsBackend._generate_default_keys = _generate_default_keys
