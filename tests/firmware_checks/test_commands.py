"""`python -m firmware_checks` end to end: the simulator and each command in its own process."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from firmware_checks import EXAMPLES_DIR
from firmware_checks.config_diff import compare, parse_diff
from firmware_checks.simulator import PtySimulator, diff_all_text
from firmware_checks.transport import open_port

REPO = Path(__file__).resolve().parents[2]
# A guard against a hung test run, not a measure of speed: every command ends long before it.
GUARD_S = 60


def command(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "firmware_checks", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=GUARD_S, check=False)  # fmt: skip


def one_line_reason(result: subprocess.CompletedProcess[str], prefix: str) -> str:
    """stderr is exactly one line starting with prefix: never a traceback."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), result.stderr
    return lines[0]


@pytest.fixture
def simulate() -> Iterator[Callable[[str], str]]:
    """simulate(profile) -> the URL of `python -m firmware_checks simulate` in a subprocess."""
    processes: list[subprocess.Popen[str]] = []

    def start(profile: str) -> str:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        process = subprocess.Popen(
            [sys.executable, "-m", "firmware_checks", "simulate", "--listen", "127.0.0.1:0",
             "--profile", profile],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        processes.append(process)
        first_line = process.stdout.readline()  # type: ignore[union-attr]
        found = re.search(r"socket://\S+", first_line)
        assert found, f"simulate printed {first_line!r}"
        return found[0]

    yield start
    for process in processes:
        process.terminate()
        process.communicate(timeout=GUARD_S)
        assert process.returncode == 0  # SIGTERM stops it cleanly


@pytest.fixture
def golden_file() -> Path:
    """The example golden shipped with the package: the healthy simulator's `diff all`."""
    return EXAMPLES_DIR / "golden-diff.txt"


def test_probe_prints_what_the_board_is(simulate: Callable[[str], str]) -> None:
    result = command("probe", "--port", simulate("healthy"))

    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert re.match(r"firmware\s+BTFL 2025\.12\.5$", lines[0])
    for label in (
        "MSP API",
        "board",
        "build",
        "MCU id",
        "sensors",
        "arming blocked by",
        "battery",
        "attitude",
        "receiver",
        "motors",
        "ESC rpm",
    ):
        assert any(line.startswith(label + " ") for line in lines), label


def test_probe_json_is_one_document_with_the_transcript(simulate: Callable[[str], str]) -> None:
    result = command("probe", "--port", simulate("inav-9"), "--json")

    document = json.loads(result.stdout)
    assert result.returncode == 0 and document["ok"] is True
    assert document["probe"]["variant"] == "INAV" and document["probe"]["version"] == "9.0.1"
    entry = document["transcript"][0]
    assert set(entry) == {"t", "direction", "kind", "data"} and entry["direction"] == "tx"


def test_check_of_a_healthy_board_against_the_example_golden_passes(
    simulate: Callable[[str], str], golden_file: Path
) -> None:
    result = command("check", "--port", simulate("healthy"), "--golden", str(golden_file),
                     "--limits", str(EXAMPLES_DIR / "limits.toml"))  # fmt: skip

    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert re.match(r"MEASUREMENT\s+VALUE\s+UNIT\s+LIMIT\s+RESULT$", lines[1])
    assert re.search(
        r"^gyro_noise_x\s+\d+\.\d+\s+deg/s\s+<= 2\s+PASS$", result.stdout, re.MULTILINE
    )
    assert re.search(r"^config_diff\s+0\s+differences\s+0\s+PASS$", result.stdout, re.MULTILINE)
    assert lines[-1] == "verdict: PASS: all 10 measurements within limits"


def test_check_of_a_noisy_gyro_fails_with_the_reason(simulate: Callable[[str], str]) -> None:
    result = command("check", "--port", simulate("noisy_gyro"))

    assert result.returncode == 1
    reason = one_line_reason(result, "check: FAIL: ")
    assert reason.endswith("gyro_noise_x, gyro_noise_y, gyro_noise_z")
    assert re.search(
        r"^gyro_noise_y\s+\d+\.\d+\s+deg/s\s+<= 2\s+FAIL$", result.stdout, re.MULTILINE
    )
    assert result.stdout.splitlines()[-1].startswith("verdict: FAIL: 3 of 9 measurements")


def test_check_json_lists_each_configuration_difference(
    simulate: Callable[[str], str], golden_file: Path
) -> None:
    result = command(
        "check", "--port", simulate("config_drift"), "--golden", str(golden_file), "--json"
    )

    document = json.loads(result.stdout)
    assert result.returncode == 1 and document["verdict"] == "fail"
    assert sorted(c["kind"] for c in document["config_changes"]) == ["changed", "extra", "missing"]
    failed = [m for m in document["measurements"] if not m["passed"]]
    assert [(m["name"], m["value"], m["unit"], m["limit"]) for m in failed] == [
        ("config_diff", 3, "differences", "0"),
    ]
    cli = [e for e in document["transcript"] if e["kind"] == "cli"]
    assert [e["data"] for e in cli if e["direction"] == "tx"] == [
        "#",
        "diff all\n",
        "exit noreboot\n",
    ]


def test_ignore_patterns_from_the_command_line_drop_per_unit_lines(
    simulate: Callable[[str], str], golden_file: Path
) -> None:
    drifted = compare(
        parse_diff(diff_all_text("config_drift")), parse_diff(golden_file.read_text())
    )
    ignore = [arg for change in drifted for arg in ("--ignore", change.key)]

    result = command(
        "check", "--port", simulate("config_drift"), "--golden", str(golden_file), *ignore
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_limits_file_can_name_the_expected_board(
    simulate: Callable[[str], str], tmp_path: Path
) -> None:
    limits = tmp_path / "limits.toml"
    limits.write_text('[board]\ntarget = "STM32F7X2"\n')

    result = command("check", "--port", simulate("healthy"), "--limits", str(limits))

    assert result.returncode == 1
    assert re.search(r"^target\s+SITL\s+= STM32F7X2\s+FAIL$", result.stdout, re.MULTILINE)


@pytest.mark.parametrize("name", ["probe", "check"])
def test_a_missing_port_is_exit_2_with_the_reason(name: str) -> None:
    result = command(name, "--port", "/dev/no_such_flight_controller")

    assert result.returncode == 2 and "Traceback" not in result.stderr
    expected = "probe: could not read" if name == "probe" else "check: could not test"
    reason = one_line_reason(result, f"{expected} /dev/no_such_flight_controller: cannot open")
    assert "No such file or directory" in reason


def test_nothing_listening_is_exit_2_with_the_reason() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        url = f"socket://127.0.0.1:{unused.getsockname()[1]}"

    result = command("check", "--port", url, "--json")

    assert result.returncode == 2
    one_line_reason(result, f"check: could not test {url}: cannot open {url}")
    assert json.loads(result.stdout)["verdict"] == "error"


@pytest.mark.parametrize(
    ("profile", "reason"),
    [
        ("silent", "no answer to MSP_FC_VARIANT within 0.2 s"),
        ("drops_link", "lost the flight controller"),
    ],
)
def test_a_board_that_does_not_answer_or_drops_the_link_is_exit_2(
    simulate: Callable[[str], str], profile: str, reason: str
) -> None:
    for name in ("probe", "check"):
        result = command(name, "--port", simulate(profile), "--timeout", "0.2")

        assert result.returncode == 2
        assert reason in one_line_reason(result, f"{name}: could not")


def test_a_port_another_program_holds_is_exit_2(pty_simulator: Callable[..., PtySimulator]) -> None:
    sim = pty_simulator("healthy")
    held = open_port(sim.path)  # like a configurator left connected
    try:
        result = command("probe", "--port", sim.path)
    finally:
        held.close()

    assert result.returncode == 2
    one_line_reason(result, f"probe: could not read {sim.path}: cannot open {sim.path}")


def test_a_tcp_port_already_in_use_by_another_client_is_exit_2(
    simulate: Callable[[str], str],
) -> None:
    url = simulate("healthy")
    host, port = url.removeprefix("socket://").split(":")
    with socket.create_connection((host, int(port))):  # the simulator serves one client at a time
        result = command("probe", "--port", url, "--timeout", "0.2")

    assert result.returncode == 2
    one_line_reason(result, f"probe: could not read {url}: no answer")


@pytest.fixture
def not_a_flight_controller() -> Iterator[str]:
    """A TCP service that answers every write with a line of text, like a modem or a GPS."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(0.1)
                while not stop.is_set():
                    try:
                        if not connection.recv(256):
                            break
                    except TimeoutError:
                        continue
                    connection.sendall(b"OK\r\n$GPGGA,,,,,,0,00,99.99,,,,,,*48\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"socket://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    server.close()


def test_a_port_that_is_not_a_flight_controller_is_exit_2(not_a_flight_controller: str) -> None:
    result = command("check", "--port", not_a_flight_controller, "--timeout", "0.2")

    assert result.returncode == 2
    assert "not an MSP answer" in one_line_reason(result, "check: could not test")


def test_an_inav_board_that_reboots_on_leaving_the_cli_is_still_checked(
    simulate: Callable[[str], str], tmp_path: Path
) -> None:
    golden = tmp_path / "inav-golden.txt"
    golden.write_text(diff_all_text("inav-9"))

    result = command("check", "--port", simulate("inav-9"), "--golden", str(golden), "--json")

    document = json.loads(result.stdout)
    assert result.returncode == 0 and document["verdict"] == "pass", (
        result.stderr
    )  # a calibrated INAV bench
    assert any("reboot" in e["data"] for e in document["transcript"] if e["kind"] == "note")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (
            ["--limits", "/no/such/limits.toml"],
            "check: cannot read limits file /no/such/limits.toml",
        ),
        (["--golden", "/no/such/golden.txt"], "check: cannot read golden diff /no/such/golden.txt"),
        (["--golden", os.devnull], f"check: golden diff {os.devnull} has no settings"),
    ],
)
def test_bad_inputs_are_exit_2_before_touching_the_board(args: list[str], reason: str) -> None:
    result = command("check", "--port", "/dev/no_such_flight_controller", *args)

    assert result.returncode == 2
    one_line_reason(result, reason)


def test_simulate_refuses_an_unknown_profile() -> None:
    result = command("simulate", "--listen", "127.0.0.1:0", "--profile", "on_fire")

    assert result.returncode == 2
    one_line_reason(result, "simulate: unknown simulator profile 'on_fire'")


def test_simulate_refuses_an_address_in_use() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        result = command("simulate", "--listen", f"127.0.0.1:{taken.getsockname()[1]}")

    assert result.returncode == 2
    one_line_reason(result, "simulate: cannot listen on 127.0.0.1:")


def test_ports_lists_as_json() -> None:
    result = command("ports", "--json")

    assert result.returncode == 0
    assert isinstance(json.loads(result.stdout), list)


def test_help_shows_examples_and_exit_codes() -> None:
    top = command("--help")
    assert top.returncode == 0
    assert "python -m firmware_checks check --port /dev/ttyACM0" in top.stdout
    assert "exit codes:" in top.stdout and "0  pass" in top.stdout and "1  fail" in top.stdout
    assert "2  could not test" in top.stdout
    check = command("check", "--help")
    assert (
        "0 pass, 1 fail, 2 could not test" in check.stdout
        and "max(4 x timeout, 1 s)" in " ".join(check.stdout.split())
    )
