"""CliSession against the simulated flight controller over a real TCP socket and a real pty."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from firmware_checks.cli_session import CliError, CliSession
from firmware_checks.client import FlightController
from firmware_checks.config_diff import compare, parse_diff
from firmware_checks.errors import Disconnected, NoResponse, ProtocolError
from firmware_checks.msp import Cmd
from firmware_checks.simulator import PtySimulator, SimulatorServer, diff_all_text

FLAVOURS = ("betaflight-4.5", "betaflight-2025.12", "inav-9")

Start = Callable[..., SimulatorServer]


@pytest.fixture
def connect(simulator: Start) -> Iterator[Callable[[str], FlightController]]:
    """connect(profile) -> a FlightController on a fresh simulator over TCP; closed at teardown."""
    opened: list[FlightController] = []

    def open_fc(profile: str) -> FlightController:
        fc = FlightController.open(simulator(profile).url)
        opened.append(fc)
        return fc

    yield open_fc
    for fc in opened:
        fc.close()


def cli_entries(fc: FlightController, direction: str) -> list[str]:
    return [e.data for e in fc.transcript.entries if e.kind == "cli" and e.direction == direction]


def notes(fc: FlightController) -> list[str]:
    return [e.data for e in fc.transcript.entries if e.kind == "note"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_enter_reads_the_banner_and_commands_return_their_output_only(
    connect: Callable[[str], FlightController], flavour: str
) -> None:
    fc = connect(flavour)
    cli = CliSession(fc)

    banner = cli.enter()
    version = cli.run("version")

    assert banner.startswith("Entering CLI Mode, type 'exit' to")
    assert version.startswith("# INAV/SITL 9.0.1" if flavour == "inav-9" else "# Betaflight / SITL")
    assert "version" not in version.splitlines()[0]  # the echo is gone
    assert not version.endswith("#") and "\r" not in version  # so is the prompt


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_diff_all_is_the_whole_diff_despite_its_comment_lines(
    connect: Callable[[str], FlightController], flavour: str
) -> None:
    with CliSession(connect(flavour)) as cli:
        text = cli.diff_all()

    assert text == diff_all_text(flavour).replace("\r\n", "\n").strip("\n")
    assert text.endswith("save") and text.count("\n# ") > 5


@pytest.mark.parametrize(
    ("flavour", "message"),
    [
        ("betaflight-2025.12", "ERROR IN get: INVALID NAME: no_such_setting"),
        ("inav-9", "ERROR: Invalid name"),
    ],
)
def test_a_refused_command_raises_cli_error_and_the_session_goes_on(
    connect: Callable[[str], FlightController], flavour: str, message: str
) -> None:
    cli = CliSession(connect(flavour))
    cli.enter()

    with pytest.raises(CliError) as refused:
        cli.run("get no_such_setting")

    assert refused.value.message == message and refused.value.command == "get no_such_setting"
    with pytest.raises(CliError, match="(?i)unknown command"):
        cli.run("bogus_command")
    assert cli.run("version").startswith("#")


def test_cli_traffic_is_recorded_in_the_shared_transcript(
    connect: Callable[[str], FlightController],
) -> None:
    fc = connect("healthy")
    fc.request(Cmd.MSP_API_VERSION)

    with CliSession(fc) as cli:
        cli.run("version")

    kinds = [e.kind for e in fc.transcript.entries]
    assert kinds.index("msp") < kinds.index("cli")  # one record, in order
    assert cli_entries(fc, "tx") == ["#", "version\n", "exit noreboot\n"]
    received = "".join(cli_entries(fc, "rx"))
    assert "Entering CLI Mode" in received and "version\r\n# Betaflight" in received
    times = [e.t for e in fc.transcript.entries]
    assert times == sorted(times)


@pytest.mark.parametrize("line", ["get gyro?", "get gyro_lpf\t", "set a = 1\nsave", "set name = Ä"])
def test_help_completion_and_multi_line_input_are_never_sent(
    connect: Callable[[str], FlightController], line: str
) -> None:
    fc = connect("healthy")
    cli = CliSession(fc)
    cli.enter()

    with pytest.raises(ValueError, match="refusing to send"):
        cli.run(line)
    with pytest.raises(ValueError, match="refusing to send"):
        cli.apply(["set small_angle = 30", line])

    assert cli_entries(fc, "tx") == ["#"]  # nothing of either reached the board


@pytest.mark.parametrize("command", ["exit", "save", "bl", "defaults", "msc"])
def test_commands_that_reboot_are_left_to_leave(
    connect: Callable[[str], FlightController], command: str
) -> None:
    fc = connect("healthy")
    cli = CliSession(fc)
    cli.enter()

    with pytest.raises(ValueError, match="use leave"):
        cli.run(command)

    assert cli_entries(fc, "tx") == ["#"]


def test_leaving_without_saving_does_not_reboot_betaflight(
    connect: Callable[[str], FlightController],
) -> None:
    fc = connect("healthy")
    with CliSession(fc) as cli:
        cli.run("set small_angle = 40")

    assert fc.request(Cmd.MSP_API_VERSION)  # MSP answers again right away
    assert not any("reboot" in n for n in notes(fc))
    with CliSession(fc) as cli:  # not rebooted: the unsaved value is still there
        assert cli.run("get small_angle").startswith("small_angle = 40")


def test_leaving_inav_reboots_it_and_the_session_waits_for_the_port(
    connect: Callable[[str], FlightController],
) -> None:
    fc = connect("inav-9")
    with CliSession(fc) as cli:
        cli.run("set looptime = 1000")

    assert "the flight controller is back after its reboot" in notes(fc)
    assert fc.request(Cmd.MSP_API_VERSION)
    with CliSession(fc) as cli:  # rebooted without saving: the change is gone
        assert cli.run("get looptime").startswith("looptime = 500")


def test_save_reboots_keeps_the_change_and_waits_for_the_port(
    connect: Callable[[str], FlightController],
) -> None:
    fc = connect("healthy")
    cli = CliSession(fc)
    cli.enter()
    cli.run("set small_angle = 40")

    cli.leave(save=True)

    assert cli_entries(fc, "tx")[-1] == "save\n"
    assert "the flight controller is back after its reboot" in notes(fc)
    with CliSession(fc) as again:
        assert again.run("get small_angle").startswith("small_angle = 40")


def test_a_failure_inside_the_session_still_leaves_the_cli(
    connect: Callable[[str], FlightController],
) -> None:
    fc = connect("healthy")

    with pytest.raises(CliError), CliSession(fc) as cli:
        cli.run("get no_such_setting")

    assert cli_entries(fc, "tx")[-1] == "exit noreboot\n"
    assert fc.request(Cmd.MSP_API_VERSION)


def test_entering_a_cli_left_open_by_someone_else_still_works(
    connect: Callable[[str], FlightController],
) -> None:
    fc = connect("healthy")
    CliSession(fc).enter()  # and never left

    cli = CliSession(fc)
    cli.enter()

    assert cli.run("version").startswith("# Betaflight")


def test_apply_types_a_golden_config_and_lists_the_refused_lines(
    connect: Callable[[str], FlightController],
) -> None:
    golden = diff_all_text("healthy").split("\r\n")
    fc = connect("config_drift")
    cli = CliSession(fc)
    cli.enter()
    before = compare(parse_diff(cli.diff_all()), parse_diff("\r\n".join(golden)))

    errors = cli.apply([*golden, "set no_such_setting = 1", "bl"])

    n = len(golden)
    assert errors == [
        f"line {n + 1}: set no_such_setting = 1: ERROR IN set: INVALID NAME: no_such_setting",
        f"line {n + 2}: bl: not sent, it would reboot the board",
    ]
    # `defaults nosave` cleared the extra setting; the lines after it set the rest.
    assert sorted(c.kind for c in before) == ["changed", "extra", "missing"]
    assert compare(parse_diff(cli.diff_all()), parse_diff("\r\n".join(golden))) == []
    sent = cli_entries(fc, "tx")
    assert (
        "save\n" not in sent and "bl\n" not in sent and not any(s.startswith("#") for s in sent[1:])
    )
    assert "defaults nosave\n" in sent and "feature -GPS\n" in sent
    cli.leave()


def test_a_save_refused_after_a_batch_with_errors_keeps_the_session_in_the_cli(
    connect: Callable[[str], FlightController],
) -> None:
    fc = connect("healthy")
    cli = CliSession(fc)
    cli.enter()
    cli.apply(["batch start", "set gyro_lpf1_static_hz = 5000"])

    with pytest.raises(CliError, match="ERRORS WERE DETECTED"):
        cli.leave(save=True)

    assert cli.active and cli.run("get gyro_lpf1_static_hz").startswith("gyro_lpf1_static_hz = ")
    cli.leave(reboot=True)
    assert cli_entries(fc, "tx")[-1] == "exit\n"
    assert "the flight controller is back after its reboot" in notes(fc)


def test_a_link_lost_mid_session_is_disconnected_without_waiting_for_a_reboot(
    simulator: Start,
) -> None:
    server = simulator("healthy")
    fc = FlightController.open(server.url)

    with pytest.raises(Disconnected, match="went away"), CliSession(fc) as cli:
        server.stop()  # the cable is pulled
        cli.diff_all()

    fc.close()
    assert not any("reboot" in n for n in notes(fc))


def test_a_silent_port_gives_no_response_instead_of_hanging(
    connect: Callable[[str], FlightController],
) -> None:
    cli = CliSession(connect("silent"), timeout=0.3)

    with pytest.raises(NoResponse, match="did not enter its CLI"):
        cli.enter()


@pytest.fixture
def chatterbox() -> Iterator[str]:
    """A TCP peer that, once written to, sends a line of text every 10 ms and never stops."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(16)
            while not stop.wait(0.01):
                try:
                    connection.sendall(b"NOISE 0123456789\r\n")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"socket://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    server.close()


def test_a_line_that_never_goes_quiet_ends_with_a_protocol_error(chatterbox: str) -> None:
    with FlightController.open(chatterbox) as fc:
        cli = CliSession(fc, longest_answer=0.5)

        with pytest.raises(ProtocolError, match="never went quiet"):
            cli.enter()

        assert cli.active is False
        assert "NOISE 0123456789\r\n" in cli_entries(fc, "rx")


def test_the_cli_works_over_a_real_pseudo_terminal(
    pty_simulator: Callable[..., PtySimulator],
) -> None:
    sim = pty_simulator("healthy")
    with FlightController.open(sim.path) as fc:
        cli = CliSession(fc)
        cli.enter()
        text = cli.diff_all()
        cli.run("set small_angle = 40")
        cli.leave(save=True)  # the pty stays; the board is silent while it reboots

        assert text == diff_all_text("healthy").replace("\r\n", "\n").strip("\n")
        assert "the flight controller is back after its reboot" in notes(fc)
        with CliSession(fc) as again:
            assert again.run("get small_angle").startswith("small_angle = 40")
