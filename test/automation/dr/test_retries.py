"""
aws:executeScript does not retry throttled calls, so the scripts must. moto
cannot throttle: a botocore handler answers the first calls with the HTTP 400
ThrottlingException RDS sends under load, and botocore's back-off sleeps are
recorded instead of slept.
"""
import types

import boto3
import botocore.endpoint
import pytest
from botocore.exceptions import ClientError

from conftest import DAY, SOURCE, TARGET, throttle_first_calls


@pytest.fixture
def backoffs(monkeypatch):
    slept = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture
def throttled_clients(monkeypatch):
    """From now on, each new boto3 client is throttled on its first `count` calls; returns their counters."""
    counters = []

    def throttle(count):
        real_client = boto3.client

        def throttled_client(*args, **kwargs):
            client = real_client(*args, **kwargs)
            if client.meta.service_model.service_name == "rds":
                counters.append(throttle_first_calls(client, count))
            return client

        monkeypatch.setattr(boto3, "client", throttled_client)
        return counters

    return throttle


@pytest.mark.parametrize("throttled", [2, 10])
def test_check_copy_finishes_although_rds_throttles_its_first_calls(
        world, load, clock, backup, backoffs, throttled_clients, throttled):
    copy_id = backup()
    counters = throttled_clients(throttled)

    result = load("dr/check_copy").handler(world.check_event(copy_id, clock.iso()), None)

    assert result == {"Available": True, "Status": "available"}
    assert [c["throttled"] for c in counters] == [throttled]
    assert len(backoffs) == throttled


@pytest.mark.parametrize("throttled", [2, 10])
def test_prune_finishes_its_deletions_although_rds_throttles_its_first_calls(
        world, load, clock, backup, backoffs, throttled_clients, throttled):
    first = backup()
    clock.advance(DAY)
    second = backup()
    clock.advance(400 * DAY)
    counters = throttled_clients(throttled)

    result = load("dr/prune_snapshots").handler(world.prune_event(), None)

    assert sorted(result["DeletedSnapshots"]) == sorted([f"{SOURCE}:{first}", f"{SOURCE}:{second}", f"{TARGET}:{first}"])
    assert [c["throttled"] for c in counters] == [throttled, throttled]


def test_gives_up_after_ten_retries(world, load, clock, backup, backoffs, throttled_clients):
    copy_id = backup()
    counters = throttled_clients(11)

    with pytest.raises(ClientError, match="ThrottlingException"):
        load("dr/check_copy").handler(world.check_event(copy_id, clock.iso()), None)

    assert counters[0]["sent"] == 11


def test_every_script_creates_its_clients_with_standard_retries_and_ten_retry_attempts(
        world, load, clock, backup, created_clients):
    copy_id = backup()
    load("dr/check_copy").handler(world.check_event(copy_id, clock.iso()), None)
    load("dr/prune_snapshots").handler(world.prune_event(), None)

    # create (RDS, and SSM of the target Region), copy (source and target), check (1),
    # prune (RDS of each Region, SSM of the target Region)
    services = [(c.meta.service_model.service_name, c.meta.region_name) for c in created_clients]
    assert services == [("rds", SOURCE), ("ssm", TARGET), ("rds", SOURCE), ("rds", TARGET), ("rds", TARGET),
                        ("rds", SOURCE), ("rds", TARGET), ("ssm", TARGET)]
    for client in created_clients:
        assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 11}
        assert client.meta.region_name in (SOURCE, TARGET)
        # No endpoint of their own: AWS_ENDPOINT_URL (the rehearsal) or the Region's default applies.
        assert client.meta.endpoint_url == \
            f"https://{client.meta.service_model.endpoint_prefix}.{client.meta.region_name}.amazonaws.com"
