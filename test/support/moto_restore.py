"""What RDS gives a cluster restored from a snapshot, and the instances added
to it, where moto differs. Imported by moto_strict.py, so every moto the tests
use has it; each patch names the page it follows.

- What a restore takes from the snapshot. moto restores a copy of the source
  cluster's whole configuration. The RDS API reference (DBClusterSnapshot) lists
  what a cluster snapshot records: engine, version, engine mode, port, master
  user name, KMS key and encryption (and StorageType and IAM auth, which a
  restore does not take: below). It does not carry parameter groups,
  ServerlessV2ScalingConfiguration, log exports, Backtrack, tags (unless the
  request names them), instances or the Secrets Manager secret (Aurora User
  Guide, "Restoring from a DB cluster snapshot"). A restore gets those from its
  request or the engine's defaults.
- RestoreDBClusterFromSnapshot, DBClusterParameterGroupName: "If this argument is
  omitted, the default DB cluster parameter group for the specified engine is
  used" (default.<family>, e.g. default.aurora-postgresql16; moto says
  default.aurora8.0 whatever the engine).
- RestoreDBClusterFromSnapshot, StorageType: "Default: aurora" (Aurora DB
  clusters); EnableIAMDatabaseAuthentication: off unless asked; BacktrackWindow:
  0 unless asked.
- CreateDBInstance, DBParameterGroupName: "If you don't specify a value, then the
  default DB parameter group for the specified DB engine and version is used"
  (default.<family>; moto derives the family of Aurora MySQL wrongly).
- Aurora User Guide, "Requirements and limitations for Aurora Serverless v2":
  "An Aurora cluster must have a ServerlessV2ScalingConfiguration attribute
  before you can add any DB instances that use the db.serverless DB instance
  class." moto adds the instance.
- What DescribeDBClusterSnapshots shows of that record: moto leaves out
  EngineMode, StorageType and IAMDatabaseAuthenticationEnabled, members of
  DBClusterSnapshot in the API reference.
- Aurora storage types (aurora, aurora-iopt1): moto knows only gp2, io1 and
  standard, fails on the others and gives an Aurora cluster gp2; CreateDBCluster,
  StorageType: "Default: aurora" (Aurora DB clusters). API reference, DBCluster.AllocatedStorage:
  "For Aurora, AllocatedStorage always returns 1".
- ModifyDBCluster with ManageMasterUserPassword: moto already creates the secret
  in the cluster's own Region, as the API reference says; nothing to teach.
"""
import moto.rds.models as rds_models
from moto.rds.exceptions import InvalidDBClusterStateFault

# What a restore takes from the snapshot: the cluster fields the snapshot records.
_FROM_SNAPSHOT = ("engine", "engine_version", "engine_mode", "port", "master_username", "kms_key_id", "storage_encrypted")


def parameter_group_family(engine, version):
    """The family RDS names default groups after: aurora-postgresql16, aurora-mysql8.0."""
    if engine == "aurora-postgresql":
        return f"aurora-postgresql{str(version).split('.')[0]}"
    if engine == "aurora-mysql":
        return "aurora-mysql" + ".".join(str(version).split(".")[:2])
    return None


def _restore_db_cluster_from_snapshot(self, from_snapshot_id, overrides):
    snapshot = self.describe_db_cluster_snapshots(db_cluster_identifier=None, db_snapshot_identifier=from_snapshot_id)[0]
    recorded = {name: getattr(snapshot.cluster, name, None) for name in _FROM_SNAPSHOT}
    recorded["kms_key_id"] = snapshot.kms_key_id
    props = {name: value for name, value in recorded.items() if value is not None}
    props.update({name: value for name, value in overrides.items() if value is not None and value != ""})
    family = parameter_group_family(props["engine"], props.get("engine_version"))
    if family and not props.get("db_cluster_parameter_group_name"):
        props["db_cluster_parameter_group_name"] = f"default.{family}"
    props.setdefault("storage_type", "aurora")
    # The restored cluster keeps the snapshot's master password (Aurora User Guide, restoring from a snapshot).
    props.setdefault("master_user_password", snapshot.cluster.__dict__.get("_master_user_password") or "kept-from-snapshot")
    return self.create_db_cluster(props)


_original_create_db_instance = rds_models.RDSBackend.create_db_instance


def _create_db_instance(self, db_kwargs):
    cluster = self.clusters.get((db_kwargs.get("db_cluster_identifier") or "").lower())
    if cluster is not None:
        if db_kwargs.get("db_instance_class") == "db.serverless" and not cluster.serverless_v2_scaling_configuration:
            raise InvalidDBClusterStateFault(
                "An Aurora cluster must have a ServerlessV2ScalingConfiguration attribute before you can add "
                "any DB instances that use the db.serverless DB instance class."
            )
    return _original_create_db_instance(self, db_kwargs)


_original_default_group = rds_models.DBInstance.default_db_parameter_group_details


def _default_db_parameter_group_details(self):
    family = parameter_group_family(self.engine, self.engine_version)
    return (family, f"default.{family}") if family else _original_default_group(self)


_original_create_db_cluster = rds_models.RDSBackend.create_db_cluster


def _create_db_cluster(self, kwargs):
    if str(kwargs.get("engine", "")).startswith("aurora") and not kwargs.get("storage_type"):
        kwargs = {**kwargs, "storage_type": "aurora"}
    return _original_create_db_cluster(self, kwargs)


_original_snapshot_init = rds_models.DBClusterSnapshot.__init__


def _snapshot_init(self, *args, **kwargs):
    _original_snapshot_init(self, *args, **kwargs)
    self.engine_mode = self.cluster.engine_mode
    self.storage_type = self.cluster.storage_type
    self.iam_database_authentication_enabled = bool(self.cluster.iam_auth)


_original_default_allocated_storage = rds_models.DBCluster.default_allocated_storage


def _default_allocated_storage(engine, storage_type):
    if engine.startswith("aurora"):
        return 1
    return _original_default_allocated_storage(engine, storage_type)


if not getattr(rds_models.RDSBackend.restore_db_cluster_from_snapshot, "restore_rules", False):
    rds_models.DBCluster.default_allocated_storage = staticmethod(_default_allocated_storage)
    rds_models.DBInstance.default_db_parameter_group_details = _default_db_parameter_group_details
    rds_models.DBClusterSnapshot.__init__ = _snapshot_init
    rds_models.RDSBackend.create_db_cluster = _create_db_cluster
    _restore_db_cluster_from_snapshot.restore_rules = True
    rds_models.RDSBackend.restore_db_cluster_from_snapshot = _restore_db_cluster_from_snapshot
    rds_models.RDSBackend.create_db_instance = _create_db_instance
