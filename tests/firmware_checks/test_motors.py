"""The motor check against the simulator over a real socket: bounded spins, RPM, stopping."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from firmware_checks.motors import (
    MAX_SECONDS,
    MAX_THROTTLE_PERCENT,
    STOPPED,
    check_motors,
    motor_check_document,
    stop_all,
)
from firmware_checks.run_document import RunDocument, Verdict
from firmware_checks.simulator import SimulatorServer

Start = Callable[..., SimulatorServer]


def outputs(server: SimulatorServer) -> list[int]:
    return server.fc.board.motor_outputs[: server.fc.profile.flavour.motor_count]


def test_each_motor_spins_in_turn_reports_rpm_and_all_stop_after(simulator: Start) -> None:
    server = simulator("healthy")
    steps: list[str] = []

    result, spins = check_motors(server.url, throttle_percent=6, seconds=0.3, progress=steps.append)

    assert result.verdict == "pass", result.reason
    assert [s.index for s in spins] == [0, 1, 2, 3]
    # 6 % of a 31000 rpm motor: about 1860 rpm, read while it turned.
    assert all(1700 < (s.rpm or 0) < 2000 and s.throttle_percent == 6 for s in spins)
    assert all(0.3 <= s.seconds < MAX_SECONDS and not s.stopped_early for s in spins)
    assert [m.name for m in result.measurements] == [f"motor_{n}_rpm" for n in (1, 2, 3, 4)]
    assert steps == ["connect", "identity", "motor_1", "motor_2", "motor_3", "motor_4"]
    assert outputs(server) == [STOPPED] * 4


def test_one_motor_at_a_time_only_that_one_turns(simulator: Start) -> None:
    server = simulator("healthy")
    seen: set[tuple[int, ...]] = set()
    done = threading.Event()

    def watch() -> None:  # the board's outputs, as the simulated ESCs see them
        while not done.is_set():
            seen.add(tuple(outputs(server)))
            done.wait(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        result, spins = check_motors(server.url, [2], throttle_percent=10, seconds=0.2)
    finally:
        done.set()
        watcher.join()

    assert result.verdict == "pass" and [s.index for s in spins] == [2]
    assert seen == {(STOPPED,) * 4, (STOPPED, STOPPED, 1100, STOPPED)}
    assert outputs(server) == [STOPPED] * 4


@pytest.mark.parametrize(
    ("throttle", "seconds", "says"),
    [
        (MAX_THROTTLE_PERCENT + 1, 1, "throttle must be"),
        (0, 1, "throttle must be"),
        (5, MAX_SECONDS + 0.5, "a spin lasts"),
        (5, 0, "a spin lasts"),
    ],
)
def test_bounds_are_hard_and_refused_before_connecting(
    throttle: float, seconds: float, says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        check_motors("socket://127.0.0.1:9", throttle_percent=throttle, seconds=seconds)


def test_firmware_without_rpm_telemetry_spins_but_reports_no_rpm(simulator: Start) -> None:
    server = simulator("betaflight-4.5")  # the SITL bench: DShot telemetry off

    result, spins = check_motors(server.url, [0], seconds=0.2)

    assert result.verdict == "pass"
    assert spins[0].rpm is None
    assert result.measurements[0].value is None and "no RPM" in result.measurements[0].detail


def test_an_unknown_motor_is_refused_and_nothing_spins(simulator: Start) -> None:
    server = simulator("healthy")

    result, spins = check_motors(server.url, [0, 5], seconds=0.2)

    assert (result.verdict, spins) == ("error", [])
    assert result.reason == "the flight controller has 4 motors; no motor 6"
    assert outputs(server) == [STOPPED] * 4


def test_stop_all_from_another_thread_stops_a_running_spin_at_once(simulator: Start) -> None:
    server = simulator("healthy")
    started = threading.Event()

    def on_step(step: str) -> None:
        if step == "motor_1":
            started.set()

    def press_stop() -> None:
        started.wait(5)
        assert stop_all(server.url)

    stopper = threading.Thread(target=press_stop)
    stopper.start()
    result, spins = check_motors(server.url, seconds=MAX_SECONDS, progress=on_step)
    stopper.join()

    assert [s.index for s in spins] == [0] and spins[0].stopped_early
    assert spins[0].seconds < MAX_SECONDS
    assert result.verdict == "fail" and result.measurements[0].detail == "stopped before its time"
    assert outputs(server) == [STOPPED] * 4


def test_a_board_left_spinning_by_a_lost_link_is_stopped_by_stop_all(simulator: Start) -> None:
    server = simulator("healthy")
    spinning = threading.Event()

    def pull_the_cable(step: str) -> None:
        if step == "motor_2":
            spinning.set()
            server.fc.board.set_motors([1050, 1050, 1050, 1050])  # as a lost link leaves it
            server.stop()

    result, _ = check_motors(server.url, seconds=0.2, progress=pull_the_cable, timeout=0.1)

    assert spinning.is_set() and result.verdict == "error"
    assert "could not tell the motors to stop: the link is gone" in [
        e.data for e in result.transcript.entries
    ]
    # The board came back (on the same port): stop_all, with no check running, tells it directly.
    with SimulatorServer("127.0.0.1", server.address[1], "healthy") as back:
        back.fc.board.set_motors([1050, 1050, 1050, 1050])
        assert stop_all(back.url)
        assert outputs(back) == [STOPPED] * 4


def test_stop_all_on_a_port_that_is_gone_says_so() -> None:
    assert stop_all("socket://127.0.0.1:9", timeout=0.1) is False


def test_a_second_motor_check_on_the_same_port_is_refused_while_one_runs(simulator: Start) -> None:
    server = simulator("healthy")
    spinning = threading.Event()
    second: list[tuple[str, str]] = []

    def try_again(step: str) -> None:
        if step == "motor_1":
            spinning.set()
            result, spins = check_motors(server.url, [1], seconds=0.2)
            second.append((result.verdict, result.reason))
            assert spins == []

    result, _ = check_motors(server.url, [0], seconds=0.2, progress=try_again)

    assert spinning.is_set() and result.verdict == "pass"
    assert second == [("error", f"a motor check is already running on {server.url}")]
    assert outputs(server) == [STOPPED] * 4


def _spins(simulator: Start, profile: str = "healthy") -> list[RunDocument]:
    """Each motor spun alone, as the web runner does, one document per spin."""
    server = simulator(profile)
    return [check_motors(server.url, [i], seconds=0.1)[0].document() for i in range(2)]


def test_a_motor_check_passes_when_every_motor_turns_the_right_way(simulator: Start) -> None:
    first, second = _spins(simulator)

    run = motor_check_document([(1, first, True), (2, second, True)])

    assert (run.verdict, run.reason) == (Verdict.PASS, "all 4 measurements within limits")
    assert [m.name for m in run.measurements] == [
        "motor_1_rpm", "motor_1_direction", "motor_2_rpm", "motor_2_direction",
    ]  # fmt: skip
    direction = run.measurements[1]
    assert (direction.value, direction.limit, direction.detail) == (
        "as expected",
        "as expected",
        "seen by the person at the bench",
    )
    assert run.transcript == first.transcript + second.transcript
    assert RunDocument.from_json(run.to_json()) == run


def test_a_motor_turning_the_wrong_way_fails_the_check_by_name(simulator: Start) -> None:
    first, second = _spins(simulator)

    run = motor_check_document([(1, first, True), (2, second, False)])

    assert run.verdict is Verdict.FAIL
    assert run.reason == "1 of 4 measurements out of limits: motor_2_direction"
    assert [m.name for m in run.failed] == ["motor_2_direction"]
    assert run.failed[0].value == "reversed"


def test_a_spin_that_could_not_test_makes_the_whole_check_could_not_test(
    simulator: Start,
) -> None:
    [good, _] = _spins(simulator)
    lost = check_motors("socket://127.0.0.1:9", [0], seconds=0.1)[0].document()

    run = motor_check_document([(1, good, True), (2, lost, True)])

    assert (run.verdict, run.reason) == (Verdict.ERROR, lost.reason)
    assert run.measurements == ()
    with pytest.raises(ValueError):
        motor_check_document([])
