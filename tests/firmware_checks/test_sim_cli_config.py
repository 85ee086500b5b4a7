"""The simulator's CLI for typing a configuration in: batch, defaults, feature, mcu_id, save.

Wording as Betaflight's src/main/cli/cli.c prints it (INAV's where it differs).
"""

from __future__ import annotations

import pytest
from test_simulator import PROMPT, open_port, read_to_prompt, read_until_closed, reconnect

from firmware_checks.config_diff import parse_diff
from firmware_checks.simulator import SimulatedFlightController, SimulatorServer, diff_all_text

BATCH_ERRORS = "###ERROR IN {}: ERRORS WERE DETECTED - PLEASE REVIEW BEFORE CONTINUING###\r\n"


def typed(fc: SimulatedFlightController, line: str) -> str:
    """What the CLI answers to a line, without the echo and the prompt."""
    sent = line.encode() + b"\r\n"
    answer = fc.receive(sent)
    assert answer.startswith(sent) and answer.endswith(PROMPT), answer
    return answer[len(sent) : -len(PROMPT)].decode("latin-1")


def in_cli(profile: str = "healthy", **options: object) -> SimulatedFlightController:
    fc = SimulatedFlightController(profile, **options)  # type: ignore[arg-type]
    fc.receive(b"#")
    return fc


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ("batch start", "Command batch started\r\n"),
        ("batch end", "Command batch ended\r\n"),
        ("defaults nosave", "\r\n# resetting to defaults\r\n"),
        ("feature -GPS", "Disabled GPS\r\n"),
        ("feature telem", "Enabled TELEMETRY\r\n"),
        ("feature WARP_DRIVE", "###ERROR IN feature: INVALID NAME: WARP_DRIVE###\r\n"),
        ("mcu_id", "mcu_id 000000000000000100000002\r\n"),
        ("signature", "signature \r\n"),
    ],
)
def test_configuration_commands_answer_as_betaflight(line: str, answer: str) -> None:
    assert typed(in_cli(), line) == answer


def test_mcu_id_and_msp_uid_name_the_board_given_to_the_simulator() -> None:
    fc = in_cli(uid=(0xDEADBEEF, 1, 2))

    assert typed(fc, "mcu_id") == "mcu_id deadbeef0000000100000002\r\n"
    assert "mcu_id deadbeef0000000100000002" in fc.diff_all()


def test_features_turned_on_and_off_show_in_diff_all_and_dump() -> None:
    fc = in_cli()
    assert "feature -GPS\r\nfeature -TELEMETRY\r\n" in fc.diff_all()  # the SITL at boot

    typed(fc, "feature GPS")
    typed(fc, "feature -AIRMODE")
    typed(fc, "feature LED_STRIP")

    config = parse_diff(fc.diff_all())
    features = {s.key: s.value for s in config.settings() if s.key.startswith("feature ")}
    assert features == {
        "feature TELEMETRY": "off",
        "feature AIRMODE": "off",
        "feature LED_STRIP": "on",
    }
    dump = typed(fc, "dump")
    assert "\r\nfeature LED_STRIP\r\n" in dump and "\r\nfeature AIRMODE\r\n" not in dump


def test_defaults_nosave_resets_settings_and_features_in_memory_only() -> None:
    fc = in_cli()
    typed(fc, "defaults nosave")

    config = parse_diff(fc.diff_all())
    assert [s.line for s in config.settings() if s.key.startswith(("set ", "feature "))] == []
    assert fc.saved_settings.differences("master")  # the tuned quad is still what is saved


def test_an_error_inside_a_batch_makes_batch_end_and_save_refuse() -> None:
    fc = in_cli()
    typed(fc, "batch start")
    typed(fc, "set gyro_lpf1_static_hz = 5000")

    assert typed(fc, "save") == BATCH_ERRORS.format("save") + (
        "###ERROR IN save: PLEASE FIX ERRORS THEN 'SAVE'###\r\n"
    )
    typed(fc, "batch start")
    typed(fc, "set no_such_setting = 1")
    assert typed(fc, "batch end") == BATCH_ERRORS.format("batch")
    assert fc.in_cli  # neither refusal left the CLI or rebooted


def test_defaults_forgives_the_errors_before_it_as_betaflight_does() -> None:
    fc = in_cli()
    typed(fc, "batch start")
    typed(fc, "bogus")
    typed(fc, "defaults nosave")

    assert typed(fc, "batch end") == "Command batch ended\r\n"


def test_inav_resets_with_defaults_noreboot_and_knows_its_gps_feature() -> None:
    fc = in_cli("inav-9")

    assert typed(fc, "defaults noreboot") == "Resetting to defaults"
    assert "# features\r\n\r\n# blackbox" in fc.diff_all()  # GPS back on: nothing differs
    assert typed(fc, "feature -GPS") == "Disabled GPS\r\n"
    assert "# features\r\nfeature -GPS\r\n" in fc.diff_all()


def test_a_batch_typed_over_a_socket_is_saved_and_survives_the_reboot(simulator) -> None:
    server: SimulatorServer = simulator("config_drift")
    with open_port(server.url) as port:
        port.write(b"#")
        read_to_prompt(port)
        for line in (
            "batch start",
            "defaults nosave",
            "feature -GPS",
            "feature -TELEMETRY",
            "set motor_pwm_protocol = DSHOT600",
            "set vbat_warning_cell_voltage = 340",
            "profile 0",
            "set p_roll = 48",
            "set d_roll = 32",
            "rateprofile 0",
            "set roll_srate = 70",
            "set pitch_srate = 70",
        ):
            port.write(line.encode() + b"\n")
            assert b"ERROR" not in read_to_prompt(port)
        port.write(b"save\n")
        assert read_until_closed(port).endswith(b"\r\n# saving\r\n\r\nRebooting")
    with reconnect(server.url):
        pass
    assert server.fc.diff_all() == diff_all_text("healthy")


def test_plain_defaults_saves_the_defaults_and_reboots(simulator) -> None:
    server: SimulatorServer = simulator("healthy")
    with open_port(server.url) as port:
        port.write(b"#")
        read_to_prompt(port)
        port.write(b"defaults\n")
        assert read_until_closed(port).endswith(b"\r\n# resetting to defaults\r\n\r\nRebooting")
    with reconnect(server.url) as port:
        port.write(b"#")
        read_to_prompt(port)
    saved = parse_diff(server.fc.diff_all())
    assert [s.line for s in saved.settings() if s.key.startswith(("set ", "feature "))] == []
