"""moto server for the runbook rehearsal: moto's own server, plus a virtual
clock and a few test-only controls for what moto cannot do by itself.

    .venv/bin/python test/support/moto_clock_server.py -p PORT

What it changes, and why:
- Clock. moto stamps SnapshotCreateTime with moto.rds.models.utcnow; the
  scripts compare time.time() with it. Both read one virtual now that stands
  still until it is moved: POST /rehearsal-api/clock {"advanceTo": epochSeconds}
  moves it forward only, {"startAt": epochSeconds} sets it (a new test's
  start). No real second is ever added, so ages are exact and a snapshot
  made N days ago is N days old however busy the machine is.
- Snapshot status. moto's snapshots are "available" at once. A rule can hold
  a snapshot in another status ("copying", "creating") until a virtual time
  and then give it a final status ("available", "failed"), for one snapshot
  (POST /rehearsal-api/snapshot-status) or for every snapshot a later
  CreateDBClusterSnapshot / CopyDBClusterSnapshot makes in a Region
  (POST /rehearsal-api/new-snapshot-status).
- KMS. Real RDS refuses a copy to a disabled key (KMSKeyNotAccessibleFault,
  whose own message says "is not enabled"); moto only checks that the key
  exists. The wrapper also checks its state.
- SourceDBClusterSnapshotArn. Real RDS reports it on a copy; moto does not.
- Call log. GET /rehearsal-api/calls lists every snapshot create, copy and
  delete with its outcome (e.g. DBClusterSnapshotNotFoundFault), so a test
  can tell that a race it set up really happened.
- Restores. moto_recovery.py: restored clusters and their writers take
  virtual time to become available (POST /rehearsal-api/restore-timing).
- Latency. POST /rehearsal-api/delay {"operation": "DescribeDBClusterSnapshots",
  "seconds": s} makes that call answer s real seconds after it read the
  snapshots, so two overlapping runs can be made to act on the same stale list.
- Request log. Every AWS request moto serves is recorded (service, operation,
  Region, the access key that signed it, its parameters and HTTP status), with
  the tags and KMS key of each RDS resource it names and the policy of each
  KMS key it uses, as they were when it arrived: GET /rehearsal-api/requests.
  The rehearsal gives each role its own access key and simulates every
  request under that role's policy (test/rehearsal/shared/iam-check.ts), as
  moto evaluates no IAM policy.
POST /moto-api/reset also clears all of the above (the clock restarts at real now).
test/support/moto_strict.py is applied first, as for every moto the tests use.
"""

import argparse
from collections.abc import Mapping
import datetime
import json
import os
import re
import signal
import sys
import threading
import time
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moto_strict  # noqa: E402,F401  - moto refuses what the RDS API refuses (see the module)
import moto.rds.models as rds_models
from moto.core.responses import BaseResponse
from moto.kms.models import kms_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.rds.exceptions import KMSKeyNotAccessibleFault
from werkzeug.serving import run_simple

import moto_recovery
from owned_server import with_token

_lock = threading.RLock()
_state = {
    # virtual now, epoch seconds; stands still until moved
    "now": time.time(),
    # (region, snapshot id) -> {"status", "until" (virtual epoch s or None), "then", "since"}
    "status_rules": {},
    # (region, "create" | "copy") -> {"status", "forSeconds", "then"}
    "new_snapshot_rules": {},
    # API operation name -> real seconds
    "delays": {},
    # [{"operation", "region", "identifier", "outcome"}] for snapshot writes, oldest first
    "calls": [],
    # every AWS request served, oldest first (see _logged_call_action)
    "requests": [],
}


def virtual_now():
    return _state["now"]


def _virtual_utcnow():
    return datetime.datetime.fromtimestamp(virtual_now(), datetime.timezone.utc).replace(tzinfo=None)


def _reset():
    with _lock:
        _state["now"] = time.time()
        _state["status_rules"].clear()
        _state["requests"].clear()
        _state["new_snapshot_rules"].clear()
        _state["delays"].clear()
        _state["calls"].clear()
        moto_recovery.reset()


# --- patches on moto ---------------------------------------------------------

rds_models.utcnow = _virtual_utcnow

Snapshot = rds_models.DBClusterSnapshot


def _rule_for(snapshot):
    return _state["status_rules"].get((snapshot.region, snapshot.db_cluster_snapshot_identifier.lower()))


def _get_status(self):
    rule = _rule_for(self)
    if rule is None:
        return self.__dict__.get("_rehearsal_status", "available")
    if rule["until"] is None or virtual_now() < rule["until"]:
        return rule["status"]
    return rule["then"]


def _set_status(self, value):
    self.__dict__["_rehearsal_status"] = value


def _get_percent_progress(self):
    rule = _rule_for(self)
    if rule is None or _get_status(self) == rule["then"]:
        return self.__dict__.get("_rehearsal_percent", 100)
    if rule["until"] is None:
        return 0
    span = max(rule["until"] - rule["since"], 1.0)
    return max(0, min(99, int(100 * (virtual_now() - rule["since"]) / span)))


def _set_percent_progress(self, value):
    self.__dict__["_rehearsal_percent"] = value


Snapshot.status = property(_get_status, _set_status)
Snapshot.percent_progress = property(_get_percent_progress, _set_percent_progress)


def _apply_new_snapshot_rule(backend, operation, snapshot):
    rule = _state["new_snapshot_rules"].get((backend.region_name, operation))
    if rule is None:
        return
    now = virtual_now()
    _state["status_rules"][(backend.region_name, snapshot.db_cluster_snapshot_identifier.lower())] = {
        "status": rule["status"],
        "since": now,
        "until": None if rule["forSeconds"] is None else now + rule["forSeconds"],
        "then": rule["then"],
    }


_original_create = rds_models.RDSBackend.create_db_cluster_snapshot
_original_copy = rds_models.RDSBackend.copy_db_cluster_snapshot
_original_validate_kms_key = rds_models.RDSBackend._validate_kms_key
_original_describe = rds_models.RDSBackend.describe_db_cluster_snapshots
_original_delete = rds_models.RDSBackend.delete_db_cluster_snapshot


def _recorded(operation, backend, identifier, call):
    entry = {"operation": operation, "region": backend.region_name, "identifier": identifier, "outcome": "ok"}
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - recorded, then raised as moto raises it
        entry["outcome"] = getattr(error, "code", None) or getattr(error, "error_type", None) or type(error).__name__
        raise
    finally:
        with _lock:
            _state["calls"].append(entry)


def _create(self, db_cluster_identifier, db_cluster_snapshot_identifier, snapshot_type="manual", tags=None):
    snapshot = _recorded(
        "CreateDBClusterSnapshot",
        self,
        db_cluster_snapshot_identifier,
        lambda: _original_create(self, db_cluster_identifier, db_cluster_snapshot_identifier, snapshot_type, tags),
    )
    if snapshot_type == "manual":
        _apply_new_snapshot_rule(self, "create", snapshot)
    return snapshot


def _copy(self, source_db_cluster_snapshot_identifier, target_db_cluster_snapshot_identifier, *args, **kwargs):
    snapshot = _recorded(
        "CopyDBClusterSnapshot",
        self,
        target_db_cluster_snapshot_identifier,
        lambda: _original_copy(
            self, source_db_cluster_snapshot_identifier, target_db_cluster_snapshot_identifier, *args, **kwargs
        ),
    )
    source = self.get_db_cluster_snapshot(source_db_cluster_snapshot_identifier)
    snapshot.source_db_cluster_snapshot_arn = source.db_cluster_snapshot_arn
    _apply_new_snapshot_rule(self, "copy", snapshot)
    return snapshot


def _validate_kms_key(self, kms_key_id):
    arn = _original_validate_kms_key(self, kms_key_id)
    region, account, key_id = arn.split(":")[3], arn.split(":")[4], arn.split("/")[-1]
    key = kms_backends[account][region].keys.get(key_id)
    if key is not None and key.key_state != "Enabled":
        raise KMSKeyNotAccessibleFault(kms_key_id)
    return arn


def _describe(self, *args, **kwargs):
    snapshots = _original_describe(self, *args, **kwargs)
    delay = _state["delays"].get("DescribeDBClusterSnapshots")
    if delay:
        time.sleep(delay)  # real time, on purpose: this is moto's thread, not a script's
    return snapshots


def _delete(self, db_snapshot_identifier):
    return _recorded(
        "DeleteDBClusterSnapshot", self, db_snapshot_identifier, lambda: _original_delete(self, db_snapshot_identifier)
    )


rds_models.RDSBackend.create_db_cluster_snapshot = _create
rds_models.RDSBackend.delete_db_cluster_snapshot = _delete
rds_models.RDSBackend.copy_db_cluster_snapshot = _copy
rds_models.RDSBackend._validate_kms_key = _validate_kms_key
rds_models.RDSBackend.describe_db_cluster_snapshots = _describe
moto_recovery.install(virtual_now)


# --- control endpoint ----------------------------------------------------------


# Parameters that name an RDS resource, and its type in an ARN.
_RDS_RESOURCE_PARAMS = {
    "DBClusterIdentifier": "cluster",
    "DBInstanceIdentifier": "db",
    "DBClusterSnapshotIdentifier": "cluster-snapshot",
    "SnapshotIdentifier": "cluster-snapshot",
    "SourceDBClusterSnapshotIdentifier": "cluster-snapshot",
    "DBClusterParameterGroupName": "cluster-pg",
    "DBParameterGroupName": "pg",
    "ResourceName": None,
}


def _rds_resource(account, region, kind, identifier):
    """The resource a parameter names, as it is now: its Region, type, id, tags and KMS key (None when absent)."""
    if identifier.startswith("arn:"):
        # An ARN may name another account's resource (a snapshot shared with this one): look there.
        parts = identifier.split(":")
        region, account, kind, identifier = parts[3], parts[4], parts[5], ":".join(parts[6:])
    backend = rds_models.rds_backends[account][region]
    store = {
        "cluster": backend.clusters,
        "db": backend.databases,
        "cluster-snapshot": backend.cluster_snapshots,
        "cluster-pg": backend.db_cluster_parameter_groups,
        "pg": backend.db_parameter_groups,
    }.get(kind)
    found = store.get(identifier) if store is not None else None
    return {
        "region": region,
        "type": kind,
        "id": identifier,
        "exists": found is not None,
        "tags": {t["Key"]: t["Value"] for t in (found.tags or [])} if found is not None else {},
        "kmsKeyId": getattr(found, "kms_key_id", None) if found is not None else None,
        # The accounts a snapshot is shared with (ModifyDBClusterSnapshotAttribute, "restore"), or "all".
        "sharedWith": list(getattr(found, "attributes", {}).get("restore", [])) if found is not None else [],
    }


def _kms_key(account, region, key):
    """A KMS key's ARN and policy, given its id, ARN, alias or alias ARN; None when there is no such key."""
    if key.startswith("arn:"):
        region, account = key.split(":")[3], key.split(":")[4]
    backend = kms_backends[account][region]
    try:
        found = backend.describe_key(key)
    except Exception:  # noqa: BLE001 - no such key: the request log says so, the call itself fails in moto
        return None
    return {"arn": found.arn, "policy": json.loads(found.policy)}


def _plain(value):
    # moto parses some services' parameters into its own mapping type (XFormedDict): record plain JSON.
    if hasattr(value, "original_dict"):
        return _plain(value.original_dict())
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _request_record(response):
    params = _plain(response.params) if isinstance(getattr(response, "params", None), Mapping) and response.params else None
    if params is None:
        try:
            params = json.loads(response.body) if response.body else {}
        except (TypeError, ValueError):
            params = {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in response.querystring.items()}
    if response.boto3_service_name == "lambda":
        # Lambda's REST API names the function in the path (/2015-03-31/functions/NAME/invocations), as IAM does.
        match = re.search(r"/functions/([^/]+)", unquote(response.path))
        params = {"FunctionName": match.group(1) if match else None, "Payload": params}
    record = {
        "service": response.boto3_service_name,
        "operation": response._get_action(),
        "region": response.region,
        "accessKeyId": response.get_access_key(),
        "parameters": json.loads(json.dumps(params, default=str)),
        "resources": {},
        "keys": {},
    }
    account = response.current_account
    if record["service"] == "rds":
        for name, kind in _RDS_RESOURCE_PARAMS.items():
            if isinstance(params.get(name), str) and params[name]:
                resource = _rds_resource(account, response.region, kind, params[name])
                record["resources"][name] = resource
                if resource["kmsKeyId"]:
                    record["keys"][resource["kmsKeyId"]] = _kms_key(account, resource["region"], resource["kmsKeyId"])
        for key_parameter in ("KmsKeyId", "MasterUserSecretKmsKeyId"):
            if isinstance(params.get(key_parameter), str):
                record["keys"][params[key_parameter]] = _kms_key(account, response.region, params[key_parameter])
    if record["service"] == "kms" and isinstance(params.get("KeyId"), str):
        record["keys"][params["KeyId"]] = _kms_key(account, response.region, params["KeyId"])
    return record


def _logged_call_action(self):
    """moto's call_action, recording the request first (with what it names, as it was before the call)."""
    try:
        record = _request_record(self)
    except Exception as error:  # noqa: BLE001 - an unrecordable request must fail the check, not the call
        record = {"service": getattr(self, "service_name", "?"), "operation": "?", "unrecordable": repr(error)}
    with _lock:
        _state["requests"].append(record)
    status, headers, body = _original_call_action(self)
    record["status"] = int(status)
    return status, headers, body


_original_call_action = BaseResponse.call_action
BaseResponse.call_action = _logged_call_action


def _json_response(start_response, status, body):
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _read_json(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}


def _control(environ, start_response):
    path = environ["PATH_INFO"]
    method = environ["REQUEST_METHOD"]
    try:
        body = _read_json(environ) if method == "POST" else {}
        with _lock:
            if path == "/rehearsal-api/clock":
                if "startAt" in body:
                    _state["now"] = float(body["startAt"])
                if "advanceTo" in body:
                    _state["now"] = max(_state["now"], float(body["advanceTo"]))
                return _json_response(start_response, "200 OK", {"now": virtual_now()})
            if path == "/rehearsal-api/snapshot-status" and method == "POST":
                now = virtual_now()
                for_seconds = body.get("forSeconds")
                _state["status_rules"][(body["region"], body["identifier"].lower())] = {
                    "status": body["status"],
                    "since": now,
                    "until": None if for_seconds is None else now + float(for_seconds),
                    "then": body.get("thenStatus", "available"),
                }
                return _json_response(start_response, "200 OK", {"ok": True})
            if path == "/rehearsal-api/new-snapshot-status" and method == "POST":
                if body["operation"] not in ("create", "copy"):
                    raise ValueError("operation must be create or copy")
                key = (body["region"], body["operation"])
                if body.get("status") is None:
                    _state["new_snapshot_rules"].pop(key, None)
                else:
                    for_seconds = body.get("forSeconds")
                    _state["new_snapshot_rules"][key] = {
                        "status": body["status"],
                        "forSeconds": None if for_seconds is None else float(for_seconds),
                        "then": body.get("thenStatus", "available"),
                    }
                return _json_response(start_response, "200 OK", {"ok": True})
            if path == "/rehearsal-api/requests":
                return _json_response(start_response, "200 OK", {"requests": list(_state["requests"])})
            if path == "/rehearsal-api/calls":
                return _json_response(start_response, "200 OK", {"calls": list(_state["calls"])})
            answer = moto_recovery.control(path, method, body)
            if answer is not None:
                return _json_response(start_response, "200 OK", answer)
            if path == "/rehearsal-api/delay" and method == "POST":
                _state["delays"][body["operation"]] = float(body["seconds"])
                return _json_response(start_response, "200 OK", {"ok": True})
        return _json_response(start_response, "404 Not Found", {"error": f"no {method} {path}"})
    except (KeyError, ValueError, TypeError) as error:
        return _json_response(start_response, "400 Bad Request", {"error": repr(error)})


def build_app():
    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/rehearsal-api/"):
            return _control(environ, start_response)
        if path == "/moto-api/reset":
            _reset()
        return moto_app(environ, start_response)

    return app


def _exit_when_stdin_closes():
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin closes, i.e. when the process that started this one is gone, however it ended",
    )
    args = parser.parse_args(argv)
    if args.exit_with_stdin:
        threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    run_simple(args.host, args.port, with_token(build_app()), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
