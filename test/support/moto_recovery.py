"""What the recovery rehearsal adds to the clock-aware moto (moto_clock_server.py).

moto's restored clusters and new instances are available at once; a real
restore takes minutes to hours, and can end in another status. A timing rule
(POST /rehearsal-api/restore-timing) makes every cluster a later
RestoreDBClusterFromSnapshot creates in a Region read "creating" for
clusterSeconds of virtual time and then `clusterThen`, and every instance a
later CreateDBInstance adds to a cluster read "creating" for instanceSeconds
and then `instanceThen`. An instance's clock starts when its cluster is
available (RDS starts it then). The rule is cleared by POST /moto-api/reset.

RDS answers CreateDBInstance with InsufficientDBInstanceCapacity when the
Availability Zone has no capacity for the class, and with throttling errors
under load (RDS API reference, CreateDBInstance, Errors); moto never does. A
failure rule (POST /rehearsal-api/create-instance-failures, {region, count,
code}) makes the next `count` CreateDBInstance calls in a Region fail with
that error code, so the rehearsal can show a run retrying them. A call is one
SDK invocation (its amz-sdk-invocation-id header): an attempt the SDK sends
again, having lost the answer to the first (a connection reset on a busy
machine), is refused again rather than using up the next refusal, as AWS
would answer a call it still has no capacity for.

A restore must need nothing from the source Region, which may be down on the
day it matters. A refusal (POST /rehearsal-api/refuse-region, {region}; null
region lifts it) makes every request to that Region's endpoints fail with
ServiceUnavailable, so a rehearsal can prove it.
"""
import threading

import moto.rds.models as rds_models
from moto.core.responses import BaseResponse
from moto.rds.exceptions import RDSClientError

_rules = {}  # region -> {"clusterSeconds", "instanceSeconds", "clusterThen", "instanceThen"}
_instance_failures = {}  # region -> {"count", "code", "refused": invocation ids}
_refused_regions = set()
_call_action = BaseResponse.call_action
_request = threading.local()  # the SDK invocation id of the request this thread serves


def _refusing_call_action(self):
    _request.invocation = (getattr(self, "headers", None) or {}).get("amz-sdk-invocation-id")
    if getattr(self, "region", None) in _refused_regions:
        body = (f"<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code>"
                f"<Message>rehearsal: {self.region} is down</Message></Error></ErrorResponse>")
        return 503, {"Content-Type": "text/xml"}, body
    return _call_action(self)
_virtual_now = None


def install(virtual_now):
    """Patches moto; `virtual_now` is the wrapper's clock."""
    global _virtual_now
    _virtual_now = virtual_now
    _patch_cluster_status()
    _patch_instance_status()
    original_restore = rds_models.RDSBackend.restore_db_cluster_from_snapshot
    original_create_instance = rds_models.RDSBackend.create_db_instance

    def restore(self, from_snapshot_id, overrides):
        cluster = original_restore(self, from_snapshot_id, overrides)
        rule = _rules.get(self.region_name)
        if rule:
            cluster.__dict__["_rehearsal_timing"] = (_virtual_now() + rule["clusterSeconds"], rule["clusterThen"])
        return cluster

    def create_instance(self, db_kwargs):
        failure = _instance_failures.get(self.region_name)
        invocation = getattr(_request, "invocation", None)
        if failure and (failure["count"] > 0 or (invocation and invocation in failure["refused"])):
            if invocation not in failure["refused"]:
                failure["count"] -= 1
                if invocation:
                    failure["refused"].add(invocation)
            raise RDSClientError(failure["code"], f"rehearsal: CreateDBInstance refused with {failure['code']}")
        instance = original_create_instance(self, db_kwargs)
        rule = _rules.get(self.region_name)
        cluster = self.clusters.get(db_kwargs.get("db_cluster_identifier") or "")
        if rule and cluster is not None and "_rehearsal_timing" in cluster.__dict__:
            ready_at = max(_virtual_now(), cluster.__dict__["_rehearsal_timing"][0])
            instance.__dict__["_rehearsal_timing"] = (ready_at + rule["instanceSeconds"], rule["instanceThen"])
        return instance

    rds_models.RDSBackend.restore_db_cluster_from_snapshot = restore
    rds_models.RDSBackend.create_db_instance = create_instance
    BaseResponse.call_action = _refusing_call_action


def _timed(obj, fallback):
    timing = obj.__dict__.get("_rehearsal_timing")
    if timing is None:
        return fallback()
    until, then = timing
    return "creating" if _virtual_now() < until else then


def _patch_cluster_status():
    original = rds_models.DBCluster.status

    def get(self):
        return _timed(self, lambda: original.fget(self))

    def set_(self, value):
        self.__dict__.pop("_rehearsal_timing", None)
        original.fset(self, value)

    rds_models.DBCluster.status = property(get, set_)


def _patch_instance_status():
    # DBInstance keeps its status in a plain attribute; a property over the same name keeps it there.
    def get(self):
        return _timed(self, lambda: self.__dict__.get("_plain_status", "available"))

    def set_(self, value):
        self.__dict__.pop("_rehearsal_timing", None)
        self.__dict__["_plain_status"] = value

    rds_models.DBInstance.status = property(get, set_)


def reset():
    _rules.clear()
    _instance_failures.clear()
    _refused_regions.clear()


def control(path, method, body):
    """Handles the recovery routes of the control endpoint; None for any other route."""
    if path == "/rehearsal-api/restore-timing" and method == "POST":
        if body.get("clusterSeconds") is None:
            _rules.pop(body["region"], None)
        else:
            _rules[body["region"]] = {
                "clusterSeconds": float(body["clusterSeconds"]),
                "instanceSeconds": float(body.get("instanceSeconds", 0)),
                "clusterThen": body.get("clusterThen", "available"),
                "instanceThen": body.get("instanceThen", "available"),
            }
        return {"ok": True}
    if path == "/rehearsal-api/refuse-region" and method == "POST":
        _refused_regions.clear()
        if body.get("region"):
            _refused_regions.add(body["region"])
        return {"ok": True}
    if path == "/rehearsal-api/create-instance-failures" and method == "POST":
        _instance_failures[body["region"]] = {"count": int(body["count"]), "code": body["code"], "refused": set()}
        return {"ok": True}
    return None
