"""A board left in its CLI (a link pulled during `diff all`) is taken out of it by the client."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from firmware_checks import msp
from firmware_checks.bench_run import run_check
from firmware_checks.client import FlightController, looks_like_cli
from firmware_checks.msp import Cmd
from firmware_checks.probe import probe

TRANSPORTS = ["tcp"] + (["pty"] if sys.platform != "win32" else [])
FLAVOURS = ["healthy", "betaflight-2025.12", "inav-9"]  # INAV reboots on leaving


def _url(transport, profile, simulator, pty_simulator):
    return simulator(profile).url if transport == "tcp" else pty_simulator(profile).path


def _leave_in_cli(url: str) -> None:
    """Enter the CLI with a raw `#`, read the prompt, and go away without leaving it."""
    with FlightController.open(url) as fc:
        fc.port.write(b"#")
        fc.port.flush()
        deadline, seen = time.monotonic() + 2.0, b""
        while b"# " not in seen and time.monotonic() < deadline:
            seen += fc.port.read(fc.port.in_waiting or 1)
        assert seen.endswith(b"# "), seen


@pytest.mark.parametrize("profile", FLAVOURS)
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_probe_finds_the_board_in_its_cli_leaves_it_and_reads_it(
    transport, profile, simulator, pty_simulator
):
    url = _url(transport, profile, simulator, pty_simulator)
    _leave_in_cli(url)
    told: list[str] = []
    with FlightController.open(url, timeout=0.3) as fc:
        fc.on_cli = told.append
        result = probe(fc)
        assert told == ["the flight controller is in its CLI; leaving it"]
        assert "the flight controller is in its CLI; leaving it" in [
            e.data for e in fc.transcript.entries
        ]
        assert [
            e.data for e in fc.transcript.entries if e.kind == "cli" and e.direction == "tx"
        ] == ["\nexit noreboot\n"]
        assert fc.request(Cmd.MSP_API_VERSION)  # and it stays in MSP
    assert result.variant == ("INAV" if profile.startswith("inav") else "BTFL") and result.sensors


def test_a_check_says_so_and_passes(simulator):
    url = simulator("healthy").url
    _leave_in_cli(url)
    told: list[str] = []
    result = run_check(url, timeout=0.3, on_cli=told.append)
    assert result.verdict == "pass", result.reason
    assert told == ["the flight controller is in its CLI; leaving it"]


def test_the_command_line_says_so(simulator):
    repo = Path(__file__).resolve().parents[2]
    url = simulator("healthy").url
    _leave_in_cli(url)
    done = subprocess.run(
        [sys.executable, "-m", "firmware_checks", "probe", "--port", url, "--timeout", "0.3"],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "the flight controller is in its CLI; leaving it" in done.stderr


def test_what_looks_like_a_cli():
    frame = msp.encode_v1(Cmd.MSP_FC_VARIANT)
    assert looks_like_cli(b"$M<$M<", frame)  # the CLI echoes the printable characters only
    assert looks_like_cli(b"\r\n###ERROR IN input: UNKNOWN COMMAND, TRY 'HELP'###", frame)
    assert looks_like_cli(b"### ERROR: Unknown command, try 'help'\r\n# ", frame)  # INAV
    assert looks_like_cli(b"\r\n# ", frame)
    assert not looks_like_cli(frame, frame)  # a loopback echoes the whole frame
    assert not looks_like_cli(b"\x00\xff garbage", frame)
    assert not looks_like_cli(b"", frame)


def test_a_loopback_is_not_taken_for_a_cli():
    told: list[str] = []
    with FlightController.open("loop://", timeout=0.1, retries=0) as fc:
        fc.on_cli = told.append
        with pytest.raises(Exception):  # noqa: B017 - the kind is test_client's business
            fc.request(Cmd.MSP_API_VERSION)
    assert told == []
