"""Payload decoders against every answer in the real firmware transcripts, field by field.

The transcripts' `decoded` fields are a second opinion; where they disagree with the bytes, the
bytes win and the test says why (see INAV_REVISION).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import pytest
from transcripts import load_exchanges

from firmware_checks import messages as m
from firmware_checks.errors import ProtocolError
from firmware_checks.msp import FrameDecoder


def answer_payload(ex) -> bytes:
    (frame,) = FrameDecoder().feed(ex.response)
    return frame.payload


def decode(ex, payload: bytes):
    """As the probe decodes: it knows the variant, so it tells BuildInfo the revision length."""
    if ex.cmd == m.Cmd.MSP_BUILD_INFO:
        return m.BuildInfo.decode(payload, revision_length=8 if ex.is_inav else 7)
    return message_type(ex).decode(payload)


def message_type(ex) -> type:
    if ex.is_inav and ex.cmd == m.Cmd.MSP_STATUS_EX:
        return m.InavStatusEx
    return m.MESSAGES[m.Cmd(ex.cmd)]


def _status_fields(s: m.StatusEx) -> dict[str, Any]:
    return {
        "cycle_time_us": s.cycle_time_us, "i2c_errors": s.i2c_errors,
        "sensors_mask": s.sensors_mask, "sensors": s.sensors,
        "flight_mode_flags_lo32": s.flight_mode_flags & 0xFFFFFFFF, "pid_profile": s.pid_profile,
        "cpu_load": s.cpu_load_percent, "extra_mode_flag_bytes": s.extra_mode_flag_bytes,
        "extra_mode_flags_hex":
            (s.flight_mode_flags >> 32).to_bytes(s.extra_mode_flag_bytes, "little").hex(),
        "arming_disable_flags_count": s.arming_disable_flags_count,
        "arming_disable_flags": s.arming_disable_flags,
        "arming_disable_names": s.arming_disable_flag_names,
        "config_state_flags": s.config_state_flags, "cpu_temp_c": s.cpu_temp_c,
        "control_rate_profile_count": s.control_rate_profile_count,
    }  # fmt: skip


def status_fields(s: m.FcStatus) -> dict[str, Any]:
    return _status_fields(s) | {"gyro_cycle_time": s.gyro_cycle_time}


def status_ex_fields(s: m.StatusEx) -> dict[str, Any]:
    return _status_fields(s) | {
        "pid_profile_count": s.pid_profile_count,
        "rate_profile": s.rate_profile,
    }


def board_fields(b: m.BoardInfo) -> dict[str, Any]:
    return {
        "board_identifier": b.board_identifier, "hardware_revision": b.hardware_revision,
        "fc_type": b.fc_type, "target_capabilities": b.target_capabilities,
        "target_name": b.target_name, "board_name": b.board_name,
        "manufacturer_id": b.manufacturer_id,
        "signature_hex": b.signature.hex() if b.signature is not None else None,
        "mcu_type_id": b.mcu_type_id, "configuration_state": b.configuration_state,
        "gyro_sample_rate_hz": b.gyro_sample_rate_hz,
        "configuration_problems": b.configuration_problems,
        "spi_device_count": b.spi_device_count, "i2c_device_count": b.i2c_device_count,
    }  # fmt: skip


def battery_fields(b: m.BatteryState) -> dict[str, Any]:
    return {
        "cell_count": b.cell_count, "capacity_mah": b.capacity_mah,
        "vbat_legacy_0.1V": b.vbat_decivolts, "mah_drawn": b.mah_drawn,
        "amperage_0.01A": b.amperage_centiamps, "battery_state": b.state,
        "vbat_0.01V": b.vbat_centivolts,
    }  # fmt: skip


def motor_telemetry_fields(t: m.MotorTelemetry) -> dict[str, Any]:
    return {
        "motor_count": len(t.motors),
        "motors": [
            {"rpm": e.rpm, "invalid_pct_0.01": e.invalid_percent_centi, "temp_c": e.temperature_c,
             "voltage_0.01V": e.voltage_centivolts, "current_0.01A": e.current_centiamps,
             "consumption_mah": e.consumption_mah}
            for e in t.motors
        ],
    }  # fmt: skip


# In the fixture vocabulary: what each decoded message says.
FIELDS: dict[type, Callable[[Any], dict[str, Any]]] = {
    m.ApiVersion: lambda a: {
        "msp_protocol": a.msp_protocol, "api_major": a.api_major, "api_minor": a.api_minor,
    },
    m.FcVariant: lambda v: {"variant": v.variant},
    m.FcVersion: lambda v: {
        "major": v.major, "minor": v.minor, "patch": v.patch, "version_string": v.version_string,
    },
    m.BoardInfo: board_fields,
    m.BuildInfo: lambda b: {
        "build_date": b.build_date, "build_time": b.build_time,
        "git_short_revision": b.git_revision, "build_option_ids": list(b.build_option_ids),
    },
    m.Name: lambda n: {"craft_name": n.craft_name},
    m.FcStatus: status_fields,
    m.StatusEx: status_ex_fields,
    m.InavStatusEx: lambda s: {
        "cycle_time_us": s.cycle_time_us, "i2c_errors": s.i2c_errors,
        "sensor_status": s.sensors_mask, "box_mode_flags_lo32": s.box_mode_flags,
        "profile": s.profile, "cpu_load": s.cpu_load_percent,
        "arming_flags_lo16": s.arming_flags, "acc_calib_axis_flags": s.acc_calibration_axis_flags,
    },
    m.RawImu: lambda i: {"acc": list(i.acc), "gyro_dps": list(i.gyro), "mag": list(i.mag)},
    m.Motor: lambda o: {"motor": list(o.outputs)},
    m.Rc: lambda r: {"channels": list(r.channels)},
    m.Attitude: lambda a: {
        "roll_decideg": a.roll_decidegrees, "pitch_decideg": a.pitch_decidegrees,
        "yaw_deg": a.yaw_degrees,
    },
    m.Analog: lambda a: {
        "vbat_legacy_0.1V": a.vbat_decivolts, "mah_drawn": a.mah_drawn, "rssi_0_1023": a.rssi,
        "amperage_0.01A": a.amperage_centiamps, "vbat_0.01V": a.vbat_centivolts,
    },
    m.BatteryState: battery_fields,
    m.McuUniqueId: lambda u: {"uid_words": list(u.words), "uid_hex": u.hex},
    m.SensorConfig: lambda s: {
        "acc_hardware": s.acc_hardware, "baro_hardware": s.baro_hardware,
        "mag_hardware": s.mag_hardware, "rangefinder_hardware": s.rangefinder_hardware,
        "opticalflow_hardware": s.opticalflow_hardware,
    },
    m.FeatureConfig: lambda f: {
        "features_mask": f.features_mask, "features": f.betaflight_features,
    },
    m.MotorConfig: lambda c: {
        "minthrottle_or_0": c.min_throttle, "maxthrottle": c.max_throttle,
        "mincommand": c.min_command, "motor_count": c.motor_count,
        "motor_pole_count": c.motor_pole_count,
        "use_dshot_telemetry": int(bool(c.use_dshot_telemetry)),
        "esc_sensor_enabled": int(bool(c.esc_sensor_enabled)),
    },
    m.MotorTelemetry: motor_telemetry_fields,
    m.SensorConfigActive: lambda s: {
        "gyro": s.gyro, "acc": s.acc, "baro": s.baro, "mag": s.mag,
        "rangefinder": s.rangefinder, "opticalflow": s.opticalflow,
    },
    m.McuInfo: lambda i: {"mcu_type_id": i.mcu_type_id, "mcu_name": i.mcu_name},
    m.InavStatus: lambda s: {
        "cycle_time_us": s.cycle_time_us, "i2c_errors": s.i2c_errors,
        "sensor_status": s.sensors_mask, "cpu_load": s.cpu_load_percent, "profile": s.profile,
        "battery_profile": s.battery_profile,
        "arming_flags": s.arming_flags, "arming_flag_names": s.arming_disable_flag_names,
        "active_modes_hex": s.active_modes.hex(), "mixer_profile": s.mixer_profile,
    },
    m.InavAnalog: lambda a: {
        "battery_flags": a.battery_flags, "vbat_0.01V": a.vbat_centivolts,
        "amperage_0.01A": a.amperage_centiamps,
        "power_mW": a.power_milliwatts, "mah_drawn": a.mah_drawn, "mwh_drawn": a.mwh_drawn,
        "remaining_capacity": a.remaining_capacity, "percentage": a.percentage, "rssi": a.rssi,
    },
}  # fmt: skip

# The transcript's second opinion cut INAV's git revision to Betaflight's 7 characters; the
# bytes carry 8 ("d44f2cf6", as the fixture README names the build).
INAV_REVISION = {"git_short_revision": "d44f2cf6"}
# Answers the transcript left undecoded, read by hand from the bytes (INAV's MSP_BOARD_INFO
# stops after the target name: "SITL", revision 0, OSD support 2, capabilities 0, "SITL").
READ_BY_HAND = {
    ("inav-9.0.1", "MSP_BOARD_INFO"): {
        "board_identifier": "SITL", "hardware_revision": 0, "fc_type": 2,
        "target_capabilities": 0, "target_name": "SITL",
    },
}  # fmt: skip
# Fields the transcript notes but does not decode (INAV numbers its features differently).
NOT_DECODED = {"_frame", "_note"}

PAYLOAD_ANSWERS = [
    e for e in load_exchanges()
    if e.response is not None and not e.decoded.get("_error") and "v2_inner" not in e.decoded
]  # fmt: skip


@pytest.mark.parametrize("ex", PAYLOAD_ANSWERS, ids=lambda e: e.id)
def test_decoder_agrees_with_the_transcript_field_by_field(ex):
    decoded = decode(ex, answer_payload(ex))
    ours = FIELDS[type(decoded)](decoded)
    expected = {k: v for k, v in ex.decoded.items() if k not in NOT_DECODED}
    expected |= READ_BY_HAND.get((ex.firmware, ex.name), {})
    if ex.is_inav and ex.cmd == m.Cmd.MSP_BUILD_INFO:
        expected |= INAV_REVISION
    if ex.is_inav and ex.cmd == m.Cmd.MSP_FEATURE_CONFIG:
        ours.pop("features")
    for key, value in expected.items():
        assert ours.get(key, "missing") == value, key
    unexpected = {k for k, v in ours.items() if k not in expected and v is not None}
    assert not unexpected, f"decoded fields the transcript does not have: {unexpected}"
    assert decoded.extra == b"" if hasattr(decoded, "extra") else True


@pytest.mark.parametrize("ex", PAYLOAD_ANSWERS, ids=lambda e: e.id)
def test_encode_gives_back_the_exact_payload(ex):
    payload = answer_payload(ex)
    assert message_type(ex).decode(payload).encode() == payload


@pytest.mark.parametrize("tail", [b"\x07", b"\x07\x08\x09", bytes(range(40))], ids=len)
@pytest.mark.parametrize(
    "ex", [e for e in PAYLOAD_ANSWERS if e.cmd != m.Cmd.MSP_NAME], ids=lambda e: e.id
)
def test_a_newer_firmware_s_longer_payload_keeps_every_known_field(ex, tail):
    message = message_type(ex)
    known = FIELDS[message](decode(ex, answer_payload(ex)))
    grown = decode(ex, answer_payload(ex) + tail)
    assert grown.encode() == answer_payload(ex) + tail  # nothing dropped
    for key, value in FIELDS[message](grown).items():
        if isinstance(known[key], list) and key != "sensors":  # counts grow: channels, options
            assert value[: len(known[key])] == known[key], key
        elif known[key] is not None:  # an optional field may now be there
            assert value == known[key], key


FIXED_PART_TYPES = [
    t for t in m.MESSAGES.values() if t not in (m.Name, m.Rc, m.Motor, m.InavEscRpm)
] + [m.InavStatusEx]


@pytest.mark.parametrize("message", FIXED_PART_TYPES, ids=lambda t: t.__name__)
def test_a_payload_shorter_than_the_fixed_part_is_a_protocol_error(message):
    with pytest.raises(ProtocolError, match="shorter than"):
        message.decode(b"\x01")


def test_build_info_guesses_the_revision_length_from_the_payload_length():
    # Betaflight: 26 bytes + 2 a build option (even); INAV: 27 (an 8-character revision).
    assert m.BuildInfo.decode(b"Feb 14 202600:14:07d44f2cf6").git_revision == "d44f2cf6"
    assert m.BuildInfo.decode(b"Nov 27 202613:46:367348054\x1f\x40").git_revision == "7348054"


def test_rc_and_motor_take_any_count_and_name_takes_any_length():
    assert m.Rc.decode(b"").channels == ()
    assert m.Motor.decode(b"\xe8\x03\xd0\x07").outputs == (1000, 2000)
    assert m.Name.decode(b"QUAD-07").craft_name == "QUAD-07"


def test_fc_version_string_appears_from_2025_12():
    assert str(m.FcVersion.decode(bytes([4, 5, 5]))) == "4.5.5"
    assert m.FcVersion.decode(bytes([4, 5, 5])).version_string is None
    assert str(m.FcVersion.decode(bytes([25, 12, 5, 9]) + b"2025.12.5")) == "2025.12.5"


def test_status_ex_keeps_extra_flight_mode_bytes_above_bit_31():
    status = m.StatusEx(0, 0, 0x23, 1, 0, 5, 4, 0, 29, 1 << 25, 0, 40, 4, extra_mode_flag_bytes=2)
    status = m.StatusEx.decode(
        m.StatusEx(**{**status.__dict__, "flight_mode_flags": 1 | 0xBEEF << 32}).encode()
    )
    assert status.flight_mode_flags >> 32 == 0xBEEF and status.armed
    assert status.arming_disable_flag_names == ["FLIP_SWITCH"]


def test_mode_byte_count_uses_only_its_low_nibble():
    base = m.StatusEx(0, 0, 0, 0, 0, 0, 4, 0, 26, 0, 0).encode()
    # Byte 15 is the extra flight mode byte count; its high nibble is reserved.
    payload = base[:15] + bytes([0xF0]) + base[16:]
    assert m.StatusEx.decode(payload).arming_disable_flags_count == 26


@pytest.mark.parametrize(
    ("count", "last_names"),
    [
        (26, ["MOTOR_PROTO", "ARMSWITCH"]),
        (29, ["MOTOR_PROTO", "FLIP_SWITCH", "ALT_HOLD_SW", "POS_HOLD_SW", "ARM_SWITCH"]),
        (
            30,
            [
                "MOTOR_PROTO",
                "FLIP_SWITCH",
                "ALT_HOLD_SW",
                "POS_HOLD_SW",
                "AUTOPILOT_SW",
                "ARM_SWITCH",
            ],
        ),
    ],
)
def test_arming_flag_names_follow_the_count_byte(count, last_names):
    everything = (1 << count) - 1
    names = m.betaflight_arming_disable_names(everything, count)
    assert len(names) == count and names[0] == "NOGYRO" and names[9] == "BOOTGRACE"
    assert names[-len(last_names) :] == last_names


def test_unknown_arming_bits_are_reported_not_dropped():
    assert m.betaflight_arming_disable_names(1 << 9 | 1 << 27, 26) == ["BOOTGRACE", "BIT27"]
    assert m.betaflight_arming_disable_names(1 << 0 | 1 << 31, 31) == [
        "NOGYRO",
        "BIT31",
    ]  # a count never seen
    assert m.inav_arming_disable_names(1 << 2 | 1 << 14 | 1 << 17 | 1 << 31) == [
        "ARM_SWITCH",
        "BIT17",
        "BIT31",
    ]


@pytest.mark.parametrize(
    ("count", "named_up_to"),
    [(27, 26), (28, 26), (29, 29), (31, 30), (40, 30), (20, 25), (0, 25)],
)
def test_an_unknown_count_keeps_the_names_of_the_longest_table_it_covers(count, named_up_to):
    # A healthy board of a Betaflight never seen (or a fork with one more flag) at the bench.
    assert m.betaflight_arming_disable_names(1 << 2 | 1 << 9, count) == ["RXLOSS", "BOOTGRACE"]
    names = m.betaflight_arming_disable_names((1 << 32) - 1, count)
    assert names[:25] == m.betaflight_arming_disable_names((1 << 25) - 1, 26)  # never renamed
    assert [n for n in names if n.startswith("BIT")] == [f"BIT{b}" for b in range(named_up_to, 32)]


def _status_ex_payload(count: int, flags: int) -> bytes:
    """MSP_STATUS_EX built by hand, field by field as Betaflight's msp.c writes it."""
    return (
        struct.pack(
            "<HHHIBH", 125, 0, 0b100011, 0, 0, 12
        )  # cycle, i2c, sensors, modes, pid profile, load
        + bytes([4, 0])  # pid profile count, rate profile
        + bytes([0])  # extra flight mode bytes
        + bytes([count])
        + struct.pack("<I", flags)  # arming-disable count and mask
        + bytes([0])  # config state
        + struct.pack("<H", 40)
        + bytes([4])  # CPU temperature, rate profile count
    )


@pytest.mark.parametrize(
    ("api", "names"),
    [
        ((1, 44), ["RXLOSS", "BADRX", "BOOTGRACE", "RPMFILTER", "ARMSWITCH"]),  # Betaflight 4.3
        ((1, 45), ["RXLOSS", "BADRX", "BOOTGRACE", "RPMFILTER", "ARMSWITCH"]),  # Betaflight 4.4
        ((1, 46), ["RXLOSS", "NOT_DISARMED", "BOOTGRACE", "DSHOT_TELEM", "ARMSWITCH"]),  # 4.5
        (None, ["RXLOSS", "NOT_DISARMED", "BOOTGRACE", "DSHOT_TELEM", "ARMSWITCH"]),
    ],
)
def test_arming_flag_names_follow_the_api_version(api, names):
    status = m.StatusEx.decode(_status_ex_payload(26, 1 << 2 | 1 << 3 | 1 << 9 | 1 << 20 | 1 << 25))
    assert status.arming_disable_flags_count == 26 and status.cpu_temp_c == 40
    assert status.arming_disable_flag_names_for(api) == names


def test_the_old_names_apply_to_an_unknown_count_too():
    assert m.betaflight_arming_disable_names(1 << 3 | 1 << 20 | 1 << 27, 28, (1, 45)) == [
        "BADRX",
        "RPMFILTER",
        "BIT27",
    ]


def test_inav_armed_is_a_state_bit_not_a_reason():
    status = m.InavStatus(0, 0, 0, 0, 0, 0, 1 << 2 | 1 << 3, bytes(8), 0)
    assert status.armed and status.arming_disable_flag_names == []


def test_sensor_names_by_firmware():
    assert m.StatusEx(0, 0, 0b100111, 0, 0, 0, 4, 0, 26, 0, 0).sensors == [
        "ACC",
        "BARO",
        "MAG",
        "GYRO",
    ]
    inav = m.InavStatus(0, 0, 0x8000 | 0b1001, 0, 0, 0, 0, bytes(8))
    assert inav.sensors == ["ACC", "GPS"] and not inav.hardware_healthy


def test_battery_units():
    battery = m.BatteryState(4, 1500, 168, 12, -250, 0, 1680)
    assert (battery.voltage, battery.current, battery.state_name) == (16.8, -2.5, "OK")
    assert m.Analog(168, 0, 0, 150).voltage == 16.8  # INAV: only the 0.1 V field
    assert m.InavAnalog(4 << 4 | 1 << 2, 1512, 90, 0, 0, 0, 0, 0, 0).cell_count == 4
