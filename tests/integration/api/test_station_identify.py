"""`python -m firmware_checks identify PORT --post URL --token TOKEN` in its own process, against
the simulator in its own process and the app served on a real socket: a station finds which
unit a flight controller belongs to."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import make_unit, make_user
from workshop.services import stations
from workshop.workflow import Role, Stage

REPO = Path(__file__).resolve().parents[3]


def _command(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "FIRMWARE_CHECKS_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "firmware_checks", *args],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def board() -> Iterator[str]:
    """A simulated flight controller in a process of its own; its pyserial URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "firmware_checks", "simulate", "--listen", "127.0.0.1:0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"socket://127\.0\.0\.1:\d+", line)
        assert found, (line, process.stderr.read() if process.stderr else "")
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_station_identifies_a_board_once_it_is_bound_and_says_none_before(app, served, board):
    _row, token = stations.create_token("Returns desk", make_user(Role.ADMIN))
    unit = make_unit(at=Stage.FLASHING)

    unknown = _command("identify", board, "--post", served, "--token", token)
    assert unknown.returncode == 1, unknown.stderr
    assert unknown.stdout == ""
    uid = re.search(r"no unit has board ([0-9a-f]+)", unknown.stderr)
    assert uid, unknown.stderr

    # The flashing stage reads the same board: it is bound to the unit.
    read = _command("check", board, "--unit", unit.serial, "--post", served, "--token", token)
    assert read.returncode == 0, read.stderr

    found = _command("identify", board, "--post", served, "--token", token)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == unit.serial
    as_json = _command("identify", "--port", board, "--post", served, "--token", token, "--json")
    assert as_json.returncode == 0
    assert f'"fc_uid": "{uid.group(1)}"' in as_json.stdout
    assert f'"serial": "{unit.serial}"' in as_json.stdout


def test_a_revoked_token_or_no_board_is_could_not(app, served, board):
    row, token = stations.create_token("Old laptop", None)
    stations.revoke(row.id, make_user(Role.ADMIN))
    refused = _command("identify", board, "--post", served, "--token", token)
    assert refused.returncode == 2 and "401" in refused.stderr
    missing = _command("identify", board, "--post", served)
    assert missing.returncode == 2 and "--token" in missing.stderr
    nobody = _command(
        "identify", "socket://127.0.0.1:9", "--post", served, "--token", "x", "--timeout", "0.2"
    )
    assert nobody.returncode == 2 and "could not read socket://127.0.0.1:9" in nobody.stderr
