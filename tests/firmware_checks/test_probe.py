"""probe() and sample_raw_imu() against recorded answers of each firmware, over a real socket."""

from __future__ import annotations

import json

import pytest
from replay_peer import ReplayPeer

from firmware_checks.client import FlightController
from firmware_checks.commands import Cmd
from firmware_checks.errors import NoResponse
from firmware_checks.msp import FrameDecoder
from firmware_checks.probe import probe, sample_raw_imu


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
    assert (result.build_date, result.build_time, result.git_revision) == ("Nov 27 2026", "13:48:09", "4adbd3e")
    assert result.uid == "000000000100000002000000"
    assert result.craft_name == ""
    assert result.sensors == ["gyro", "acc", "baro"]
    assert result.arming_disable_flags == ["BOOTGRACE"]
    assert result.armed is False
    assert (result.battery_voltage, result.cell_count, result.current, result.battery_state) == (0.0, 0, 0.0, "INIT")
    assert result.attitude == (0.0, 0.0, 0.0)
    assert result.rc_channels == [1500, 1500, 1500, 885] + [1500] * 14
    assert result.motors == [0] * 8
    assert result.rpm == [0, 0, 0, 0]
    assert result.unsupported == [] and result.problems == []


def test_betaflight_2025_12_version_string(fc_for):
    result = probe(fc_for("betaflight-2025.12.5"))
    assert (result.version, result.api_version, result.git_revision) == ("2025.12.5", "1.47", "7348054")
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
    asked = [f.cmd for f in frames if f.cmd != Cmd.MSP_MULTIPLE_MSP] + [c for b in batches for c in b.payload]
    if firmware.startswith("betaflight"):
        # The variant alone, then every other fact in one MSP_MULTIPLE_MSP batch.
        assert result.requests == fc.requests_sent == 2 and len(batches) == 1
        assert len(asked) == len(set(asked)) == 13
    else:
        # INAV refuses the batch; each fact is then asked alone, once.
        assert result.requests == fc.requests_sent == 14 and len(batches) == 1
        assert len(asked) - len(batches[0].payload) == len(set(asked)) == 13


def test_inav(fc_for):
    result = probe(fc_for("inav-9.0.1"))
    assert (result.variant, result.version, result.api_version) == ("INAV", "9.0.1", "2.5")
    assert result.git_revision == "d44f2cf6"
    assert result.arming_disable_flags == ["SENSORS_CALIBRATING", "ACCELEROMETER_NOT_CALIBRATED", "RC_LINK"]
    assert result.sensors == ["gyro", "acc", "baro", "mag", "temp"]
    assert (result.battery_voltage, result.cell_count, result.battery_state) == (0.0, 0, "NOT_PRESENT")
    assert result.rpm is None
    # Not in the INAV transcripts, so the stand-in answers with error frames for them.
    assert result.unsupported == ["MSP_SENSOR_STATUS", "MSP_RC", "MSP_MOTOR"]
    assert result.rc_channels is None


def test_unsupported_optional_fact_leaves_it_none(fc_for):
    def no_telemetry(request, answer):
        return bytes.fromhex("244d21008b8b") if request == bytes.fromhex("244d3c008b8b") else answer

    result = probe(fc_for("betaflight-4.5.5", no_telemetry))
    assert result.rpm is None and result.unsupported == ["MSP_MOTOR_TELEMETRY"]


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
