"""
Fixtures for the automation scripts' tests: each script is imported from
automation/<name>.py (and, for the DR runbook's, also as the runbook carries
it: minified by tools/minify_script.py), against moto's in-process
RDS and KMS in two Regions, with a clock the test moves (the scripts read
time only through time.time() and time.sleep(), and moto stamps snapshots
with the same clock).
"""
import importlib.util
import re
import sys
import time
import types
from datetime import datetime, timezone
from pathlib import Path

import boto3
import moto.rds.models
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.backends import get_backend

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "support"))
import moto_strict  # noqa: E402,F401  - moto refuses what the RDS API refuses (see the module)
sys.path.insert(0, str(ROOT / "tools"))
from minify_script import minify  # noqa: E402
ACCOUNT = "123456789012"
SOURCE = "us-east-1"
TARGET = "us-west-2"
CLUSTER = "orders-db"
STACK_ID = f"arn:aws:cloudformation:{SOURCE}:{ACCOUNT}:stack/orders-dr/0f2c6a40-1b7e-11f0-9d3e-0a1b2c3d4e5f"
OTHER_STACK_ID = f"arn:aws:cloudformation:{SOURCE}:{ACCOUNT}:stack/other-dr/5d1e9b20-1b7f-11f0-8c2f-0a1b2c3d4e5f"
EXECUTION = "7f3b9c2e-4d5a-4e6f-8a9b-0c1d2e3f4a5b"
START = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc).timestamp()
DAY = 86400


def snapshot_tag_keys():
    """SNAPSHOT_TAG of custom-resource/dr/contract.ts: the runbook passes exactly this map as TagKeys."""
    contract = (ROOT / "custom-resource" / "dr" / "contract.ts").read_text()
    block = re.search(r"export const SNAPSHOT_TAG = \{(.*?)\}", contract, re.S).group(1)
    return dict(re.findall(r"(\w+): '([^']+)'", block))


TAG_KEYS = snapshot_tag_keys()


def captured_config_contract():
    """CAPTURED_CONFIG_PATH, CAPTURED_CONFIG_VERSION and COPY_TAG of custom-resource/shared/captured-config.ts."""
    contract = (ROOT / "custom-resource" / "shared" / "captured-config.ts").read_text()
    path = re.search(r"export const CAPTURED_CONFIG_PATH = '([^']+)'", contract).group(1)
    version = int(re.search(r"export const CAPTURED_CONFIG_VERSION = (\d+)", contract).group(1))
    block = re.search(r"export const COPY_TAG = \{(.*?)\}", contract, re.S).group(1)
    return path, version, dict(re.findall(r"(\w+): '([^']+)'", block))


CONFIG_PATH, CONFIG_VERSION, COPY_TAG_KEYS = captured_config_contract()


class Clock:
    """Stands in for time.time/time.sleep in a script and for moto's utcnow."""

    def __init__(self, now):
        self.now = now
        self.slept = []
        self.on_sleep = None

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds
        if self.on_sleep:
            self.on_sleep(self)

    def advance(self, seconds):
        self.now += seconds

    def iso(self, offset=0):
        return datetime.fromtimestamp(self.now + offset, timezone.utc).isoformat()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(moto.rds.models, "utcnow", lambda: datetime.fromtimestamp(clock.now, timezone.utc).replace(tzinfo=None))
    return clock


def pytest_generate_tests(metafunc):
    """The DR runbook carries its scripts minified: each test of them runs on the file and on that."""
    if "script_form" in metafunc.fixturenames:
        dr = Path(metafunc.definition.fspath).parent.name == "dr"
        metafunc.parametrize("script_form", ["file", "minified"] if dr else ["file"])


@pytest.fixture
def load(clock, script_form):
    """Imports a fresh copy of automation/<name>.py, as the file or minified, whose `time` is the test clock."""

    def load_script(name):
        path = ROOT / "automation" / f"{name}.py"
        if script_form == "minified":
            module = types.ModuleType(f"automation_{name}_minified")
            exec(compile(minify(path.read_text()), f"{path} (minified)", "exec"), module.__dict__)
        else:
            spec = importlib.util.spec_from_file_location(f"automation_{name}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        module.time = types.SimpleNamespace(time=clock.time, sleep=clock.sleep)
        return module

    return load_script


@pytest.fixture
def aws(monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "TZ": "UTC"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("MOTO_RDS_SNAPSHOT_LIMIT", raising=False)
    time.tzset()  # moto writes snapshot times without a zone; botocore reads them as local time
    with mock_aws():
        yield


class World:
    """An encrypted Aurora PostgreSQL cluster in SOURCE and a KMS key in TARGET."""

    def __init__(self):
        self.rds = {r: boto3.client("rds", region_name=r) for r in (SOURCE, TARGET)}
        self.source_key = boto3.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"]
        self.target_key = boto3.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"]
        self.add_cluster(SOURCE, CLUSTER)

    def add_cluster(self, region, cluster_id, encrypted=True):
        extra = {"StorageEncrypted": True, "KmsKeyId": self.source_key if region == SOURCE else self.target_key}
        self.rds[region].create_db_cluster(
            DBClusterIdentifier=cluster_id, Engine="aurora-postgresql", MasterUsername="postgres",
            MasterUserPassword="correct-horse-battery", **(extra if encrypted else {}))

    def add_snapshot(self, region, snapshot_id, cluster_id=CLUSTER, tags=()):
        """A snapshot made outside the automation (by hand, or by another stack when tagged so)."""
        return self.rds[region].create_db_cluster_snapshot(
            DBClusterIdentifier=cluster_id, DBClusterSnapshotIdentifier=snapshot_id,
            Tags=[{"Key": k, "Value": v} for k, v in tags])["DBClusterSnapshot"]

    def snapshots(self, region):
        return {s["DBClusterSnapshotIdentifier"]: s
                for s in self.rds[region].describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]}

    @staticmethod
    def backend(region):
        return get_backend("rds")[ACCOUNT][region]

    def set_status(self, region, snapshot_id, status):
        """moto's snapshots are available at once; this models one still in progress, failed, etc."""
        self.backend(region).cluster_snapshots[snapshot_id].status = status

    # The runbook's InputPayload of each step, with this test's values.
    def create_event(self, execution=EXECUTION, cluster=CLUSTER, stack=STACK_ID):
        return {"ClusterId": cluster, "Region": SOURCE, "TargetRegion": TARGET, "ExecutionId": execution,
                "StackId": stack, "TagKeys": dict(TAG_KEYS), "ConfigPath": CONFIG_PATH, "ConfigVersion": CONFIG_VERSION}

    def copy_event(self, source_arn, execution=EXECUTION, timeout_hours="24", key=None):
        return {"SourceSnapshotArn": source_arn, "SourceRegion": SOURCE, "TargetRegion": TARGET,
                "TargetKmsKeyArn": key or self.target_key, "ClusterId": CLUSTER, "ExecutionId": execution,
                "CopyTimeoutHours": timeout_hours, "StackId": STACK_ID, "TagKeys": {**TAG_KEYS, **COPY_TAG_KEYS}}

    @staticmethod
    def check_event(snapshot_id, started_at, timeout_hours="24"):
        return {"TargetRegion": TARGET, "TargetSnapshotId": snapshot_id, "StartedAt": started_at,
                "CopyTimeoutHours": timeout_hours}

    @staticmethod
    def prune_event(source_days="7", target_days="30", stack=STACK_ID):
        return {"SourceRegion": SOURCE, "TargetRegion": TARGET, "SourceRetentionDays": source_days,
                "TargetRetentionDays": target_days, "StackId": stack, "TagKeys": dict(TAG_KEYS),
                "ConfigPath": CONFIG_PATH}


@pytest.fixture
def world(aws):
    return World()


@pytest.fixture
def backup(world, load):
    """Runs the runbook's create and copy steps once, as one execution; returns the snapshot id."""
    create, copy = load("dr/create_snapshot"), load("dr/copy_snapshot")
    runs = iter(range(1, 1000))

    def run(execution=None):
        execution = execution or f"{next(runs):08d}-aaaa-4bbb-8ccc-dddddddddddd"
        created = create.handler(world.create_event(execution=execution), None)
        copied = copy.handler(world.copy_event(created["SnapshotArn"], execution=execution), None)
        assert copied["Started"] is True
        return created["SnapshotId"]

    return run


@pytest.fixture
def created_clients(monkeypatch):
    """Records every boto3 client created from now on (the scripts call boto3.client)."""
    clients = []
    real_client = boto3.client

    def recording_client(*args, **kwargs):
        client = real_client(*args, **kwargs)
        clients.append(client)
        return client

    monkeypatch.setattr(boto3, "client", recording_client)
    return clients


THROTTLED_BODY = (
    b'<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>'
    b"<Code>ThrottlingException</Code><Message>Rate exceeded</Message></Error>"
    b"<RequestId>5f0e1c2d-throttled</RequestId></ErrorResponse>"
)


class _Raw:
    def __init__(self, body):
        self.body = body

    def stream(self, **_):
        yield self.body


def throttle_first_calls(client, count):
    """Answers the first `count` RDS requests of `client` with HTTP 400 ThrottlingException, as RDS does under load."""
    seen = {"throttled": 0, "sent": 0}

    def maybe_throttle(request, **_):
        seen["sent"] += 1
        if seen["throttled"] < count:
            seen["throttled"] += 1
            return AWSResponse(request.url, 400, {"Content-Type": "text/xml"}, _Raw(THROTTLED_BODY))
        return None

    # First, so that its answer wins over moto's.
    client.meta.events.register_first("before-send.rds.*", maybe_throttle)
    return seen
