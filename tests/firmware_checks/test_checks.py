"""Limits (data) into measurements (records): the table by hand, then every simulator profile."""

from __future__ import annotations

import dataclasses
import json
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from firmware_checks import EXAMPLES_DIR
from firmware_checks.bench_run import cli_timeouts, run_check
from firmware_checks.checks import CHECKS, STEPS, Evidence, judge, version_tuple
from firmware_checks.client import FlightController
from firmware_checks.config_diff import ConfigChange
from firmware_checks.limits import (
    DEFAULT_LIMITS,
    Limits,
    LimitsError,
    limits_from_mapping,
    load_limits,
)
from firmware_checks.probe import probe
from firmware_checks.simulator import PtySimulator, SimulatorServer, diff_all_text

Start = Callable[..., SimulatorServer]


# A Betaflight quad on USB power at the bench, as the default limits expect one.
BENCH = Evidence(
    variant="BTFL", version="4.5.5", board_id="S7X2", target="STM32F7X2",
    sensors=("gyro", "acc", "baro"), arming_flags=("RXLOSS", "BOOTGRACE", "MSP"),
    battery_v=0.2, cell_count=0, roll_deg=0.4, pitch_deg=-1.2,
    rc_channels=(1500, 1500, 1500, 885, 1500, 1500),
    gyro_samples=tuple((x % 3 - 1.0, 0.0, float(x % 2)) for x in range(50)),
)  # fmt: skip


def measured(evidence: Evidence, limits: Limits = DEFAULT_LIMITS) -> dict[str, object]:
    return {m.name: m for m in judge(evidence, limits)}


def failing(evidence: Evidence, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    return [m.name for m in judge(evidence, limits) if not m.passed]


def with_limits(**sections: dict[str, object]) -> Limits:
    return limits_from_mapping(sections)


def test_a_bench_board_passes_the_default_limits() -> None:
    measurements = judge(BENCH, DEFAULT_LIMITS)

    assert [m.name for m in measurements] == [
        "firmware_variant", "firmware_version", "sensors", "arming_flags", "attitude_tilt",
        "gyro_noise_x", "gyro_noise_y", "gyro_noise_z", "battery",
    ]  # fmt: skip
    assert all(m.passed for m in measurements), [m for m in measurements if not m.passed]


def test_each_measurement_is_a_record_with_its_limit_in_words() -> None:
    m = measured(BENCH)

    assert m["gyro_noise_x"].to_json() == {  # type: ignore[attr-defined]
        "name": "gyro_noise_x", "value": 0.812, "unit": "deg/s", "limit": "<= 2",
        "passed": True, "detail": "standard deviation over 50 samples at rest",
        "limit_spec": {"kind": "at_most", "values": [2.0], "unit": "deg/s"},
        "detail_spec": {"kind": "noise_samples", "values": [50]},
    }  # fmt: skip
    assert m["battery"].value == 0.2 and m["battery"].detail == "USB only, no battery"  # type: ignore[attr-defined]
    assert m["firmware_version"].limit == ">= 4.3.0"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "fails"),
    [
        ({"variant": "EMUF"}, ["firmware_variant"]),  # no version bound for it
        ({"version": "4.2.11"}, ["firmware_version"]),
        ({"variant": "INAV", "version": "6.1.1"}, ["firmware_version"]),
        ({"sensors": ("acc",)}, ["sensors", "gyro_noise_x", "gyro_noise_y", "gyro_noise_z"]),
        ({"arming_flags": ("RXLOSS", "NO_ACC_CAL")}, ["arming_flags"]),
        ({"roll_deg": 12.0}, ["attitude_tilt"]),
        ({"pitch_deg": -30.0}, ["attitude_tilt"]),
        ({"attitude_missing": True}, ["attitude_tilt"]),
        ({"battery_v": 13.2, "cell_count": 4}, ["battery"]),
        ({"battery_v": 17.6, "cell_count": 4}, ["battery"]),
        ({"battery_v": None}, ["battery"]),
        (
            {"gyro_samples": tuple((float(x % 40) - 20, 0.0, 0.0) for x in range(50))},
            ["gyro_noise_x"],
        ),
        ({"gyro_samples": ((1.0, 1.0, 1.0),)}, ["gyro_noise_x", "gyro_noise_y", "gyro_noise_z"]),
    ],
)
def test_each_fault_fails_its_own_measurement(change: dict[str, object], fails: list[str]) -> None:
    fields = dict(change)
    if fields.pop("attitude_missing", False):
        fields.update(roll_deg=None, pitch_deg=None)
    assert failing(dataclasses.replace(BENCH, **fields)) == fails  # type: ignore[arg-type]


def test_calendar_versions_of_betaflight_are_newer_than_4x() -> None:
    assert version_tuple("2025.12.5") == (2025, 12, 5)
    assert failing(dataclasses.replace(BENCH, version="2025.12.5")) == []
    limits = with_limits(firmware={"max_version": {"BTFL": "4.5"}})
    assert failing(dataclasses.replace(BENCH, version="2025.12.5"), limits) == ["firmware_version"]
    assert failing(dataclasses.replace(BENCH, version="4.5.0"), limits) == []


def test_an_unreadable_version_fails_with_the_reason() -> None:
    m = measured(dataclasses.replace(BENCH, version="dev"))["firmware_version"]
    assert not m.passed and "cannot read a version number" in m.detail  # type: ignore[attr-defined]


def test_a_charged_pack_passes_and_the_cell_count_is_estimated_when_missing() -> None:
    m = measured(dataclasses.replace(BENCH, battery_v=16.2, cell_count=None))["battery"]
    assert m.passed and m.detail == "4S, 4.05 V/cell (cell count estimated)"  # type: ignore[attr-defined]


def test_usb_only_fails_when_a_battery_is_required() -> None:
    limits = with_limits(battery={"accept_usb_only": False})
    m = measured(BENCH, limits)["battery"]
    assert not m.passed and m.detail == "no battery connected"  # type: ignore[attr-defined]


def test_board_and_target_are_checked_only_when_expected() -> None:
    limits = with_limits(board={"board_id": "S7X2", "target": "STM32F405"})

    m = measured(BENCH, limits)

    assert m["board_id"].passed and m["board_id"].limit == "= S7X2"  # type: ignore[attr-defined]
    assert not m["target"].passed and m["target"].value == "STM32F7X2"  # type: ignore[attr-defined]


def test_receiver_is_checked_only_when_a_link_is_expected() -> None:
    limits = with_limits(receiver={"expect_link": True})

    assert failing(BENCH, limits) == ["rc_link"]  # RXLOSS is reported: no link
    linked = dataclasses.replace(BENCH, arming_flags=("BOOTGRACE",))
    assert failing(linked, limits) == []
    off_centre = dataclasses.replace(linked, rc_channels=(1500, 1560, 1500, 1000))
    assert failing(off_centre, limits) == ["rc_centred"]
    assert measured(off_centre, limits)["rc_centred"].value == 60  # type: ignore[attr-defined]
    assert failing(dataclasses.replace(linked, rc_channels=(1500, 1500)), limits) == [
        "rc_channels",
        "rc_centred",
    ]


def test_config_diff_is_measured_only_with_a_golden() -> None:
    change = ConfigChange("changed", "master", "set p_roll", "set p_roll = 45", "set p_roll = 50")

    assert "config_diff" not in measured(BENCH)
    assert measured(dataclasses.replace(BENCH, config_changes=()))["config_diff"].passed  # type: ignore[attr-defined]
    m = measured(dataclasses.replace(BENCH, config_changes=(change,)))["config_diff"]
    assert (m.value, m.passed) == (1, False)  # type: ignore[attr-defined]
    assert "set p_roll = 50" in m.detail  # type: ignore[attr-defined]


def test_the_table_has_one_row_per_measurement_name_each_in_a_known_step() -> None:
    names = [check.name for check in CHECKS]
    assert len(names) == len(set(names))
    steps = [STEPS.index(check.step) for check in CHECKS]  # raises for an unknown step
    assert steps == sorted(steps)  # measurements come out in the order the run gathers them


def test_the_example_limits_file_states_the_defaults() -> None:
    assert load_limits(EXAMPLES_DIR / "limits.toml") == DEFAULT_LIMITS


def test_a_limits_file_overrides_only_what_it_mentions(tmp_path: Path) -> None:
    path = tmp_path / "limits.toml"
    path.write_text('[gyro]\nmax_std_dps = 1.5\n[board]\ntarget = "STM32F405"\n')

    limits = load_limits(path)

    assert limits.gyro.max_std_dps == 1.5 and limits.gyro.samples == DEFAULT_LIMITS.gyro.samples
    assert limits.board.target == "STM32F405"
    assert limits.battery == DEFAULT_LIMITS.battery


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[gyro]\nmax_std = 1\n", "unknown key gyro.max_std"),
        ("[gyros]\n", "unknown section [gyros]"),
        ('[gyro]\nsamples = "many"\n', "gyro.samples must be a number"),
        ("[gyro]\nsamples = 2.5\n", "gyro.samples must be a whole number"),
        ("[receiver]\nexpect_link = 1\n", "receiver.expect_link must be true or false"),
        ('[arming]\nallowed = "RXLOSS"\n', "arming.allowed must be a list"),
        ("[gyro\n", "is not valid TOML"),
    ],
)
def test_a_bad_limits_file_is_refused_with_the_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "limits.toml"
    path.write_text(text)

    with pytest.raises(LimitsError, match=message.replace("[", r"\[")):
        load_limits(path)


def test_a_missing_limits_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(LimitsError, match="cannot read limits file"):
        load_limits(tmp_path / "nope.toml")


# -- run_check against the simulator, every profile --------------------------------------------

GOLDEN = diff_all_text("healthy")


@pytest.fixture(scope="module")
def bench_limits() -> Limits:
    """The default limits, plus: this board type (the healthy simulator's) and a bound receiver."""
    with SimulatorServer(profile="healthy") as server, FlightController.open(server.url) as fc:
        board = probe(fc)
    return limits_from_mapping({
        "board": {"board_id": board.board_id, "target": board.target},
        "receiver": {"expect_link": True},
    })  # fmt: skip


def test_a_healthy_board_passes_every_measurement(simulator: Start, bench_limits: Limits) -> None:
    steps: list[str] = []

    result = run_check(simulator("healthy").url, bench_limits, GOLDEN, progress=steps.append)

    assert (result.verdict, result.document().exit_code) == ("pass", 0), result.reason
    assert [m.name for m in result.measurements] == [
        "firmware_variant", "firmware_version", "board_id", "target", "sensors", "arming_flags",
        "attitude_tilt", "gyro_noise_x", "gyro_noise_y", "gyro_noise_z", "battery",
        "rc_link", "rc_channels", "rc_centred", "config_diff",
    ]  # fmt: skip
    assert result.reason == "all 15 measurements within limits"
    assert steps == list(STEPS)
    assert result.config_changes == []


TRANSPORTS = ["tcp"] + (["pty"] if sys.platform != "win32" else [])


@pytest.fixture(params=TRANSPORTS)
def board(
    request: pytest.FixtureRequest, simulator: Start, pty_simulator: Callable[..., PtySimulator]
) -> Callable[[str], str]:
    """board(profile) -> the URL of a simulated board over a real TCP socket, or a real pty."""
    if request.param == "tcp":
        return lambda profile: simulator(profile).url
    return lambda profile: pty_simulator(profile).path


@pytest.mark.parametrize(
    ("profile", "failing_names"),
    [
        ("no_gyro", ["sensors", "arming_flags", "gyro_noise_x", "gyro_noise_y", "gyro_noise_z"]),
        ("noisy_gyro", ["gyro_noise_x", "gyro_noise_y", "gyro_noise_z"]),
        ("wrong_target", ["board_id", "target"]),
        ("config_drift", ["config_diff"]),
        ("low_battery", ["battery"]),
        ("arming_blocked", ["arming_flags"]),
    ],
)
def test_each_faulty_board_fails_exactly_its_measurements(
    board: Callable[[str], str], bench_limits: Limits, profile: str, failing_names: list[str]
) -> None:
    result = run_check(board(profile), bench_limits, GOLDEN)

    assert (result.verdict, result.document().exit_code) == ("fail", 1), result.reason
    assert [m.name for m in result.failed] == failing_names
    assert result.reason.endswith(": " + ", ".join(failing_names))


def test_the_failing_measurements_say_why(
    board: Callable[[str], str], bench_limits: Limits
) -> None:
    by_profile = {
        p: run_check(board(p), bench_limits, GOLDEN)
        for p in ("no_gyro", "low_battery", "arming_blocked", "config_drift")
    }

    no_gyro = {m.name: m for m in by_profile["no_gyro"].failed}
    assert no_gyro["sensors"].detail == "missing: gyro, acc"
    assert "NOGYRO" in no_gyro["arming_flags"].detail
    assert no_gyro["gyro_noise_x"].detail == "no gyro detected"
    battery = by_profile["low_battery"].failed[0]
    assert (battery.value, battery.detail) == (13.2, "4S, 3.30 V/cell")
    assert by_profile["arming_blocked"].failed[0].detail.startswith("not allowed: ")
    assert {"NO_ACC_CAL", "REBOOT_REQD"} <= set(by_profile["arming_blocked"].failed[0].value)
    drift = by_profile["config_drift"]
    assert sorted(c.kind for c in drift.config_changes or []) == ["changed", "extra", "missing"]


def test_garbage_between_answers_is_read_through(
    board: Callable[[str], str], bench_limits: Limits
) -> None:
    result = run_check(board("garbage"), bench_limits, GOLDEN)

    assert result.verdict == "pass", result.reason


@pytest.mark.parametrize(
    ("profile", "reason"),
    [("silent", "no answer to MSP_FC_VARIANT"), ("drops_link", "lost the flight controller")],
)
def test_a_board_that_cannot_be_tested_is_an_error_with_the_transcript(
    board: Callable[[str], str], profile: str, reason: str
) -> None:
    result = run_check(board(profile), DEFAULT_LIMITS, GOLDEN)

    assert (result.verdict, result.document().exit_code) == ("error", 2)
    assert reason in result.reason
    assert result.measurements == []  # nothing half-done is judged
    document = result.document().to_json()
    assert document["verdict"] == "error" and document["measurements"] == []
    assert any(e["direction"] == "tx" and e["kind"] == "msp" for e in document["transcript"])
    assert document["transcript"][-1]["data"] == f"could not test: {result.reason}"


def test_a_port_that_cannot_be_opened_is_an_error_with_the_reason() -> None:
    with socket.socket() as probe_socket:  # a port nothing listens on
        probe_socket.bind(("127.0.0.1", 0))
        url = f"socket://127.0.0.1:{probe_socket.getsockname()[1]}"

    result = run_check(url, DEFAULT_LIMITS, None)

    assert result.verdict == "error" and result.reason.startswith(f"cannot open {url}")


def test_the_json_document_has_probe_measurements_changes_limits_and_transcript(
    simulator: Start, bench_limits: Limits
) -> None:
    document = json.loads(
        json.dumps(
            run_check(simulator("config_drift").url, bench_limits, GOLDEN).document().to_json()
        )
    )

    assert document["verdict"] == "fail" and document["probe"]["variant"] == "BTFL"
    assert document["limits"]["gyro"]["max_std_dps"] == 2.0
    assert {c["kind"] for c in document["config_changes"]} == {"changed", "extra", "missing"}
    kinds = {(e["direction"], e["kind"]) for e in document["transcript"]}
    assert {("tx", "msp"), ("rx", "msp"), ("tx", "cli"), ("rx", "cli")} <= kinds


def test_an_inav_board_is_checked_against_its_own_golden_through_its_reboot(
    simulator: Start,
) -> None:
    result = run_check(
        simulator("inav-9+config_drift").url, DEFAULT_LIMITS, diff_all_text("inav-9")
    )

    assert [m.name for m in result.failed] == ["config_diff"]
    assert any("reboot" in e.data for e in result.transcript.entries if e.kind == "note")


def test_the_check_runs_over_a_real_pseudo_terminal(
    pty_simulator: Callable[..., PtySimulator], bench_limits: Limits
) -> None:
    result = run_check(pty_simulator("healthy").path, bench_limits, GOLDEN)

    assert result.verdict == "pass", result.reason


def test_an_inav_bench_board_passes_the_default_limits(simulator: Start) -> None:
    result = run_check(simulator("inav-9").url, DEFAULT_LIMITS, diff_all_text("inav-9"))

    assert (result.verdict, result.document().exit_code) == ("pass", 0), result.reason
    assert result.probe is not None and result.probe.arming_disable_flags == [
        "SENSORS_CALIBRATING",
        "RC_LINK",
    ]


def test_the_inav_sitl_as_it_is_fails_only_for_its_uncalibrated_accelerometer(
    simulator: Start,
) -> None:
    result = run_check(simulator("inav-9-sitl").url, DEFAULT_LIMITS, None)

    assert [m.name for m in result.failed] == ["arming_flags"]
    assert result.failed[0].detail == "not allowed: ACCELEROMETER_NOT_CALIBRATED"


@pytest.mark.parametrize(
    ("fault", "failing_names"),
    [
        ("no_gyro", ["sensors", "arming_flags", "gyro_noise_x", "gyro_noise_y", "gyro_noise_z"]),
        ("noisy_gyro", ["gyro_noise_x", "gyro_noise_y", "gyro_noise_z"]),
        ("low_battery", ["battery"]),
        ("arming_blocked", ["arming_flags"]),
        ("config_drift", ["config_diff"]),
    ],
)
def test_each_faulty_inav_board_fails_only_by_its_fault(
    simulator: Start, fault: str, failing_names: list[str]
) -> None:
    result = run_check(simulator(f"inav-9+{fault}").url, DEFAULT_LIMITS, diff_all_text("inav-9"))

    assert (result.verdict, [m.name for m in result.failed]) == ("fail", failing_names), (
        result.reason
    )


def test_the_cli_waits_derive_from_the_timeout() -> None:
    assert cli_timeouts(0.5) == (2.0, 10.0)  # the defaults as they were
    assert cli_timeouts(0.05) == (1.0, 4.0)  # with floors for a real board
    assert cli_timeouts(2.0) == (8.0, 40.0)


def test_timeout_reaches_the_cli_stage(simulator: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    from firmware_checks import bench_run

    seen: dict[str, float] = {}
    real = bench_run.CliSession

    def spy(fc: FlightController, **options: float) -> object:
        seen.update(options)
        return real(fc, **options)

    monkeypatch.setattr(bench_run, "CliSession", spy)
    result = run_check(simulator("healthy").url, DEFAULT_LIMITS, GOLDEN, timeout=1.5)

    assert result.verdict == "pass", result.reason
    assert seen == {"timeout": 6.0, "reboot_timeout": 30.0}
