"""Make moto answer as the AWS API reference says where moto is lenient.

Every moto the tests use loads this module: the server the jest tests start
(test/support/strict_moto_server.py), the in-process moto of the pytest
suites (test/automation/conftest.py) and the rehearsal's clock-aware server
(test/support/moto_clock_server.py). Importing it applies the patches once.

- DescribeDBClusterSnapshots with DBClusterIdentifier: the RDS API reference
  says the identifier, if given, "must match the identifier of an existing
  DBCluster", and RDS answers DBClusterNotFoundFault when it does not. moto
  filters by it instead and answers an empty list, so code that lists a
  Region's copies by the source cluster (which does not exist there) would
  pass every test and fail in AWS.
- Cross-account snapshot copies and shares: moto_cross_account.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moto.rds.models as rds_models
import moto_cross_account
from moto.rds.exceptions import DBClusterNotFoundError

_lenient_describe = rds_models.RDSBackend.describe_db_cluster_snapshots


def _describe_db_cluster_snapshots(self, db_cluster_identifier, *args, **kwargs):
    if db_cluster_identifier:
        # The API takes the identifier or the cluster's ARN; RDS stores identifiers in lowercase.
        cluster_id = db_cluster_identifier.split(":")[-1].lower()
        if cluster_id not in self.clusters:
            raise DBClusterNotFoundError(db_cluster_identifier)
    return _lenient_describe(self, db_cluster_identifier, *args, **kwargs)


if not getattr(rds_models.RDSBackend.describe_db_cluster_snapshots, "strict", False):
    _describe_db_cluster_snapshots.strict = True
    rds_models.RDSBackend.describe_db_cluster_snapshots = _describe_db_cluster_snapshots

# A source cluster's configuration as the RDS API reference documents it (parameter groups and their
# parameters, StorageType, ClusterScalabilityType): see the module.
import moto_source_config  # noqa: E402,F401
moto_cross_account.install()
# What a restore from a cluster snapshot gets, where moto differs: its own module.
import moto_restore  # noqa: E402,F401
