import pytest

from conftest import TARGET


@pytest.fixture
def copy_id(backup):
    return backup()


def test_reports_an_available_copy_at_once(world, load, clock, copy_id):
    result = load("dr/check_copy").handler(world.check_event(copy_id, clock.iso()), None)

    assert result == {"Available": True, "Status": "available"}
    assert clock.slept == []


def test_a_copy_still_in_progress_returns_not_available_within_the_step_budget(world, load, clock, copy_id):
    world.set_status(TARGET, copy_id, "copying")

    result = load("dr/check_copy").handler(world.check_event(copy_id, clock.iso()), None)

    assert result == {"Available": False, "Status": "copying"}
    # aws:executeScript stops a step at 600 s: poll every 30 s for 8 minutes, then let the runbook sleep.
    assert set(clock.slept) == {30}
    assert 450 <= sum(clock.slept) <= 480


def test_returns_available_as_soon_as_the_copy_finishes_while_polling(world, load, clock, copy_id):
    world.set_status(TARGET, copy_id, "copying")

    def finish_after_two_minutes(clock):
        if len(clock.slept) == 4:
            world.set_status(TARGET, copy_id, "available")

    clock.on_sleep = finish_after_two_minutes

    result = load("dr/check_copy").handler(world.check_event(copy_id, clock.iso()), None)

    assert result == {"Available": True, "Status": "available"}
    assert sum(clock.slept) == 120


@pytest.mark.parametrize("status", ["failed", "error", "incompatible-restore", "incompatible-parameters"])
def test_a_failed_copy_fails_the_step_saying_what_to_check(world, load, clock, copy_id, status):
    world.set_status(TARGET, copy_id, status)

    with pytest.raises(RuntimeError) as failure:
        load("dr/check_copy").handler(world.check_event(copy_id, clock.iso()), None)

    message = str(failure.value)
    assert f"Copy {copy_id} in {TARGET} is {status}" in message
    assert "KMS key" in message and "RDS events" in message and "next scheduled run" in message
    assert clock.slept == []


def test_a_deleted_copy_fails_the_step(world, load, clock, copy_id):
    world.rds[TARGET].delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=copy_id)

    with pytest.raises(RuntimeError, match=f"Copy {copy_id} in {TARGET} is deleted"):
        load("dr/check_copy").handler(world.check_event(copy_id, clock.iso()), None)


def test_a_copy_still_in_progress_after_the_copy_timeout_fails_with_the_hours_waited(world, load, clock, copy_id):
    world.set_status(TARGET, copy_id, "copying")
    started_at = clock.iso(offset=-25 * 3600)

    with pytest.raises(RuntimeError) as failure:
        load("dr/check_copy").handler(world.check_event(copy_id, started_at, timeout_hours="24"), None)

    message = str(failure.value)
    assert f"Copy {copy_id} in {TARGET} is still copying after 25.0 h" in message
    assert "full copies" in message and "raise CopyTimeoutHours" in message


def test_the_copy_timeout_can_pass_while_polling(world, load, clock, copy_id):
    world.set_status(TARGET, copy_id, "copying")
    started_at = clock.iso(offset=-(24 * 3600 - 100))

    with pytest.raises(RuntimeError, match="still copying after 24.0 h"):
        load("dr/check_copy").handler(world.check_event(copy_id, started_at, timeout_hours="24"), None)

    assert sum(clock.slept) == 120
