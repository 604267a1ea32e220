"""Share the available copy with the vault account, which copies it under its own key (docs/vault.md)."""
# Deleting the copy, when pruning, ends the share with it. No vault named: nothing to do.
# boto3's default retries cover throttling; the step is retried once more.
import boto3


def handler(events, context):
    vault, sid = events["VaultAccountId"], events["TargetSnapshotId"]
    try:
        if vault:
            boto3.client("rds", region_name=events["TargetRegion"]).modify_db_cluster_snapshot_attribute(
                DBClusterSnapshotIdentifier=sid, AttributeName="restore", ValuesToAdd=[vault])
    except Exception as e:
        raise RuntimeError(f"Sharing {sid} with vault {vault} failed ({e}): see docs/vault.md") from e
