"""Crash safety: SIGKILL the real server while tablets finish stages, start it again, and find
every answered change kept, the SQLite file intact, and the audit log agreeing with the units.

The server runs as its own process (`python -m workshop`, waitress, demo data on first start)
with an instance folder of its own; the clients are threads speaking plain HTTP on loopback,
each with its own cookie session, each working on units it started itself.
"""

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VOLUNTEER = ("Sokil", "1111")  # the demo volunteer seeded on the first start
CLIENTS = 6
KILL_AFTER = 150  # answered changes (over all clients) before the server is killed: a kit
# drawn from stock with its parts' serials is about 14 per client, so about half are finished
# stages
MAX_STEPS = 400  # per client: a bound on the loop, far above what the kill leaves time for
START_POLLS = 600  # x 0.1 s: how long a (re)start may take before the test gives up

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')
ITEM = re.compile(r'name="item" value="(\d+)"')
#: A tracked part waiting at kitting (its bill-of-materials line's id), one scan each.
PART_ITEM = re.compile(r'class="part-row[^"]*" id="part-(\d+)"')
#: A pick line still to draw, and the lot it says to scan (none when the shelves are bare:
#: then it is drawn without a lot).
PICK_LINE = re.compile(r'<li class="pick-line" id="line-(\d+)">(.*?)</li>', re.S)
SHELF_LOT = re.compile(r'<p class="where">[^<]*<span class="code">([^<]+)</span>')
STAGE = re.compile(r'class="badge stage-([a-z_]+)"')
TYPE_OPTION = re.compile(r'<option[^>]*value="(\d+)"')
FINISH_FORM = 'id="finish-form"'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """`python -m workshop` on a loopback port with its own instance folder."""

    instance: Path
    log: Path
    process: subprocess.Popen | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = _free_port()
        env = os.environ | {
            "WORKSHOP_INSTANCE_PATH": str(self.instance),
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "SECRET_KEY": "crash-test",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DATABASE_URL", None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "workshop"], cwd=REPO, env=env, stdout=log, stderr=log
            )
        for _ in range(START_POLLS):
            assert self.process.poll() is None, f"the server exited:\n{self.log.read_text()}"
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
        raise AssertionError(f"the server did not answer on {self.url}:\n{self.log.read_text()}")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer we check, not something to follow


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: str


class Tablet:
    """One bench tablet: a cookie session speaking to the server over loopback."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )

    def request(self, path: str, form: list[tuple[str, str]] | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as answer:
                return Answer(
                    answer.status, answer.headers.get("Location", ""), answer.read().decode()
                )
        except urllib.error.HTTPError as error:  # 3xx and 4xx land here without redirects
            return Answer(error.code, error.headers.get("Location", ""), error.read().decode())

    def token(self, page: str) -> str:
        match = CSRF.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def log_in(self, name: str, pin: str) -> None:
        page = self.request("/login").body
        answer = self.request(
            "/login", [("csrf_token", self.token(page)), ("username", name), ("pin", pin)]
        )
        assert answer.status == 302, answer.body


@dataclass
class ClientLog:
    """What one client was told: each change answered with success, and how it stopped."""

    created: list[str] = field(default_factory=list)
    #: (serial, the stage that was finished)
    finished: list[tuple[str, str]] = field(default_factory=list)
    #: (serial, part code) recorded at kitting
    parts: list[tuple[str, str]] = field(default_factory=list)
    #: (serial, BOM line id) drawn from a lot or without one
    draws: list[tuple[str, int]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lost_connection: bool = False


class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.changed = threading.Condition()

    def add(self) -> None:
        with self.changed:
            self.value += 1
            self.changed.notify_all()

    def wait_for(self, target: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.value >= target, timeout=timeout)


def _start_unit(tablet: Tablet, log: ClientLog, answered: Counter) -> str | None:
    bench = tablet.request("/").body
    drone_type = TYPE_OPTION.search(bench)
    assert drone_type, "no drone type to start a unit with"
    answer = tablet.request(
        "/units/new", [("csrf_token", tablet.token(bench)), ("drone_type", drone_type.group(1))]
    )
    serial = answer.location.rsplit("/u/", 1)[-1] if "/u/" in answer.location else ""
    if answer.status != 302 or not serial:
        log.unexpected.append(f"new unit: {answer.status} {answer.location}")
        return None
    log.created.append(serial)
    answered.add()
    # Kitting finishes only once every line is drawn from the shelves and every tracked part
    # has its code.
    page = tablet.request(f"/u/{serial}").body
    emptied = 0  # lots another tablet took the last pieces of since the page was read
    while (line := PICK_LINE.search(page)) is not None and emptied < MAX_STEPS:
        item, block = line.groups()
        version = VERSION.search(page)
        assert version, f"the unit page of {serial} lacks its version"
        token = tablet.token(page)
        if shelf := SHELF_LOT.search(block):
            form = [("csrf_token", token), ("draw-version", version.group(1))]
            answer = tablet.request(f"/u/{serial}/draw", form + [("draw-code", shelf.group(1))])
        else:
            form = [("csrf_token", token), ("nolot-version", version.group(1))]
            form += [("nolot-bom_item", item), ("nolot-reason", "crash test: shelves bare")]
            answer = tablet.request(
                f"/u/{serial}/draw-without-lot", form + [("nolot-quantity", "1")]
            )
        if shelf and answer.status == 400:
            # Another tablet took the lot's last pieces since the page was read: the refusal
            # the race must give. Read the shelves again (a real bug fails the finish below).
            emptied += 1
            page = tablet.request(f"/u/{serial}").body
            continue
        if answer.status != 302:
            log.unexpected.append(f"draw {serial}: {answer.status} {answer.body[:200]}")
            return None
        log.draws.append((serial, int(item)))
        answered.add()
        page = tablet.request(f"/u/{serial}").body
    for item in PART_ITEM.findall(page):
        version = VERSION.search(page)
        assert version, f"the unit page of {serial} lacks its version"
        code = f"LOT-{serial}-{item}"
        form = [
            ("csrf_token", tablet.token(page)),
            ("part-version", version.group(1)),
            ("part-bom_item", item),
            ("part-code", code),
        ]
        answer = tablet.request(f"/u/{serial}/parts", form)
        if answer.status != 302:
            log.unexpected.append(f"part {serial}: {answer.status} {answer.body[:200]}")
            return None
        log.parts.append((serial, code))
        answered.add()
        page = tablet.request(f"/u/{serial}").body
    return serial


def _work(base: str, log: ClientLog, answered: Counter, ready: threading.Barrier) -> None:
    """Start units and finish their stages one after another until the server goes away."""
    tablet = Tablet(base)
    try:
        tablet.log_in(*VOLUNTEER)
        ready.wait(timeout=60)
        serial = _start_unit(tablet, log, answered)
        for _ in range(MAX_STEPS):
            if serial is None:
                return
            page = tablet.request(f"/u/{serial}").body
            stage, version = STAGE.search(page), VERSION.search(page)
            # At flashing the flight controller must be read first (a run, not a tick): the
            # tablet leaves the unit there and takes a new kit, as it would one at review.
            if FINISH_FORM not in page or (stage and stage.group(1) == "flashing"):
                serial = _start_unit(tablet, log, answered)
                continue
            assert stage and version, f"the unit page of {serial} lacks its stage or version"
            form = [("csrf_token", tablet.token(page)), ("version", version.group(1)), ("note", "")]
            form += [("item", item) for item in ITEM.findall(page)]
            answer = tablet.request(f"/u/{serial}/finish", form)
            if answer.status == 302 and answer.location.endswith(f"/u/{serial}"):
                log.finished.append((serial, stage.group(1)))
                answered.add()
            else:
                log.unexpected.append(f"finish {serial}: {answer.status} {answer.body[:200]}")
                return
    except (OSError, http.client.HTTPException):
        # The kill: refused, reset, or cut off mid-answer. Whatever was not answered may or
        # may not have been saved; everything answered must have been.
        log.lost_connection = True


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(instance=tmp_path / "instance", log=tmp_path / "server.log")
    try:
        yield server
    finally:
        server.stop()


def _database(server: Server) -> sqlite3.Connection:
    path = server.instance / "workshop.sqlite"
    assert path.exists(), f"no database at {path}"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def test_answered_changes_survive_sigkill_and_the_audit_log_agrees(server: Server):
    server.start()
    logs = [ClientLog() for _ in range(CLIENTS)]
    answered = Counter()
    ready = threading.Barrier(CLIENTS + 1)
    threads = [
        threading.Thread(target=_work, args=(server.url, log, answered, ready), daemon=True)
        for log in logs
    ]
    for thread in threads:
        thread.start()
    ready.wait(timeout=60)
    assert answered.wait_for(KILL_AFTER, timeout=120), (
        f"only {answered.value} changes answered: "
        f"{[log.unexpected for log in logs]}\n{server.log.read_text()[-2000:]}"
    )

    server.kill()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert [log.unexpected for log in logs] == [[]] * CLIENTS
    # Killed mid-stream: every client was still working when the server vanished.
    assert all(log.lost_connection for log in logs)

    server.start()  # the same instance folder, so the same database; no demo data again
    created = [serial for log in logs for serial in log.created]
    finished = [change for log in logs for change in log.finished]
    recorded = [part for log in logs for part in log.parts]
    answered_draws = sum(len(log.draws) for log in logs)
    assert len(created) + len(finished) + len(recorded) + answered_draws >= KILL_AFTER
    assert finished, "the kill came before any stage was finished"

    db = _database(server)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        stages = dict(db.execute("SELECT serial, stage FROM units"))
        records = db.execute(
            "SELECT u.serial, r.stage FROM stage_records r JOIN units u ON u.id = r.unit_id"
            " WHERE r.outcome = 'done'"
        ).fetchall()
        events = db.execute(
            "SELECT entity_key, action, after FROM audit_events WHERE entity = 'unit' ORDER BY id"
        ).fetchall()
        parts = db.execute(
            "SELECT u.serial, p.code FROM unit_parts p JOIN units u ON u.id = p.unit_id"
        ).fetchall()
        drawn = db.execute(
            "SELECT u.serial, e.bom_item_id FROM stock_ledger e JOIN units u ON u.id = e.unit_id"
            " WHERE e.kind = 'draw'"
        ).fetchall()
        # Every lot is the sum of its ledger: no draw left the stock without its row, or the
        # reverse (what `flask verify-stock` checks).
        unbalanced = db.execute(
            "SELECT l.code FROM lots l LEFT JOIN (SELECT lot_id, SUM(lot_change) AS total"
            " FROM stock_ledger GROUP BY lot_id) s ON s.lot_id = l.id"
            " WHERE l.quantity != COALESCE(s.total, 0)"
        ).fetchall()
        demo_users = db.execute("SELECT count(*) FROM users").fetchone()[0]
    finally:
        db.close()

    assert demo_users == 3, "the second start seeded the demo data again"
    # Every change answered with success is in the database.
    assert [serial for serial in created if serial not in stages] == []
    assert [change for change in finished if change not in records] == []
    assert [part for part in recorded if part not in parts] == []
    draws = [draw for log in logs for draw in log.draws]
    assert draws and [draw for draw in draws if draw not in drawn] == []
    assert unbalanced == []
    # The audit log agrees with the units: the last event of each unit names its stage...
    last_stage = {
        key: json.loads(after)["stage"]
        for key, _action, after in events
        if after and "stage" in json.loads(after)
    }
    assert {serial: last_stage.get(serial) for serial in stages} == stages
    # ...and each finished stage has exactly one audit event, written in its transaction.
    finish_events = sorted(
        (key, json.loads(after)["record_stage"])
        for key, action, after in events
        if action == "unit.finish"
    )
    assert finish_events == sorted(records)

    # The restarted server serves the units as they were left.
    tablet = Tablet(server.url)
    tablet.log_in(*VOLUNTEER)
    for serial in created:
        answer = tablet.request(f"/api/units/{serial}")
        assert answer.status == 200, answer.body
        assert json.loads(answer.body)["stage"] == stages[serial]
