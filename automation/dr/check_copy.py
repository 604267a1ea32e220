"""Poll the target-Region copy for 8 of the step's 10 minutes."""
import time
from datetime import datetime

import boto3
from botocore.config import Config


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
