"""The simulated flight controller against what real firmware said (tests/fixtures/firmware/).

Static facts (identity, board, API version, status, configuration, error frames, silence after a
bad checksum, v2 tunnelled in v1) must match byte for byte; live values (IMU, attitude, battery,
receiver, motors) must match in length and layout. Then the CLI, reboots, faults and transports.
"""

from __future__ import annotations

import json
import statistics
import time

import pytest
import serial
from transcripts import FIXTURES, Exchange, load_exchanges

from firmware_checks import msp
from firmware_checks.client import FlightController
from firmware_checks.errors import NoResponse
from firmware_checks.messages import (
    BatteryState,
    BoardInfo,
    Cmd,
    MotorTelemetry,
    Name,
    RawImu,
    StatusEx,
)
from firmware_checks.simulator import (
    PROFILES,
    SimulatedFlightController,
    diff_all_text,
    get_profile,
)

FLAVOUR_OF = {
    "betaflight-4.5.5": "betaflight-4.5",
    "betaflight-2025.12.5": "betaflight-2025.12",
    "inav-9.0.1": "inav-9-sitl",  # the SITL's own status: accelerometer not calibrated
}
LIVE = {
    "MSP_RAW_IMU",
    "MSP_MOTOR",
    "MSP_RC",
    "MSP_ATTITUDE",
    "MSP_ANALOG",
    "MSP_BATTERY_STATE",
    "MSP2_INAV_ANALOG",
}
PROMPT = b"\r\n# "
EXCHANGES = load_exchanges()


def cli_steps(firmware: str) -> list[dict]:
    return json.loads((FIXTURES / firmware / "cli_steps.json").read_text())


def assert_same_answer(exchange: Exchange, got: bytes) -> None:
    """Byte for byte for static facts; same header, length and a decodable frame for live ones."""
    want = exchange.response or b""
    if exchange.name not in LIVE:
        assert got.hex() == want.hex()
        return
    header = 5 if want.startswith(b"$M") else 8
    assert (len(got), got[:header]) == (len(want), want[:header])
    assert len(msp.FrameDecoder().feed(got)) == 1


def open_port(url: str) -> serial.SerialBase:
    return serial.serial_for_url(url, timeout=3)


def read_exactly(port: serial.SerialBase, size: int) -> bytes:
    data = port.read(size)
    assert len(data) == size, f"expected {size} bytes, got {data!r}"
    return data


def read_to_prompt(port: serial.SerialBase) -> bytes:
    data = port.read_until(PROMPT)
    assert data.endswith(PROMPT), f"no prompt after {data[-200:]!r}"
    return data


def read_until_closed(port: serial.SerialBase) -> bytes:
    """Everything until the other end closes the connection (a reboot, a dropped link)."""
    received = bytearray()
    with pytest.raises(serial.SerialException):
        for _ in range(1000):
            received += port.read(1)
    return bytes(received)


def reconnect(url: str) -> serial.SerialBase:
    """Open the port again once the rebooted simulator listens (refused while it boots)."""
    for _ in range(200):
        try:
            return open_port(url)
        except serial.SerialException:
            time.sleep(0.02)
    raise AssertionError("the simulator did not come back after its reboot")


def ask(port: serial.SerialBase, cmd: int, payload: bytes = b"") -> msp.Frame:
    """One v1 request over a raw port; the frame answering it (late answers to others skipped)."""
    port.write(msp.encode_v1(cmd, payload))
    decoder = msp.FrameDecoder()
    for _ in range(1000):
        for frame in decoder.feed(port.read(1) or b""):
            if frame.cmd == cmd:
                return frame
    raise AssertionError(f"no answer to MSP command {cmd}")


# The MSP answers ------------------------------------------------------------------------------


@pytest.mark.parametrize("exchange", EXCHANGES, ids=lambda e: e.id)
def test_answers_like_the_real_firmware(exchange: Exchange) -> None:
    fc = SimulatedFlightController(FLAVOUR_OF[exchange.firmware])
    assert_same_answer(exchange, fc.receive(exchange.request))


@pytest.mark.parametrize("transport", ["tcp", "pty"])
@pytest.mark.parametrize("firmware", FLAVOUR_OF)
def test_whole_transcript_over_a_real_port(
    firmware: str, transport: str, simulator, pty_simulator
) -> None:
    """In order, over one connection: a request that gets no answer leaves nothing on the line,
    so the next bytes read are the next request's answer."""
    profile = FLAVOUR_OF[firmware]
    url = simulator(profile).url if transport == "tcp" else pty_simulator(profile).path
    with open_port(url) as port:
        for exchange in load_exchanges(firmware):
            port.write(exchange.request)
            assert_same_answer(exchange, read_exactly(port, len(exchange.response or b"")))


def test_tunnelled_unknown_command_gets_a_tunnelled_error_frame() -> None:
    fc = SimulatedFlightController("healthy")
    answer = msp.FrameDecoder().feed(fc.receive(msp.encode_v2_over_v1(0x4FFF)))
    assert answer == [msp.Frame(2, "!", 0x4FFF, b"", 0, tunnelled=True)]


@pytest.mark.parametrize("bad_checksum", [b"#", b"R"])
def test_a_broken_frame_ending_in_a_special_byte_is_just_dropped(bad_checksum: bytes) -> None:
    """'#' enters the CLI and 'R' reboots only between frames, not inside a broken one."""
    fc = SimulatedFlightController("healthy")
    broken = msp.encode_v1(Cmd.MSP_API_VERSION)[:-1] + bad_checksum
    good = msp.encode_v1(Cmd.MSP_FC_VARIANT)
    assert fc.receive(broken + good) == msp.encode_v1(Cmd.MSP_FC_VARIANT, b"BTFL", ">")


def test_same_seed_same_noise_other_seed_other_noise() -> None:
    def imu(seed: int) -> list[bytes]:
        fc = SimulatedFlightController("healthy", seed=seed)
        return [fc.receive(msp.encode_v1(Cmd.MSP_RAW_IMU)) for _ in range(20)]

    assert imu(1) == imu(1)
    assert imu(1) != imu(2)


def test_pipelined_requests_are_answered_one_by_one_in_order(simulator) -> None:
    server = simulator("healthy", realistic_timing=True)
    cmds = [Cmd.MSP_API_VERSION, Cmd.MSP_FC_VARIANT, Cmd.MSP_UID]
    with open_port(server.url) as port:
        port.write(b"".join(msp.encode_v1(cmd) for cmd in cmds))
        decoder, frames = msp.FrameDecoder(), []
        while len(frames) < len(cmds):
            chunk = port.read(1)
            assert chunk, "an answer is missing"
            frames += decoder.feed(chunk)
    assert [f.cmd for f in frames] == cmds


def test_set_motor_spins_motors_with_rpm_telemetry(simulator) -> None:
    with FlightController.open(simulator("healthy").url) as fc:
        fc.request(
            Cmd.MSP_SET_MOTOR, b"".join(v.to_bytes(2, "little") for v in (1100, 1200, 1000, 1000))
        )
        spinning = fc.ask(MotorTelemetry).rpm
        assert fc.request(Cmd.MSP_MOTOR)[:8] == bytes.fromhex("4c04b004e803e803")
        fc.request(Cmd.MSP_SET_MOTOR, (1000).to_bytes(2, "little") * 8)
        stopped = fc.ask(MotorTelemetry).rpm
    assert spinning[0] > 0 and spinning[1] > spinning[0] and spinning[2:] == [0, 0]
    assert stopped == [0, 0, 0, 0]


# The CLI ------------------------------------------------------------------------------------------


def _mask_live(text: bytes) -> list[str]:
    """status lines with their live values cut off: what stays is the wording and the layout."""
    return [line.split(":")[0] for line in text.decode("latin-1").split("\r\n")]


@pytest.mark.parametrize("firmware", FLAVOUR_OF)
def test_cli_session_like_the_real_firmware(firmware: str, simulator) -> None:
    server = simulator(FLAVOUR_OF[firmware])
    with open_port(server.url) as port:
        for step in cli_steps(firmware):
            sent = step["sent"].replace("\\n", "\n").encode()
            want = step["text"].encode("latin-1")
            port.write(sent)
            if step.get("closed"):
                assert read_until_closed(port) == want  # `exit` reboots: the port goes away
            elif sent == b"status\n":
                assert _mask_live(read_to_prompt(port)) == _mask_live(want)
            else:
                assert read_exactly(port, len(want)) == want
    with reconnect(server.url) as port:  # back after the reboot, in MSP mode
        assert ask(port, Cmd.MSP_API_VERSION).direction == ">"


def test_save_keeps_settings_across_the_reboot(simulator) -> None:
    server = simulator("healthy")
    with open_port(server.url) as port:
        port.write(b"#")
        read_to_prompt(port)
        port.write(b"set craft_name = BENCH_QUAD_07\r\n")
        assert read_to_prompt(port).endswith(b"craft_name set to BENCH_QUAD_07" + PROMPT)
        port.write(b"save\r\n")
        assert read_until_closed(port).endswith(b"\r\n# saving\r\n\r\nRebooting")
    with reconnect(server.url) as port:
        assert ask(port, Cmd.MSP_NAME).payload == b"BENCH_QUAD_07"
    assert "set craft_name = BENCH_QUAD_07" in server.fc.diff_all()


def test_exit_loses_unsaved_settings(simulator) -> None:
    server = simulator("healthy")
    with open_port(server.url) as port:
        port.write(b"#")
        read_to_prompt(port)
        port.write(b"set gyro_lpf1_static_hz = 300\r\n")
        read_to_prompt(port)
        assert "set gyro_lpf1_static_hz = 300" in server.fc.diff_all()
        port.write(b"exit\r\n")
        read_until_closed(port)
    with reconnect(server.url) as port:
        ask(port, Cmd.MSP_API_VERSION)
    assert server.fc.diff_all() == diff_all_text("healthy")
    assert server.connections == 2


def test_exit_noreboot_goes_back_to_msp_on_the_same_connection(simulator) -> None:
    with open_port(simulator("healthy").url) as port:
        port.write(b"#")
        read_to_prompt(port)
        port.write(b"exit noreboot\r\n")
        assert read_exactly(port, len(b"exit noreboot\r\n")) == b"exit noreboot\r\n"
        assert ask(port, Cmd.MSP_FC_VARIANT).payload == b"BTFL"


def test_exit_noreboot_still_reboots_inav(simulator) -> None:
    with open_port(simulator("inav-9").url) as port:
        port.write(b"#")
        read_to_prompt(port)
        port.write(b"exit noreboot\r\n")
        assert read_until_closed(port).endswith(b"\r\nRebooting")


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        (
            "get nonexistent_setting_xyz",
            "###ERROR IN get: INVALID NAME: nonexistent_setting_xyz###\r\n",
        ),
        (
            "set nonexistent_setting_xyz = 1",
            "###ERROR IN set: INVALID NAME: nonexistent_setting_xyz###\r\n",
        ),
        ("set gyro_lpf1_static_hz = 5000", "###ERROR IN set: INVALID VALUE###\r\n"),
        ("set yaw_motors_reversed = MAYBE", "###ERROR IN set: INVALID VALUE###\r\n"),
        ("bogus_command", "###ERROR IN input: UNKNOWN COMMAND, TRY 'HELP'###"),
        (
            "get p_roll",
            "p_roll = 48\r\nprofile 0\r\nAllowed range: 0 - 250\r\nDefault value: 45\r\n",
        ),
        ("set yaw_motors_reversed = on", "yaw_motors_reversed set to ON"),
        ("profile 2", "profile 2\r\n"),
        ("# a comment line", ""),
    ],
)
def test_cli_answers(line: str, answer: str) -> None:
    fc = SimulatedFlightController("healthy")
    fc.receive(b"#")
    sent = line.encode() + b"\r\n"
    assert fc.receive(sent) == sent + answer.encode() + PROMPT  # the echo, the answer, the prompt


def test_cli_line_editing_echoes_backspace_and_ignores_question_marks() -> None:
    fc = SimulatedFlightController("healthy")
    fc.receive(b"#")
    assert fc.receive(b"verx\x7f?") == b"ver" + b"x" + b"\b \b"
    assert fc.receive(b"sion\r\n").startswith(b"sion\r\n# Betaflight / SITL (SITL) 2025.12.5")


def test_set_changes_the_diff_and_the_craft_name() -> None:
    fc = SimulatedFlightController("betaflight-4.5")
    fc.receive(b"#")
    fc.receive(b"set craft_name = QUAD_3\r\nprofile 1\r\nset p_pitch = 60\r\n")
    diff = fc.diff_all()
    assert "\r\n# name: QUAD_3\r\n" in diff
    assert "\r\nprofile 1\r\n\r\n# profile 1\r\nset p_pitch = 60\r\n" in diff
    assert "\r\n# restore original profile selection\r\nprofile 1\r\n" in diff
    fc.receive(b"exit noreboot\r\n")
    assert fc.receive(msp.encode_v1(Cmd.MSP_NAME)) == msp.encode_v1(Cmd.MSP_NAME, b"QUAD_3", ">")


def test_a_lone_r_outside_a_frame_reboots_the_board(simulator) -> None:
    server = simulator("healthy")
    with open_port(server.url) as port:
        port.write(b"R")
        assert read_until_closed(port) == b""
    with reconnect(server.url) as port:
        assert ask(port, Cmd.MSP_API_VERSION).payload == bytes([0, 1, 47])


# The profiles ----------------------------------------------------------------------------------


def test_healthy_diff_is_a_tuned_quad() -> None:
    diff = diff_all_text("healthy")
    assert (
        "\r\n# master\r\nset motor_pwm_protocol = DSHOT600\r\n"
        "set vbat_warning_cell_voltage = 340\r\n" in diff
    )
    assert "\r\n# profile 0\r\nset p_roll = 48\r\nset d_roll = 32\r\n" in diff
    assert diff.endswith("\r\n# save configuration\r\nsave")


def _set_lines(text: str) -> set[str]:
    return {line for line in text.split("\r\n") if line.startswith("set ")}


@pytest.mark.parametrize("flavour", ["healthy", "inav-9"])
def test_config_drift_has_a_missing_a_changed_and_an_extra_setting(flavour: str) -> None:
    base = "healthy" if flavour == "healthy" else flavour
    drift = "config_drift" if flavour == "healthy" else f"{flavour}+config_drift"
    golden, drifted = _set_lines(diff_all_text(base)), _set_lines(diff_all_text(drift))

    def names(lines: set[str]) -> set[str]:
        return {line.split(" = ")[0] for line in lines}

    assert len(names(golden) - names(drifted)) == 1  # missing
    assert len(names(drifted) - names(golden)) == 1  # extra
    assert len(golden - drifted) == 2 and len(drifted - golden) == 2  # plus one changed


def _gyro_std(fc: FlightController, samples: int = 200) -> list[float]:
    imu = [fc.ask(RawImu) for _ in range(samples)]
    return [statistics.pstdev(s.gyro[axis] for s in imu) for axis in range(3)]


def test_healthy_gyro_is_quiet_and_noisy_gyro_is_not(simulator) -> None:
    with FlightController.open(simulator("healthy").url) as fc:
        quiet = _gyro_std(fc)
    with FlightController.open(simulator("noisy_gyro").url) as fc:
        noisy = _gyro_std(fc)
    assert max(quiet) < 2 and min(noisy) > 10


def test_no_gyro(simulator) -> None:
    with FlightController.open(simulator("no_gyro").url) as fc:
        status, imu = fc.ask(StatusEx), fc.ask(RawImu)
    assert "GYRO" not in status.sensors and "ACC" not in status.sensors
    assert "NOGYRO" in status.arming_disable_flag_names
    assert imu.gyro == (0, 0, 0)


def test_wrong_target(simulator) -> None:
    with FlightController.open(simulator("wrong_target").url) as fc:
        board = fc.ask(BoardInfo)
    assert (board.board_identifier, board.target_name) == ("S405", "STM32F405")
    assert "Betaflight / STM32F405 (S405) 2025.12.5" in diff_all_text("wrong_target")


def test_low_battery(simulator) -> None:
    with FlightController.open(simulator("low_battery").url) as fc:
        battery = fc.ask(BatteryState)
    assert (battery.cell_count, battery.voltage, battery.state_name) == (4, 13.2, "WARNING")


def test_arming_blocked(simulator) -> None:
    with FlightController.open(simulator("arming_blocked").url) as fc:
        flags = fc.ask(StatusEx).arming_disable_flag_names
    assert flags == ["REBOOT_REQD", "NO_ACC_CAL"]


def test_silent_answers_nothing_at_all(simulator) -> None:
    fc = SimulatedFlightController("silent")
    assert fc.receive(msp.encode_v1(Cmd.MSP_API_VERSION) + b"#" + b"version\r\n") == b""
    url = simulator("silent").url
    with FlightController.open(url, timeout=0.2, retries=0) as client, pytest.raises(NoResponse):
        client.request(Cmd.MSP_API_VERSION)


def test_garbage_comes_between_answers_that_stay_valid(simulator) -> None:
    fc = SimulatedFlightController("garbage")
    decoder = msp.FrameDecoder()
    frames = [
        f for _ in range(50) for f in decoder.feed(fc.receive(msp.encode_v1(Cmd.MSP_FC_VARIANT)))
    ]
    assert frames == [msp.Frame(1, ">", Cmd.MSP_FC_VARIANT, b"BTFL")] * 50
    assert decoder.drain_stray()
    with FlightController.open(simulator("garbage").url) as client:
        assert [client.ask(Name).craft_name for _ in range(20)] == [""] * 20


def test_drops_link_mid_answer_and_comes_back(simulator) -> None:
    server = simulator("drops_link")
    full = msp.encode_v1(Cmd.MSP_FC_VARIANT, b"BTFL", ">")
    drop_after = PROFILES["drops_link"].drop_after_requests
    with open_port(server.url) as port:
        for _ in range(drop_after):
            port.write(msp.encode_v1(Cmd.MSP_FC_VARIANT))
            assert read_exactly(port, len(full)) == full
        port.write(msp.encode_v1(Cmd.MSP_FC_VARIANT))
        assert read_until_closed(port) == full[: len(full) // 2]
    with reconnect(server.url) as port:
        assert ask(port, Cmd.MSP_FC_VARIANT).payload == b"BTFL"


def test_drops_link_over_a_pty_closes_it(pty_simulator) -> None:
    sim = pty_simulator("drops_link")
    with open_port(sim.path) as port:
        for _ in range(PROFILES["drops_link"].drop_after_requests):
            ask(port, Cmd.MSP_API_VERSION)
        port.write(msp.encode_v1(Cmd.MSP_API_VERSION))
        read_until_closed(port)


def test_reboot_over_a_pty_comes_back_in_msp_mode(pty_simulator) -> None:
    with open_port(pty_simulator("healthy").path) as port:
        port.write(b"#")
        read_to_prompt(port)
        port.write(b"exit\r\n")
        assert port.read_until(b"Rebooting").endswith(b"Rebooting")
        port.timeout = 0.05
        for _ in range(200):  # silent while it boots: what is sent meanwhile is lost
            port.write(msp.encode_v1(Cmd.MSP_API_VERSION))
            if port.read(1):
                break
        port.timeout = 3
        assert ask(port, Cmd.MSP_FC_VARIANT).payload == b"BTFL"


def test_profiles_combine_a_flavour_and_a_fault() -> None:
    profile = get_profile("inav-9+low_battery")
    assert (profile.flavour.name, profile.bench.cell_voltage) == ("inav-9", 3.3)
    with pytest.raises(ValueError, match="unknown simulator profile"):
        get_profile("no_such_profile")


def test_stop_closes_the_port(simulator) -> None:
    server = simulator("healthy")
    server.stop()
    with pytest.raises(serial.SerialException):
        open_port(server.url)
