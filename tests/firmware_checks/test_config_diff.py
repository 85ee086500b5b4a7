"""config_diff against the `diff all` and `dump` of real firmware (tests/fixtures/firmware)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from firmware_checks.config_diff import (
    DEFAULT_IGNORE,
    ConfigChange,
    compare,
    is_ignored,
    parse_diff,
    render_changes,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "firmware"
FIRMWARE = ("betaflight-4.5.5", "betaflight-2025.12.5", "inav-9.0.1")


def cli_outputs(firmware: str, command: str) -> list[str]:
    """The output of each run of `command` in a fixture's CLI session, without echo and prompt."""
    steps = json.loads((FIXTURES / firmware / "cli_steps.json").read_text())
    outputs = []
    for step in steps:
        # The capture stored the newline it sent as the two characters backslash-n.
        if step["sent"].replace("\\n", "\n").strip() == command:
            echo, _, rest = step["text"].partition("\r\n")
            assert echo == command and rest.endswith("\r\n# ")
            outputs.append(rest[: -len("# ")])
    return outputs


@pytest.mark.parametrize("firmware", FIRMWARE)
def test_diff_all_of_real_firmware_parses_into_sections(firmware: str) -> None:
    config = parse_diff(cli_outputs(firmware, "diff all")[0])

    assert config.version is not None and config.version.split()[0] in ("Betaflight", "INAV/SITL")
    assert next(iter(config.sections)) == "master"
    feature = config.get("master", "feature GPS")
    assert feature is not None and feature.value == "off" and feature.line == "feature -GPS"
    if firmware.startswith("betaflight"):
        assert config.get("master", "mcu_id").value == "000000000000000100000002"  # type: ignore[union-attr]
        assert [s for s in config.sections if s != "master"] == [
            "profile 0", "profile 1", "profile 2", "profile 3",
            "rateprofile 0", "rateprofile 1", "rateprofile 2", "rateprofile 3",
        ]  # fmt: skip
        assert config.get("master", "profile (selected)").value == "0"  # type: ignore[union-attr]
    else:
        assert config.get("master", "set align_mag").value == "CW270FLIP"  # type: ignore[union-attr]
        assert config.get("master", "blackbox NAV_ACC").value == "off"  # type: ignore[union-attr]
        assert config.get("master", "blackbox SERVOS").value == "on"  # type: ignore[union-attr]
        assert "mixer_profile 2" in config.sections
        assert config.get("master", "battery_profile (selected)").value == "1"  # type: ignore[union-attr]


@pytest.mark.parametrize("firmware", ["betaflight-4.5.5", "betaflight-2025.12.5"])
def test_settings_changed_in_the_session_are_exactly_the_difference(firmware: str) -> None:
    # The fixture session ran `diff all`, then `set craft_name` and `set gyro_lpf1_static_hz`,
    # then `diff all` again.
    before, after = (parse_diff(text) for text in cli_outputs(firmware, "diff all"))

    changes = compare(after, golden=before, ignore=[])

    assert changes == [
        ConfigChange(
            "extra", "master", "set gyro_lpf1_static_hz", None, "set gyro_lpf1_static_hz = 200"
        ),
        ConfigChange("extra", "master", "set craft_name", None, "set craft_name = BENCH_QUAD_01"),
    ]


@pytest.mark.parametrize("firmware", ["betaflight-4.5.5", "betaflight-2025.12.5"])
def test_craft_name_is_ignored_by_default_as_per_unit(firmware: str) -> None:
    before, after = (parse_diff(text) for text in cli_outputs(firmware, "diff all"))

    changes = compare(after, golden=before)

    assert [c.key for c in changes] == ["set gyro_lpf1_static_hz"]


@pytest.mark.parametrize("firmware", FIRMWARE)
def test_a_diff_compared_with_itself_has_no_changes(firmware: str) -> None:
    text = cli_outputs(firmware, "diff all")[0]
    assert compare(parse_diff(text), parse_diff(text), ignore=[]) == []


def drift(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def test_a_drifted_copy_shows_exactly_the_changed_lines() -> None:
    golden_text = cli_outputs("betaflight-2025.12.5", "diff all")[1]
    drifted_text = drift(golden_text, {
        "set gyro_lpf1_static_hz = 200": "set gyro_lpf1_static_hz = 150",  # changed
        "feature -TELEMETRY\r\n": "",                                      # missing
        # extra, in profile 1
        "profile 1\r\n": "profile 1\r\n\r\n# profile 1\r\nset p_roll = 52\r\n",
        "mcu_id 000000000000000100000002": "mcu_id 0000000000000001000000ff",  # per unit: ignored
    })  # fmt: skip

    changes = compare(parse_diff(drifted_text), parse_diff(golden_text))

    assert changes == [
        ConfigChange("missing", "master", "feature TELEMETRY", "feature -TELEMETRY", None),
        ConfigChange(
            "changed",
            "master",
            "set gyro_lpf1_static_hz",
            "set gyro_lpf1_static_hz = 200",
            "set gyro_lpf1_static_hz = 150",
        ),
        ConfigChange("extra", "profile 1", "set p_roll", None, "set p_roll = 52"),
    ]
    assert render_changes(changes).splitlines() == [
        "master:",
        "  - feature -TELEMETRY    (missing: in golden, not on the board)",
        "  ~ set gyro_lpf1_static_hz = 150    (golden: set gyro_lpf1_static_hz = 200)",
        "profile 1:",
        "  + set p_roll = 52    (extra: on the board, not in golden)",
    ]


def test_a_feature_switched_on_differs_from_switched_off() -> None:
    golden = parse_diff("feature -GPS\nfeature TELEMETRY\n")
    actual = parse_diff("feature GPS\nfeature TELEMETRY\n")

    assert compare(actual, golden) == [
        ConfigChange("changed", "master", "feature GPS", "feature -GPS", "feature GPS"),
    ]


def test_dump_lets_the_last_feature_line_win_as_the_board_does() -> None:
    # `dump` first switches every feature off, then switches the enabled ones on.
    dump = cli_outputs("betaflight-4.5.5", "dump")[0]

    config = parse_diff(dump)

    assert config.get("master", "feature AIRMODE").value == "on"  # type: ignore[union-attr]
    assert config.get("master", "feature GPS").value == "off"  # type: ignore[union-attr]
    assert config.get("master", "serial 0").value == "1 115200 57600 0 115200"  # type: ignore[union-attr]
    assert config.get("master", "aux 19").value == "0 0 900 900 0 0"  # type: ignore[union-attr]
    assert config.get("profile 0", "set p_pitch").value == "47"  # type: ignore[union-attr]
    assert config.get("rateprofile 0", "set roll_srate").value == "67"  # type: ignore[union-attr]
    assert config.get("master", "set gyro_1_i2cbus").line == "set gyro_1_i2cBus = 0"  # type: ignore[union-attr]


def test_indexed_lines_are_compared_by_what_they_configure() -> None:
    golden = parse_diff(
        "resource MOTOR 1 A08\nserial UART1 64 115200 57600 0 115200\naux 0 0 0 1700 2100 0 0\n"
    )
    actual = parse_diff(
        "resource MOTOR 1 B06\nserial UART1 64 115200 57600 0 115200\naux 0 0 0 1800 2100 0 0\n"
    )

    assert [(c.kind, c.key) for c in compare(actual, golden)] == [
        ("changed", "resource MOTOR 1"),
        ("changed", "aux 0"),
    ]


def test_whitespace_and_name_case_do_not_count_as_changes() -> None:
    golden = parse_diff("set gyro_1_i2cBus = 0\nset  motor_pwm_protocol=DSHOT600\n")
    actual = parse_diff("set gyro_1_i2cbus = 0\r\nset motor_pwm_protocol = DSHOT600\r\n")

    assert compare(actual, golden) == []


def test_unknown_commands_compare_as_whole_lines() -> None:
    golden = parse_diff("vtx_power_table 25 200 500\nfrobnicate 1 2\n")
    actual = parse_diff("vtx_power_table 25 200 600\nfrobnicate 1 2\n")

    assert [(c.kind, c.expected or c.actual) for c in compare(actual, golden)] == [
        ("missing", "vtx_power_table 25 200 500"),
        ("extra", "vtx_power_table 25 200 600"),
    ]


def test_framing_lines_are_not_settings() -> None:
    config = parse_diff("batch start\ndefaults nosave\nset a = 1\nbatch end\nsave\n")
    assert [s.key for s in config.settings()] == ["set a"]


@pytest.mark.parametrize(
    ("pattern", "line", "ignored"),
    [
        ("set craft_name", "set craft_name = QUAD_7", True),
        ("set craft_name*", "set craft_name = QUAD_7", True),
        ("SET CRAFT_NAME", "set craft_name = QUAD_7", True),
        ("set stats_*", "set stats_total_flights = 12", True),
        ("mcu_id", "mcu_id 0035001f3133510a37363835", True),
        ("re:^set (craft|pilot)_name", "set pilot_name = ANNA", True),
        ("re:^set (craft|pilot)_name", "set osd_craft_name_pos = 2048", False),
        ("set craft_name", "set osd_craft_name_pos = 2048", False),
    ],
)
def test_ignore_patterns_are_globs_or_regular_expressions(
    pattern: str, line: str, ignored: bool
) -> None:
    setting = parse_diff(line).settings()[0]
    assert is_ignored(setting, [pattern]) is ignored


def test_default_ignores_cover_per_unit_lines_only() -> None:
    per_unit = parse_diff(
        "mcu_id 1\nset craft_name = A\nset acc_calibration = 1,2,3,4\nset stats_total_time_s = 9\n"
    )
    shared = parse_diff(
        "board_name SPEEDYBEEF405V4\nset motor_pwm_protocol = DSHOT600\nfeature -GPS\n"
    )

    assert all(is_ignored(s, DEFAULT_IGNORE) for s in per_unit.settings())
    assert not any(is_ignored(s, DEFAULT_IGNORE) for s in shared.settings())


def test_a_different_selected_profile_is_a_change() -> None:
    golden = parse_diff("profile 0\nprofile 1\n# restore original profile selection\nprofile 0\n")
    actual = parse_diff("profile 0\nprofile 1\n# restore original profile selection\nprofile 1\n")

    assert compare(actual, golden) == [
        ConfigChange("changed", "master", "profile (selected)", "profile 0", "profile 1"),
    ]
