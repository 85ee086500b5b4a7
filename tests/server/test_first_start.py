"""The README's first command on a fresh machine: migrate, seed demo data once, serve; a second
start keeps the data. Runs `python -m workshop` as its own process on a loopback port.

Demo data (with its published PINs) goes only into the embedded default database or when
WORKSHOP_DEMO=1; a database given by DATABASE_URL (here a SQLite file standing in for a real
PostgreSQL) starts empty and the start says how to create the first admin."""

import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.server.support import REPO, environment, free_port, start_app
from workshop.__main__ import urls


def _serve_once(instance: Path, **extra: str) -> str:
    """Start the app, wait until its login page answers, stop it; return what it printed."""
    port = free_port()
    process = start_app(instance, port, **extra)
    try:
        # A first start writes the demo's six weeks of history: about 25 s here.
        for _ in range(900):  # x 0.1 s
            assert process.poll() is None, process.stdout.read()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as page:
                    assert page.status == 200
                    assert "Облік збирання" in page.read().decode()  # Ukrainian by default
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the app did not answer within 90 s")
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    return output


def test_first_start_seeds_demo_data_and_a_second_start_keeps_it(tmp_path):
    first = _serve_once(tmp_path)
    assert "Demo accounts" in first and "Sokil" in first and "1111" in first
    assert "create-user" not in first
    assert re.search(r"http://127\.0\.0\.1:\d+/", first) and "0.0.0.0" not in first
    database = tmp_path / "workshop.sqlite"
    with sqlite3.connect(database) as connection:
        units = connection.execute("SELECT serial, stage FROM units ORDER BY id").fetchall()
        connection.execute(
            "INSERT INTO serial_counters (prefix, year, last) VALUES ('KEEP', 2026, 7)"
        )
    # Six over the stages and three in the field now, and 21 from the six weeks before.
    assert len(units) == 30

    second = _serve_once(tmp_path)
    assert "Demo accounts" not in second
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT serial, stage FROM units ORDER BY id").fetchall() == units
        assert connection.execute(
            "SELECT last FROM serial_counters WHERE prefix='KEEP'"
        ).fetchone() == (7,)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _counts(database: Path) -> tuple[int, int, int]:
    with sqlite3.connect(database) as connection:
        return tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("users", "drone_types", "units")
        )


def test_a_database_given_by_url_gets_no_demo_data_and_the_start_says_how_to_make_an_admin(
    tmp_path,
):
    database = tmp_path / "given.sqlite"
    url = f"sqlite:///{database.as_posix()}"
    first = _serve_once(tmp_path / "instance", DATABASE_URL=url)
    assert "Demo accounts" not in first and "1111" not in first
    assert "flask --app workshop create-user NAME --role admin --pin PIN" in first
    assert _counts(database) == (0, 0, 0)
    assert not (tmp_path / "instance" / "workshop.sqlite").exists()

    # The command it prints works, and then the start stops asking.
    command = ["create-user", "Koordynator", "--role", "admin", "--pin", "480213"]
    created = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "workshop", *command],
        cwd=REPO,
        env=environment(tmp_path / "instance", DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    second = _serve_once(tmp_path / "instance", DATABASE_URL=url)
    assert "create-user" not in second and "Demo accounts" not in second
    assert _counts(database) == (1, 0, 0)


def test_workshop_demo_seeds_a_database_given_by_url(tmp_path):
    database = tmp_path / "given.sqlite"
    output = _serve_once(
        tmp_path / "instance", DATABASE_URL=f"sqlite:///{database.as_posix()}", WORKSHOP_DEMO="1"
    )
    assert "Demo accounts" in output and "Koordynator" in output
    assert _counts(database) == (3, 2, 30)  # with the six weeks of history


def test_workshop_demo_0_keeps_even_the_default_database_empty(tmp_path):
    output = _serve_once(tmp_path, WORKSHOP_DEMO="0")
    assert "Demo accounts" not in output and "create-user" in output
    assert _counts(tmp_path / "workshop.sqlite") == (0, 0, 0)


def test_the_banner_offers_loopback_and_lan_addresses_never_0_0_0_0():
    offered = urls("0.0.0.0", 5123)
    assert offered[0] == "http://127.0.0.1:5123/"
    assert not any("0.0.0.0" in url for url in offered)
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    lan = {info[4][0] for info in infos if not info[4][0].startswith(("127.", "169.254.", "0."))}
    assert {f"http://{address}:5123/" for address in lan} == set(offered[1:])
    assert urls("127.0.0.1", 5123) == [
        "http://127.0.0.1:5123/"
    ]  # served on loopback only: nothing else


def test_a_setting_the_app_cannot_take_stops_the_start_with_a_sentence(tmp_path):
    process = start_app(tmp_path, free_port(), WORKSHOP_IDLE_MINUTES="an hour")
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "WORKSHOP_IDLE_MINUTES must be a whole number above 0, not 'an hour'." in output
    assert "Traceback" not in output
    assert not (tmp_path / "workshop.sqlite").exists()
