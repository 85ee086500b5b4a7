"""probe() and sample_raw_imu() against recorded answers of each firmware, over a real socket."""

from __future__ import annotations

import json

import pytest
from replay_peer import ReplayPeer

from firmware_checks.client import FlightController
from firmware_checks.errors import NoResponse
from firmware_checks.msp import Cmd, FrameDecoder
from firmware_checks.probe import EscReading, ProbeResult, probe, sample_raw_imu


@pytest.fixture
def fc_for():
    opened = []

    def make(firmware, behaviour=None):
        peer = ReplayPeer(firmware, behaviour)
        fc = FlightController.open(peer.serve_tcp(), timeout=0.3)
        opened.append((fc, peer))
        return fc

    yield make
    for fc, peer in opened:
        fc.close()
        peer.stop()


def test_betaflight_4_5(fc_for):
    result = probe(fc_for("betaflight-4.5.5"))
    assert (result.variant, result.version, result.api_version) == ("BTFL", "4.5.5", "1.46")
    assert (result.board_id, result.target) == ("SITL", "SITL")
    assert (result.build_date, result.build_time, result.git_revision) == (
        "Nov 27 2026",
        "13:48:09",
        "4adbd3e",
    )
    assert result.uid == "000000000100000002000000"
    assert result.craft_name == ""
    assert result.sensors == ["gyro", "acc", "baro"]
    assert result.arming_disable_flags == ["BOOTGRACE"]
    assert result.armed is False
    assert (result.battery_voltage, result.cell_count, result.current, result.battery_state) == (
        0.0,
        0,
        0.0,
        "INIT",
    )
    assert result.attitude == (0.0, 0.0, 0.0)
    assert result.rc_channels == [1500, 1500, 1500, 885] + [1500] * 14
    assert result.motors == [0] * 8
    assert result.rpm == [0, 0, 0, 0]
    # The SITL has no ESCs: Betaflight sends every field, as 0.
    assert result.esc == [EscReading(0, 0.0, 0, 0.0, 0.0, 0)] * 4
    assert result.unsupported == [] and result.problems == []


def test_betaflight_2025_12_version_string(fc_for):
    result = probe(fc_for("betaflight-2025.12.5"))
    assert (result.version, result.api_version, result.git_revision) == (
        "2025.12.5",
        "1.47",
        "7348054",
    )
    assert result.arming_disable_flags == ["BOOTGRACE"]


@pytest.mark.parametrize("firmware", ["betaflight-4.5.5", "betaflight-2025.12.5", "inav-9.0.1"])
def test_probe_asks_each_fact_once(firmware):
    peer = ReplayPeer(firmware)
    try:
        with FlightController.open(peer.serve_tcp(), timeout=0.3) as fc:
            result = probe(fc)
    finally:
        peer.stop()
    frames = [FrameDecoder().feed(request)[0] for request in peer.requests]
    batches = [f for f in frames if f.cmd == Cmd.MSP_MULTIPLE_MSP]
    asked = [f.cmd for f in frames if f.cmd != Cmd.MSP_MULTIPLE_MSP] + [
        c for b in batches for c in b.payload
    ]
    if firmware.startswith("betaflight"):
        # The variant alone, then every other fact in one MSP_MULTIPLE_MSP batch.
        assert result.requests == fc.requests_sent == 2 and len(batches) == 1
        assert len(asked) == len(set(asked)) == 13
    else:
        # INAV refuses the batch; each fact is then asked alone, once.
        # MSP2_INAV_ESC_RPM is v2 and INAV-only: one more, alone.
        assert result.requests == fc.requests_sent == 15 and len(batches) == 1
        assert len(asked) - len(batches[0].payload) == len(set(asked)) == 14


def test_inav(fc_for):
    result = probe(fc_for("inav-9.0.1"))
    assert (result.variant, result.version, result.api_version) == ("INAV", "9.0.1", "2.5")
    assert result.git_revision == "d44f2cf6"
    assert result.arming_disable_flags == [
        "SENSORS_CALIBRATING",
        "ACCELEROMETER_NOT_CALIBRATED",
        "RC_LINK",
    ]
    assert result.sensors == ["gyro", "acc", "baro", "mag", "temp"]
    assert (result.battery_voltage, result.cell_count, result.battery_state) == (
        0.0,
        0,
        "NOT_PRESENT",
    )
    assert result.rpm is None and result.esc is None
    # Not in the INAV transcripts, so the stand-in answers with error frames for them.
    assert result.unsupported == ["MSP_SENSOR_STATUS", "MSP2_INAV_ESC_RPM", "MSP_RC", "MSP_MOTOR"]
    assert result.rc_channels is None


def test_unsupported_optional_fact_leaves_it_none(fc_for):
    def no_telemetry(request, answer):
        return bytes.fromhex("244d21008b8b") if request == bytes.fromhex("244d3c008b8b") else answer

    result = probe(fc_for("betaflight-4.5.5", no_telemetry))
    assert (
        result.rpm is None and result.esc is None and result.unsupported == ["MSP_MOTOR_TELEMETRY"]
    )


def test_a_silent_flight_controller_ends_the_probe(fc_for):
    with pytest.raises(NoResponse):
        probe(fc_for("betaflight-4.5.5", lambda request, answer: None))


def test_to_dict_is_one_json_document(fc_for):
    data = probe(fc_for("betaflight-4.5.5")).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["attitude"] == [0.0, 0.0, 0.0] and data["variant"] == "BTFL"


def test_sample_raw_imu(fc_for):
    samples = sample_raw_imu(fc_for("betaflight-4.5.5"), 5)
    assert len(samples) == 5 and all(s.gyro == (0, 0, 0) for s in samples)


def test_probe_names_arming_flags_by_the_boards_api_version(simulator):
    """A Betaflight 4.4 (MSP API 1.45) board: bit 20 is RPMFILTER there, not DSHOT_TELEM."""
    import dataclasses

    from firmware_checks.client import FlightController
    from firmware_checks.simulator import get_profile

    base = get_profile("betaflight-4.5")
    old = dataclasses.replace(
        base,
        name="betaflight-4.4-like",
        flavour=dataclasses.replace(base.flavour, api=(1, 45)),
        bench=dataclasses.replace(base.bench, arming_flags=("BOOTGRACE", "DSHOT_TELEM")),
    )
    with FlightController.open(simulator(old).url) as fc:
        result = probe(fc)
    assert result.api_version == "1.45"
    assert result.arming_disable_flags == ["BOOTGRACE", "RPMFILTER"]


# ESC telemetry ------------------------------------------------------------------------------------


def test_betaflight_esc_telemetry_carries_every_field(simulator):
    with FlightController.open(simulator("healthy").url) as fc:
        fc.request(
            Cmd.MSP_SET_MOTOR, b"".join(v.to_bytes(2, "little") for v in (1500, 1000, 1000, 1000))
        )
        result = probe(fc)
    assert result.esc is not None and len(result.esc) == 4
    spinning, stopped = result.esc[0], result.esc[1]
    assert result.rpm == [e.rpm for e in result.esc] and spinning.rpm and spinning.rpm > 0
    # The simulator's ESCs: 31 C, the battery voltage, 6 A at full throttle (squared).
    assert (spinning.temperature_c, spinning.invalid_percent, spinning.consumption_mah) == (
        31,
        0.0,
        0,
    )
    assert spinning.voltage == result.battery_voltage and spinning.current == 1.5
    assert (stopped.rpm, stopped.current) == (0, 0.0)
    data = result.to_dict()
    assert data["esc"][0] == {"rpm": spinning.rpm, "invalid_percent": 0.0, "temperature_c": 31,
                              "voltage": spinning.voltage, "current": 1.5,
                              "consumption_mah": 0}  # fmt: skip
    assert json.loads(json.dumps(data)) == data


def test_inav_esc_rpm_is_asked_and_only_rpm_is_reported(simulator):
    with FlightController.open(simulator("inav-9").url) as fc:
        result = probe(fc)
    assert "MSP2_INAV_ESC_RPM" not in result.unsupported and result.problems == []
    assert result.rpm == [0, 0, 0, 0]
    assert result.esc == [EscReading(rpm=0)] * 4  # temperature, voltage, ...: None


def test_inav_simulator_answers_esc_rpm_from_its_motors(simulator):
    from firmware_checks.messages import InavEscRpm
    from firmware_checks.simulator import FLAVOURS, Bench, Profile

    inav_with_esc_sensor = Profile("inav-9-esc", FLAVOURS["inav-9"], Bench(dshot_telemetry=True))
    with FlightController.open(simulator(inav_with_esc_sensor).url) as fc:
        fc.request(
            Cmd.MSP_SET_MOTOR, b"".join(v.to_bytes(2, "little") for v in (1000, 1600, 1000, 1000))
        )
        rpm = fc.ask(InavEscRpm).rpm
    assert len(rpm) == 4  # one u32 a motor
    assert rpm[0] == rpm[2] == rpm[3] == 0 and rpm[1] > 0


def test_inav_esc_rpm_layout():
    from firmware_checks.messages import InavEscRpm

    payload = bytes.fromhex("e803000000000000a0860100")
    assert InavEscRpm.decode(payload) == InavEscRpm((1000, 0, 100000))
    assert InavEscRpm.decode(payload + b"\x07").extra == b"\x07"  # a partial value is kept raw
    assert InavEscRpm((1000, 0, 100000)).encode() == payload
    assert Cmd.MSP2_INAV_ESC_RPM == 0x2040


def test_probe_text_shows_each_escs_telemetry():
    from firmware_checks.commands.probe import render_probe

    base = {
        "variant": "BTFL",
        "version": "4.5.5",
        "api_version": "1.46",
        "board_id": "SITL",
        "target": "SITL",
    }
    betaflight = ProbeResult(**base, rpm=[12000], esc=[EscReading(12000, 1.25, 31, 16.8, 2.5, 7)])
    inav = ProbeResult(**{**base, "variant": "INAV"}, rpm=[900], esc=[EscReading(rpm=900)])
    bf_line = [line for line in render_probe(betaflight).splitlines() if line.startswith("ESC 1 ")]
    inav_line = [line for line in render_probe(inav).splitlines() if line.startswith("ESC 1 ")]
    assert (
        bf_line
        and bf_line[0].split(None, 2)[2]
        == "12000 rpm, invalid 1.25 %, 31 C, 16.80 V, 2.50 A, 7 mAh"
    )
    assert (
        inav_line and inav_line[0].split(None, 2)[2] == "900 rpm, invalid - %, - C, - V, - A, - mAh"
    )
    nothing = render_probe(ProbeResult(**base))
    assert "ESC rpm" in nothing and "not reported" in nothing and "ESC 1 " not in nothing
