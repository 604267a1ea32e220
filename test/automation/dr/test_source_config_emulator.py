"""The emulator answers what a source cluster's configuration looks like as the RDS API reference
documents it (test/support/moto_source_config.py, loaded with moto_strict by conftest): the capture's
tests are only as good as these answers."""
import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import SOURCE


@pytest.fixture
def rds(aws):
    return boto3.client("rds", region_name=SOURCE)


def cluster(rds, cluster_id, **settings):
    settings = {"Engine": "aurora-postgresql", "EngineVersion": "16.4", "MasterUsername": "admin",
                "MasterUserPassword": "emulator-password-1", **settings}
    rds.create_db_cluster(DBClusterIdentifier=cluster_id, **settings)
    return rds.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]


def test_aurora_storage_is_standard_unless_io_optimized_and_nothing_else(rds):
    assert cluster(rds, "standard")["StorageType"] == "aurora"
    assert cluster(rds, "io-optimized", StorageType="aurora-iopt1")["StorageType"] == "aurora-iopt1"
    with pytest.raises(ClientError, match="InvalidParameterValue"):
        cluster(rds, "gp3", StorageType="gp3")


@pytest.mark.parametrize("engine, version, family", [
    ("aurora-postgresql", "16.4", "aurora-postgresql16"),
    ("aurora-mysql", "8.0.mysql_aurora.3.08.0", "aurora-mysql8.0"),
])
def test_a_cluster_and_its_instance_get_the_default_groups_of_their_family(rds, engine, version, family):
    made = cluster(rds, "defaults", Engine=engine, EngineVersion=version)
    rds.create_db_instance(DBInstanceIdentifier="defaults-1", DBClusterIdentifier="defaults", Engine=engine,
                           DBInstanceClass="db.r6g.large")

    assert made["DBClusterParameterGroup"] == f"default.{family}"
    [group] = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName=f"default.{family}")["DBClusterParameterGroups"]
    assert group["DBParameterGroupFamily"] == family
    instance = rds.describe_db_instances(DBInstanceIdentifier="defaults-1")["DBInstances"][0]
    assert instance["DBParameterGroups"][0]["DBParameterGroupName"] == f"default.{family}"
    [group] = rds.describe_db_parameter_groups(DBParameterGroupName=f"default.{family}")["DBParameterGroups"]
    assert group["DBParameterGroupFamily"] == family
    # A default group has the engine's defaults and nothing a user changed.
    assert rds.describe_db_cluster_parameters(DBClusterParameterGroupName=f"default.{family}", Source="user")["Parameters"] == []


def test_parameters_carry_their_source_filter_by_it_and_come_a_page_at_a_time(rds):
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="custom", DBParameterGroupFamily="aurora-postgresql16",
                                          Description="custom")
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="custom", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "pending-reboot"}])

    first = rds.describe_db_cluster_parameters(DBClusterParameterGroupName="custom")
    assert len(first["Parameters"]) == 100 and "Marker" in first
    rest = rds.describe_db_cluster_parameters(DBClusterParameterGroupName="custom", Marker=first["Marker"])
    everything = first["Parameters"] + rest["Parameters"]
    assert "Marker" not in rest
    assert {p["Source"] for p in everything} == {"engine-default", "system", "user"}
    assert rds.describe_db_cluster_parameters(DBClusterParameterGroupName="custom", Source="user")["Parameters"] == [
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "Source": "user", "ApplyMethod": "pending-reboot"}]
    with pytest.raises(ClientError, match="MaxRecords"):
        rds.describe_db_cluster_parameters(DBClusterParameterGroupName="custom", MaxRecords=10)
    with pytest.raises(ClientError, match="NotFound"):
        rds.describe_db_cluster_parameters(DBClusterParameterGroupName="missing")


def test_a_cluster_reports_its_scalability_type(rds):
    assert cluster(rds, "standard")["ClusterScalabilityType"] == "standard"
    assert cluster(rds, "limitless", ClusterScalabilityType="limitless")["ClusterScalabilityType"] == "limitless"
