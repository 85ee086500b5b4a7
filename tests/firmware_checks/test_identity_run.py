"""read_identity: the flashing stage's reading of a board over a real TCP socket."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from firmware_checks.bench_run import IDENTITY_STEPS, read_identity
from firmware_checks.limits import DEFAULT_LIMITS, BoardLimits, FirmwareLimits
from firmware_checks.simulator import SimulatorServer, uid_for

Start = Callable[..., SimulatorServer]
SITL_BOARD = dataclasses.replace(DEFAULT_LIMITS, board=BoardLimits(board_id="SITL", target="SITL"))


def test_a_board_with_the_right_firmware_passes_and_its_mcu_uid_is_read(simulator: Start) -> None:
    steps: list[str] = []
    server = simulator("healthy", uid=(0x11223344, 0x55667788, 0x99AABBCC))

    result = read_identity(server.url, SITL_BOARD, progress=steps.append)

    assert (result.verdict, result.document().exit_code) == ("pass", 0)
    assert [m.name for m in result.measurements] == [
        "firmware_variant",
        "firmware_version",
        "board_id",
        "target",
    ]
    assert result.probe is not None and result.probe.uid == "4433221188776655ccbbaa99"
    assert steps == list(IDENTITY_STEPS)
    document = result.document().to_json()
    assert document["probe"]["uid"] == result.probe.uid and document["config_changes"] is None


def test_each_simulated_board_has_its_own_uid(simulator: Start) -> None:
    first = read_identity(simulator("healthy", uid=uid_for("QF-0001")).url)
    second = read_identity(simulator("healthy", uid=uid_for("QF-0002")).url)
    again = read_identity(simulator("healthy", uid=uid_for("QF-0001")).url)

    assert first.probe and second.probe and again.probe
    assert first.probe.uid != second.probe.uid
    assert first.probe.uid == again.probe.uid


def test_a_wrong_target_fails_the_identity_with_that_measurement(simulator: Start) -> None:
    result = read_identity(simulator("wrong_target").url, SITL_BOARD)

    assert result.verdict == "fail"
    failed = {m.name: m.value for m in result.failed}
    assert failed == {"board_id": "S405", "target": "STM32F405"}
    assert "board_id" in result.reason and "target" in result.reason


def test_firmware_outside_the_allowed_range_fails(simulator: Start) -> None:
    too_new = dataclasses.replace(
        DEFAULT_LIMITS, firmware=FirmwareLimits(variants=("BTFL",), max_version={"BTFL": "4.5.5"})
    )

    result = read_identity(simulator("healthy").url, too_new)

    assert result.verdict == "fail"
    assert [(m.name, m.value, m.limit) for m in result.failed] == [
        ("firmware_version", "2025.12.5", ">= 4.3.0 and <= 4.5.5")
    ]


def test_identity_judges_nothing_but_identity_even_on_a_faulty_board(simulator: Start) -> None:
    result = read_identity(simulator("noisy_gyro").url)

    assert result.verdict == "pass"
    assert not any(m.name.startswith("gyro") for m in result.measurements)


def test_a_silent_board_cannot_be_tested_and_says_why(simulator: Start) -> None:
    result = read_identity(simulator("silent").url, timeout=0.1)

    assert (result.verdict, result.document().exit_code) == ("error", 2)
    assert result.measurements == [] and result.probe is None
    assert "no answer to MSP_FC_VARIANT" in result.reason
    assert result.transcript.entries[-1].data.startswith("could not test: ")
