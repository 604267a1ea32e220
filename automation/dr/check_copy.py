"""Poll the target-Region copy for 8 of the step's 10 minutes; share it, once available, with the vault."""
import time
from datetime import datetime

import boto3
from botocore.config import Config


def share(rds, sid, vault):
    # The vault copies the shared copy on its own schedule (docs/vault.md); deleting the copy ends the share.
    # Adding an account the copy is already shared with changes nothing, so a retried step may share again.
    if not vault:
        return
    try:
        rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier=sid, AttributeName="restore",
                                                 ValuesToAdd=[vault])
    except Exception as e:
        raise RuntimeError(f"Sharing {sid} with vault {vault} failed ({e}): see docs/vault.md") from e


def handler(events, context):
    region, sid = events["TargetRegion"], events["TargetSnapshotId"]
    rds = boto3.client("rds", region_name=region, config=Config(retries={"mode": "standard", "max_attempts": 10}))
    started = datetime.fromisoformat(events["StartedAt"]).timestamp()
    for _ in range(16):
        # A filter finds nothing, not an error, once the copy is gone.
        snaps = rds.describe_db_cluster_snapshots(
            Filters=[{"Name": "db-cluster-snapshot-id", "Values": [sid]}])["DBClusterSnapshots"]
        status = snaps[0]["Status"] if snaps else "deleted"
        if status == "available":
            share(rds, sid, events.get("VaultAccountId", ""))
            return {"Available": True, "Status": status}
        if status in ("failed", "error", "deleted") or status.startswith("incompatible"):
            raise RuntimeError(f"Copy {sid} in {region} is {status}: check the KMS key and RDS events "
                               "there; the next scheduled run tries again.")
        hours = (time.time() - started) / 3600
        if hours > float(events["CopyTimeoutHours"]):
            raise RuntimeError(f"Copy {sid} in {region} is still {status} after {hours:.1f} h (copies are "
                               "full copies): raise CopyTimeoutHours or check other copies there.")
        time.sleep(30)
    return {"Available": False, "Status": status}
