"""What moto 5 answers differently from the RDS API reference about a source
cluster's configuration, taught as the reference documents it. Imported by
moto_strict.py, so every moto the tests use has it. Each patch names its page.

- DBCluster.StorageType (API reference, DBCluster and CreateDBCluster,
  StorageType): an Aurora cluster's storage is `aurora` (Standard, the
  default) or `aurora-iopt1` (I/O-Optimized). moto reports `gp2` and fails
  on `aurora-iopt1`.
- DBCluster.DBClusterParameterGroup (CreateDBCluster,
  DBClusterParameterGroupName: "If this argument is omitted, the default DB
  cluster parameter group for the specified engine is used"): the default
  group of the engine's family, `default.aurora-postgresql16`. moto names
  `default.aurora8.0` for every engine.
- DBInstance.DBParameterGroups of an Aurora instance created without one
  (CreateDBInstance, DBParameterGroupName: "If you don't specify a value,
  then the default DB parameter group for the specified DB engine and
  version is used"): `default.aurora-mysql8.0`. moto names
  `default.aurora-mysql8.0.mysql_aurora.3.08` for Aurora MySQL 3.
- Default parameter groups (Aurora User Guide, "Parameter groups for Amazon
  Aurora": every engine family has a default DB cluster parameter group and a
  default DB parameter group, named `default.<family>`). moto knows only the
  groups a test created, so describing a default cluster group fails.
- DescribeDBClusterParameters and DescribeDBParameters (their API reference
  pages): every parameter of the group, the engine's defaults included, each
  with its Source (`engine-default`, `system` or `user`, the last for those a
  user modified); Source filters them; MaxRecords (20-100, default 100) and
  Marker page through them. moto returns only the modified ones, without
  Source, ignores the filter and never pages.
- ResetDBClusterParameterGroup and ResetDBParameterGroup (their API reference
  pages: ResetAllParameters returns every parameter of the group to its
  default; otherwise the named ones). moto has neither action.
- DBCluster.ClusterScalabilityType (CreateDBCluster and DBCluster,
  ClusterScalabilityType: `standard`, the default, or `limitless`). moto
  accepts it and never reports it.
"""
import moto.rds.models as rds_models
import moto.rds.responses as rds_responses
from moto.rds.exceptions import DBClusterParameterGroupNotFoundError, DBParameterGroupNotFoundError, InvalidParameterValue

AURORA_STORAGE_TYPES = ("aurora", "aurora-iopt1")

# Stand-ins for the hundreds of parameters an engine's default group holds: enough for two pages of 100.
ENGINE_DEFAULTS = {f"engine_default_{n:03}": {"ParameterValue": str(n), "Source": "engine-default"} for n in range(130)}
ENGINE_DEFAULTS["rds.extensions"] = {"ParameterValue": "aws_s3,pg_stat_statements", "Source": "system"}


def family_of(engine, version):
    """`aurora-postgresql16` for 16.4, `aurora-mysql8.0` for 8.0.mysql_aurora.3.05.2."""
    major = version.split(".")[0] if engine == "aurora-postgresql" else ".".join(version.split(".")[:2])
    return f"{engine}{major}"


def _install_cluster_defaults():
    original_init = rds_models.DBCluster.__init__
    original_allocated = rds_models.DBCluster.default_allocated_storage

    def init(self, *args, **kwargs):
        storage = kwargs.get("storage_type")
        if str(kwargs.get("engine")).startswith("aurora") and storage not in (None, *AURORA_STORAGE_TYPES):
            raise InvalidParameterValue(f"Invalid storage type for an Aurora DB cluster: {storage}")
        original_init(self, *args, **kwargs)
        self.cluster_scalability_type = kwargs.get("cluster_scalability_type") or "standard"
        if self.engine.startswith("aurora"):
            self.storage_type = storage or "aurora"
            if not kwargs.get("db_cluster_parameter_group_name"):
                self.parameter_group = f"default.{family_of(self.engine, self.engine_version)}"

    def allocated_storage(engine, storage_type):
        # API reference, DBCluster, AllocatedStorage: "For Aurora, AllocatedStorage always returns 1".
        return 1 if storage_type in AURORA_STORAGE_TYPES else original_allocated(engine, storage_type)

    rds_models.DBCluster.__init__ = init
    rds_models.DBCluster.default_allocated_storage = staticmethod(allocated_storage)

    original_instance_default = rds_models.DBInstance.default_db_parameter_group_details

    def instance_default_group(self):
        if not self.engine.startswith("aurora"):
            return original_instance_default(self)
        family = family_of(self.engine, self.engine_version)
        return family, f"default.{family}"

    rds_models.DBInstance.default_db_parameter_group_details = instance_default_group


def _default_group(backend, name, of_cluster):
    """The default group `default.<family>`, made when first asked for, as if it had always been there."""
    groups = backend.db_cluster_parameter_groups if of_cluster else backend.db_parameter_groups
    if name.startswith("default.") and name not in groups:
        family = name[len("default."):]
        if of_cluster:
            groups[name] = rds_models.DBClusterParameterGroup(backend, name, f"Default cluster parameter group for {family}", family)
        else:
            groups[name] = rds_models.DBParameterGroup(backend, name, f"Default parameter group for {family}", family)
    return groups.get(name)


def _install_default_groups():
    describe_cluster_groups = rds_models.RDSBackend.describe_db_cluster_parameter_groups
    describe_groups = rds_models.RDSBackend.describe_db_parameter_groups

    def cluster_groups(self, group_name):
        if group_name:
            _default_group(self, group_name, True)
        return describe_cluster_groups(self, group_name)

    def groups(self, kwargs):
        if kwargs.get("db_parameter_group_name"):
            _default_group(self, kwargs["db_parameter_group_name"], False)
        return describe_groups(self, kwargs)

    rds_models.RDSBackend.describe_db_cluster_parameter_groups = cluster_groups
    rds_models.RDSBackend.describe_db_parameter_groups = groups


def _page(response, group, not_found):
    """Every parameter with its Source, filtered by Source, one MaxRecords page from Marker on."""
    if group is None:
        raise not_found
    params = response.params
    modified = {name: {**value, "Source": "user"} for name, value in group.parameters.items()}
    everything = [{"ParameterName": name, **value} for name, value in {**ENGINE_DEFAULTS, **modified}.items()]
    source = params.get("Source")
    selected = [p for p in everything if source is None or p["Source"] == source]
    size = int(params.get("MaxRecords") or 100)
    if not 20 <= size <= 100:
        raise InvalidParameterValue(f"Invalid value {size} for MaxRecords. Must be between 20 and 100")
    start = int(params.get("Marker") or 0)
    result = {"Parameters": selected[start:start + size]}
    if start + size < len(selected):
        result["Marker"] = str(start + size)
    return rds_responses.ActionResult(result)


def _install_parameter_pages():
    def describe_cluster_parameters(self):
        name = self.params.get("DBClusterParameterGroupName", "")
        group = _default_group(self.backend, name, True)
        return _page(self, group, DBClusterParameterGroupNotFoundError(name))

    def describe_parameters(self):
        name = self.params.get("DBParameterGroupName", "")
        group = _default_group(self.backend, name, False)
        return _page(self, group, DBParameterGroupNotFoundError(name))

    rds_responses.RDSResponse.describe_db_cluster_parameters = describe_cluster_parameters
    rds_responses.RDSResponse.describe_db_parameters = describe_parameters


def _install_reset():
    def reset(self, of_cluster):
        key = "DBClusterParameterGroupName" if of_cluster else "DBParameterGroupName"
        name = self.params.get(key, "")
        groups = self.backend.db_cluster_parameter_groups if of_cluster else self.backend.db_parameter_groups
        group = groups.get(name)
        if group is None:
            raise DBClusterParameterGroupNotFoundError(name) if of_cluster else DBParameterGroupNotFoundError(name)
        if str(self.params.get("ResetAllParameters")).lower() == "true":
            group.parameters.clear()
        else:
            for parameter in self.params.get("Parameters", []):
                group.parameters.pop(parameter["ParameterName"], None)
        return rds_responses.ActionResult({key: name})

    rds_responses.RDSResponse.reset_db_cluster_parameter_group = lambda self: reset(self, True)
    rds_responses.RDSResponse.reset_db_parameter_group = lambda self: reset(self, False)


if not getattr(rds_models.DBCluster, "_source_config_taught", False):
    rds_models.DBCluster._source_config_taught = True
    _install_cluster_defaults()
    _install_default_groups()
    _install_parameter_pages()
    _install_reset()
