"""Runs one aws:executeScript step for the rehearsal, as Automation would.

Reads {script, handler, payload, clockNowSeconds, timeoutSeconds,
clockControlUrl} as JSON on stdin, puts the runbook's virtual clock in place
of the real one, execs the document's own inline script, calls
handler(events=payload, context=None) and writes the outcome as JSON on file
descriptor 3: {"Payload": value} or {"error": {type, message, traceback}} or
{"timedOut": true}, each with sleptSeconds and nowSeconds. The script's
own stdout and stderr stay free for its log, as in the real action.

Virtual time: time.time() (and time.time_ns, time.monotonic, datetime.now)
read the runbook's virtual now, which stands still while the script computes:
no real second is added, so what the script measures does not depend on how
fast the machine is. time.sleep() advances it instead of waiting and tells
the clock-aware moto wrapper, so moto stamps new snapshots with the same time
the script reads. A sleep that would run past timeoutSeconds of virtual time
ends the step as timed out at that moment, as Automation stops a script at
its timeout.
"""

import datetime as _datetime_module
import json
import os
import sys
import time
import traceback
import urllib.request

_RealDatetime = _datetime_module.datetime


def _read_request():
    request = json.load(sys.stdin)
    for key in ("script", "handler", "payload", "clockNowSeconds", "timeoutSeconds"):
        if key not in request:
            raise KeyError(f"harness request lacks {key}")
    return request


class _VirtualClock:
    def __init__(self, now, timeout, control_url):
        self.now = float(now)
        self.started = self.now
        self.slept = 0.0
        self.timeout = float(timeout)
        self.control_url = control_url

    def time(self):
        return self.now

    def elapsed(self):
        return self.now - self.started

    def advance(self, seconds):
        self.slept += seconds
        self.now += seconds
        if self.control_url:
            body = json.dumps({"advanceTo": self.time()}).encode()
            request = urllib.request.Request(
                self.control_url + "/rehearsal-api/clock",
                data=body,
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                # Another execution may have moved the shared clock further.
                self.now = max(self.now, float(json.load(response)["now"]))

    def sleep(self, seconds):
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        remaining = self.timeout - self.elapsed()
        if seconds > remaining:
            self.advance(max(remaining, 0.0))
            _finish({"timedOut": True})
        self.advance(seconds)


def _install_clock(clock):
    time.time = clock.time
    time.time_ns = lambda: int(clock.time() * 1e9)
    time.monotonic = clock.time
    time.sleep = clock.sleep

    class VirtualDatetime(_RealDatetime):
        @classmethod
        def now(cls, tz=None):
            return _RealDatetime.fromtimestamp(clock.time(), tz)

        @classmethod
        def utcnow(cls):
            return _RealDatetime.fromtimestamp(clock.time(), _datetime_module.timezone.utc).replace(tzinfo=None)

        @classmethod
        def today(cls):
            return _RealDatetime.fromtimestamp(clock.time())

    _datetime_module.datetime = VirtualDatetime


_clock = None
_result_stream = None


def _finish(outcome):
    outcome["sleptSeconds"] = _clock.slept if _clock else 0.0
    outcome["nowSeconds"] = _clock.now if _clock else 0.0
    try:
        text = json.dumps(outcome)
    except (TypeError, ValueError) as error:
        text = json.dumps(
            {
                "error": {
                    "type": type(error).__name__,
                    "message": f"the handler's return value is not JSON: {error}",
                    "traceback": "",
                },
                "sleptSeconds": outcome["sleptSeconds"],
                "nowSeconds": outcome["nowSeconds"],
            }
        )
    _result_stream.write(text)
    _result_stream.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    # No cleanup code of the script may run after its step ended.
    os._exit(0)


def main():
    global _result_stream
    _result_stream = os.fdopen(3, "w")
    _run(_read_request())


def _run(request):
    global _clock
    for key in ("script", "handler", "payload", "clockNowSeconds", "timeoutSeconds"):
        if key not in request:
            raise KeyError(f"harness request lacks {key}")
    _clock = _VirtualClock(request["clockNowSeconds"], request["timeoutSeconds"], request.get("clockControlUrl"))
    _install_clock(_clock)
    namespace = {"__name__": "automation_script"}
    try:
        exec(compile(request["script"], "<Script>", "exec"), namespace)
        handler = namespace.get(request["handler"])
        if not callable(handler):
            raise NameError(f"the script defines no function {request['handler']!r} (the step's Handler)")
        payload = handler(request["payload"], None)
    except BaseException as error:  # noqa: BLE001 - SystemExit from a script is a failure too
        _finish(
            {
                "error": {
                    "type": type(error).__name__,
                    "message": str(error),
                    "traceback": traceback.format_exc(),
                }
            }
        )
    _finish({"Payload": payload})


# --- serving many steps from one warm process --------------------------------
#
# Starting Python and importing boto3 costs about half a second per step, most
# of a rehearsal's time. In --serve mode one process imports boto3 once and
# loads the service models the scripts use, then forks a child per step: the
# child has its own environment, files for its stdout, stderr and result, and
# its own virtual clock, exactly as a fresh process would, in milliseconds.
#
# Protocol, one JSON object per line. In: {"id", "request", "env", "stdout",
# "stderr", "result"} (file paths). Out: {"id", "pid"} once the child runs,
# then {"id", "exit"} when it ended. The server exits when its stdin closes.

_WARM_SERVICES = ("rds", "kms", "ssm")


def _warm():
    import boto3

    boto3.setup_default_session()
    for service in _WARM_SERVICES:
        # Explicit endpoint and keys: nothing resolved here (credentials, endpoint) is cached for the children.
        boto3.client(service, region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                     aws_access_key_id="warm", aws_secret_access_key="warm")


def _child(message):
    global _result_stream
    try:
        os.environ.clear()
        os.environ.update(message["env"])
        for fd, path in ((1, message["stdout"]), (2, message["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        _result_stream = open(message["result"], "w")
        _run(message["request"])
    except BaseException:  # noqa: BLE001 - the parent only learns the exit status
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(70)
    os._exit(0)


def serve():
    # One thread only (fork and threads do not mix): wait for stdin with a short
    # timeout, and reap the children that ended in between.
    import select

    _warm()
    running = {}
    pending = b""

    def say(message):
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    def reap():
        while running:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            say({"id": running.pop(pid), "exit": os.waitstatus_to_exitcode(status)})

    while True:
        readable, _, _ = select.select([0], [], [], 0.02 if running else None)
        reap()
        if not readable:
            continue
        chunk = os.read(0, 65536)
        if not chunk:
            os._exit(0)
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            if not line.strip():
                continue
            message = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _child(message)
            running[pid] = message["id"]
            say({"id": message["id"], "pid": pid})


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        main()
