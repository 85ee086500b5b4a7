"""Twenty tablets on the real server at once. Prints; asserts nothing.

    python benchmarks/tablets.py [--clients 20] [--threads 8] [--paced 60] [--flat 30]
                                 [--keep DIR]

Seeds a SQLite file as benchmarks/scan_to_page.py does (20,000 units, 200,000 audit events),
adds one volunteer per client and a label printer that never answers (a loopback socket that
accepts and never reads), then starts the server as `make run` does (`python -m workshop`,
waitress, WORKSHOP_THREADS=--threads) and speaks plain HTTP to it, each client with a
keep-alive connection and its own session, as a tablet's browser does.

Each client, logged in as its own volunteer, does what a bench tablet does, one action at a
time: scan a serial and open the unit page it leads to ("scan to unit page", any of the 20,000
units), then work on a unit of its own ("unit page", then at kitting "lot scan" for the lot the
pick list names or "part scan" for a tracked part's code, or "finish" for a finished stage; a
new kit, "new unit", once its unit reaches flashing, where a run is needed). Meanwhile two
bench runs go on, one after another, on the two simulated ports (`sim://...`), and every 2
seconds a label is sent to the printer that never answers.

Phases: one client alone (the floor), then all clients paced (each starts one action every 2
seconds: a busy workshop), then all flat out (no pause). Per phase: requests per second,
median and p95 per kind, errors, and the server's resident memory (peak, from /proc).

Targets: no errors in any phase; paced, scan to unit page p95 at most 1.5 times its p95 with
one client; flat out, the throughput printed and the server's memory at most 150 MB.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

import sqlalchemy as sa
from flask_migrate import upgrade
from scan_to_page import p95, seed

from workshop import create_app
from workshop.extensions import db
from workshop.models import BenchPort, Lot, Part, Place, Printer, Unit, User
from workshop.services import accounts, demo, printing, receiving
from workshop.workflow import Role, Stage

REPO = Path(__file__).resolve().parent.parent
PACED_EVERY = 2.0  # seconds between the starts of one client's actions, paced
SOLO_ACTIONS = 200
PIN = "4321"
PAUSE_TARGET = 1.5
MEMORY_TARGET_MB = 150
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"')
ITEM = re.compile(r'name="item" value="(\d+)"')
#: The tracked part the next kitting scan goes to.
NEXT_PART = re.compile(r'class="part-row next" id="part-(\d+)"')
#: The lot the pick list says to scan next at kitting.
LOT_TO_SCAN = re.compile(r'<p class="where">[^<]*<span class="code">([^<]+)</span>')
#: Pieces of each part received at each site for the benchmark's kits, and the donor's code
#: that marks them (so a kept database is not stocked twice).
KIT_STOCK = 100_000
KIT_SOURCE = "BENCHMARK"
STAGE = re.compile(r'class="badge stage-([a-z_]+)"')
TYPE_OPTION = re.compile(r'<option[^>]*value="(\d+)"')
JOB = re.compile(r"/fc/jobs/([^/?#]+)")


# The database -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workshop:
    serials: list[str]
    volunteers: list[str]
    #: (port id, unit serial at the bench test) for each simulated port
    benches: list[tuple[int, str]]
    printer_id: int
    label_serials: list[str]


def prepare(folder: Path, clients: int, printer_address: str, rng: random.Random) -> Workshop:
    """Seed (or reuse) the database in `folder`; point the printer at `printer_address`."""
    os.environ["WORKSHOP_INSTANCE_PATH"] = str(folder)
    app = create_app({"SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        if demo.is_empty():
            seed(20_000, 200_000, rng)
        admin = accounts.find_by_name(demo.ACCOUNTS[2].name)
        assert admin is not None
        volunteers = [f"Tablet{n:02d}" for n in range(1, clients + 1)]
        for name in volunteers:
            if accounts.find_by_name(name) is None:
                accounts.create_user(name, Role.VOLUNTEER.value, PIN, admin)
        _stock_the_shelves(admin)
        fields = printing.PrinterFields("Never answers", "zpl", printer_address, "", "50x30")
        printer = db.session.scalar(sa.select(Printer).where(Printer.name == fields.name))
        if printer is None:
            printer = printing.add_printer(fields, admin)
        else:
            printing.update_printer(printer.id, fields, admin)
        ports = db.session.scalars(
            sa.select(BenchPort).where(BenchPort.url.startswith("sim://")).order_by(BenchPort.id)
        ).all()
        at_bench = db.session.scalars(
            sa.select(Unit.serial).where(Unit.stage == Stage.BENCH_TEST.value).order_by(Unit.id)
        ).all()
        approved = db.session.scalars(
            sa.select(Unit.serial).where(Unit.stage == Stage.APPROVED.value).limit(50)
        ).all()
        serials = list(db.session.scalars(sa.select(Unit.serial)))
        workshop = Workshop(
            serials=serials,
            volunteers=volunteers,
            benches=[(port.id, serial) for port, serial in zip(ports[:2], at_bench, strict=False)],
            printer_id=printer.id,
            label_serials=list(approved),
        )
        db.session.remove()
        db.engine.dispose()
    return workshop


def _stock_the_shelves(admin: User) -> None:
    """Plenty of every part at every site, so that each client's kits are drawn from lots as a
    tablet draws them (the demo's own lots run out after a few kits)."""
    if db.session.scalar(sa.select(Lot.id).where(Lot.source_code == KIT_SOURCE).limit(1)):
        return
    first_places = db.session.scalars(
        sa.select(Place).where(Place.parent_id.is_(None)).order_by(Place.id)
    ).all()
    sites = {place.site_id: place for place in reversed(first_places)}
    for part_id in db.session.scalars(sa.select(Part.id)):
        for place in sites.values():
            receipt = receiving.Receipt(part_id, KIT_STOCK, place.code, "donation", KIT_SOURCE)
            receiving.receive(receipt, admin)


# The printer that never answers, and the server ---------------------------------------------


@contextmanager
def silent_printer() -> Iterator[str]:
    """A TCP port that accepts connections and never reads from them or answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stopping.set()
        listener.close()
        for connection in held:
            connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(folder: Path, threads: int) -> Iterator[tuple[int, int]]:
    """`python -m workshop` on the instance `folder`: (port, process id)."""
    port = free_port()
    env = os.environ | {
        "WORKSHOP_INSTANCE_PATH": str(folder),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "SECRET_KEY": "bench",
        "WORKSHOP_THREADS": str(threads),
    }
    env.pop("DATABASE_URL", None)
    log = (folder / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "workshop"], cwd=REPO, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, f"the server exited; see {folder / 'server.log'}"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start in 2 minutes"
                time.sleep(0.1)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


class MemoryWatch:
    """The server's resident memory, sampled twice a second; the peak is kept."""

    def __init__(self, pid: int) -> None:
        self.status = Path(f"/proc/{pid}/status")
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def now_kb(self) -> int:
        for line in self.status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            self.peak_kb = max(self.peak_kb, self.now_kb())

    def reset(self) -> None:
        self.peak_kb = self.now_kb()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


# The clients ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """What every client measured in one phase: seconds per kind, and the errors."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, requests: int) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            self.requests += requests

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


class Tablet:
    """One tablet's browser: a keep-alive connection and the session cookie."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, path: str, form: list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of one GET, or a POST of `form`."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request("POST" if form is not None else "GET", path, body, headers)
        answer = self.connection.getresponse()
        text = answer.read().decode()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer.status, answer.headers.get("Location", ""), text

    def post(self, path: str, page: str, *form: tuple[str, str]) -> tuple[int, str, str]:
        """POST `form` with the CSRF token of `page`, as the page's own form would."""
        token = CSRF.search(page)
        assert token, f"no CSRF token on the page before {path}"
        return self.request(path, [("csrf_token", token.group(1)), *form])

    def log_in(self, name: str, pin: str) -> None:
        _, _, page = self.request("/login")
        status, _, _ = self.post("/login", page, ("username", name), ("pin", pin))
        assert status == 302, f"{name} could not log in"


def _path(location: str) -> str:
    return urllib.parse.urlsplit(location).path


class Bench:
    """One volunteer at a bench tablet: alternates a scan with work on a unit of their own."""

    def __init__(self, tablet: Tablet, workshop: Workshop, rng: random.Random) -> None:
        self.tablet = tablet
        self.workshop = workshop
        self.rng = rng
        self.own: str | None = None
        self.turn = 0
        self.page = ""  # the page on the screen: the scan box is on every page

    def act(self, figures: Figures) -> None:
        self.turn += 1
        begin = time.perf_counter()
        if self.turn % 2:
            kind, requests = self._scan_to_page(figures)
        else:
            kind, requests = self._work(figures)
        if kind:
            figures.add(kind, time.perf_counter() - begin, requests)

    def _scan_to_page(self, figures: Figures) -> tuple[str, int]:
        serial = self.rng.choice(self.workshop.serials)
        if not self.page:
            _, _, self.page = self.tablet.request("/")
        status, location, _ = self.tablet.post("/scan", self.page, ("code", serial.lower()))
        if status != 302:
            figures.error(f"scan {serial}: {status}")
            return "", 1
        status, _, self.page = self.tablet.request(_path(location))
        if status != 200:
            figures.error(f"unit page {serial}: {status}")
        return "scan to unit page", 2

    def _work(self, figures: Figures) -> tuple[str, int]:
        if self.own is None:
            return self._new_unit(figures)
        begin = time.perf_counter()
        status, _, page = self.tablet.request(f"/u/{self.own}")
        figures.add("unit page", time.perf_counter() - begin, 1)
        self.page = page
        if status != 200:
            figures.error(f"unit page {self.own}: {status}")
            return "", 0
        stage, version = STAGE.search(page), VERSION.search(page)
        lot, part = LOT_TO_SCAN.search(page), NEXT_PART.search(page)
        if (lot or part) and version:
            # The lot the pick list names first, then the tracked parts' own codes.
            code = lot[1] if lot else f"LOT-{self.own}-{part[1] if part else ''}"
            status, _, _ = self.tablet.post(
                f"/u/{self.own}/parts",
                page,
                ("part-version", version.group(1)),
                ("part-code", code),
            )
            return self._answered("lot scan" if lot else "part scan", status, figures)
        if stage is None or stage.group(1) == Stage.FLASHING.value or not version:
            self.own = None  # a run is needed here: the tablet takes a new kit
            return self._new_unit(figures)
        ticks = [("item", item) for item in ITEM.findall(page)]  # every item ticked
        status, _, _ = self.tablet.post(
            f"/u/{self.own}/finish", page, ("version", version.group(1)), ("note", ""), *ticks
        )
        return self._answered("finish", status, figures)

    def _new_unit(self, figures: Figures) -> tuple[str, int]:
        _, _, page = self.tablet.request("/")
        drone_type = TYPE_OPTION.search(page)
        assert drone_type, "no drone type on the scan page"
        status, location, _ = self.tablet.post("/units/new", page, ("drone_type", drone_type[1]))
        if status == 302 and "/u/" in location:
            self.own = location.rsplit("/u/", 1)[-1]
        return self._answered("new unit", status, figures)

    @staticmethod
    def _answered(kind: str, status: int, figures: Figures) -> tuple[str, int]:
        if status != 302:
            figures.error(f"{kind}: {status}")
        return kind, 1


def run_clients(
    port: int, workshop: Workshop, benches: list[Bench], seconds: float | None, paced: bool
) -> Figures:
    """Every bench acts until `seconds` pass (or SOLO_ACTIONS each, without a limit)."""
    figures = Figures()
    start = time.monotonic()

    def work(bench: Bench, offset: float) -> None:
        try:
            time.sleep(offset)
            for n in range(10**9):
                now = time.monotonic()
                if seconds is None and n >= SOLO_ACTIONS or seconds and now - start >= seconds:
                    return
                bench.act(figures)
                if paced:
                    due = start + offset + (n + 1) * PACED_EVERY
                    time.sleep(max(0.0, due - time.monotonic()))
        except (OSError, http.client.HTTPException, AssertionError) as error:
            figures.error(f"{type(error).__name__}: {error}")

    threads = [
        threading.Thread(
            target=work, args=(bench, PACED_EVERY * n / len(benches) if paced else 0.0)
        )
        for n, bench in enumerate(benches)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.elapsed = time.monotonic() - start
    return figures


# Bench runs and label prints going on meanwhile ------------------------------------------------


class Background:
    """Two bench runs on the simulated ports, one after another each, and a label sent to the
    silent printer every 2 seconds, until stopped."""

    def __init__(self, port: int, workshop: Workshop) -> None:
        self.port = port
        self.workshop = workshop
        self.runs = 0
        self.labels = 0
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._bench, args=(port_id, serial), daemon=True)
            for port_id, serial in workshop.benches
        ] + [threading.Thread(target=self._labels, daemon=True)]
        for thread in self._threads:
            thread.start()

    def _tablet(self, account: demo.DemoAccount) -> Tablet:
        tablet = Tablet(self.port)
        tablet.log_in(account.name, account.pin)
        return tablet

    def _bench(self, port_id: int, serial: str) -> None:
        try:
            tablet = self._tablet(demo.ACCOUNTS[0])
            while not self._stop.is_set():
                _, _, page = tablet.request(f"/u/{serial}/fc/bench")
                status, location, body = tablet.post(
                    f"/u/{serial}/fc/bench", page, ("port", str(port_id))
                )
                job = JOB.search(location)
                if status != 303 or not job:
                    self.errors.append(f"bench run on {serial}: {status} {body[:200]}")
                    return
                while not self._stop.wait(0.5):
                    _, _, state = tablet.request(f"/fc/jobs/{job[1]}/state")
                    if '"finished": true' in state or '"finished":true' in state:
                        self.runs += 1
                        break
        except (OSError, http.client.HTTPException, AssertionError) as error:
            self.errors.append(f"bench run: {type(error).__name__}: {error}")

    def _labels(self) -> None:
        try:
            tablet = self._tablet(demo.ACCOUNTS[2])
            serials = self.workshop.label_serials
            while not self._stop.wait(PACED_EVERY):
                serial = serials[self.labels % len(serials)]
                _, _, page = tablet.request(f"/u/{serial}")
                status, _, _ = tablet.post(
                    f"/u/{serial}/label/send", page, ("printer", str(self.workshop.printer_id))
                )
                if status != 302:
                    self.errors.append(f"label for {serial}: {status}")
                self.labels += 1
        except (OSError, http.client.HTTPException, AssertionError) as error:
            self.errors.append(f"labels: {type(error).__name__}: {error}")

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=150)


# Reporting -----------------------------------------------------------------------------------

MS = 1000


def report(name: str, figures: Figures, memory: MemoryWatch) -> dict[str, float]:
    elapsed = figures.elapsed
    print(
        f"  {name}: {figures.requests} requests in {elapsed:.1f} s = "
        f"{figures.requests / elapsed:.1f} requests/s, errors {len(figures.errors)}, "
        f"server memory peak {memory.peak_kb / 1024:.0f} MB"
    )
    p95s = {}
    for kind, times in sorted(figures.times.items()):
        if len(times) < 2:
            continue
        p95s[kind] = p95(times)
        print(
            f"    {kind:<18} n={len(times):<5} median {statistics.median(times) * MS:7.1f} ms, "
            f"p95 {p95s[kind] * MS:7.1f} ms"
        )
    for error in figures.errors[:5]:
        print(f"    error: {error}")
    return p95s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8, help="waitress's threads")
    parser.add_argument("--paced", type=float, default=60.0, help="seconds of the paced phase")
    parser.add_argument("--flat", type=float, default=30.0, help="seconds of the flat-out phase")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--keep", metavar="DIR", help="seed into DIR and keep it for later runs")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench-tablets-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with silent_printer() as printer_address:
            run(folder, args, printer_address, rng)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path, args: argparse.Namespace, printer_address: str, rng: random.Random) -> None:
    begin = time.perf_counter()
    workshop = prepare(folder, args.clients, printer_address, rng)
    print(
        f"twenty tablets: SQLite file in {folder}, prepared in {time.perf_counter() - begin:.0f} s"
    )
    print(
        f"  {len(workshop.serials)} units; server `python -m workshop` (waitress, "
        f"{args.threads} threads); {len(workshop.benches)} bench runs on simulated ports and a "
        "label every 2 s to a printer that never answers, all the while"
    )
    with served(folder, args.threads) as (port, pid):
        memory = MemoryWatch(pid)
        benches = []
        for name in workshop.volunteers:
            tablet = Tablet(port)
            tablet.log_in(name, PIN)
            benches.append(Bench(tablet, workshop, random.Random(rng.random())))
        background = Background(port, workshop)
        try:
            solo = report(
                "one client alone, no pause",
                run_clients(port, workshop, benches[:1], None, paced=False),
                memory,
            )
            memory.reset()
            paced = report(
                f"{args.clients} clients paced (one action each every {PACED_EVERY:.0f} s)",
                run_clients(port, workshop, benches, args.paced, paced=True),
                memory,
            )
            memory.reset()
            flat = report(
                f"{args.clients} clients flat out",
                run_clients(port, workshop, benches, args.flat, paced=False),
                memory,
            )
        finally:
            background.stop()
            memory.close()
        print(
            f"  meanwhile: {background.runs} bench runs finished, {background.labels} labels "
            f"sent, errors {len(background.errors)} {background.errors[:3]}"
        )
    kind = "scan to unit page"
    ratio = paced[kind] / solo[kind]
    verdict = "met" if ratio <= PAUSE_TARGET else "NOT met"
    print(
        f"  paced {kind} p95 / one client's: {ratio:.2f} (target <= {PAUSE_TARGET}: {verdict}); "
        f"flat out p95 {flat[kind] * MS:.0f} ms; memory target <= {MEMORY_TARGET_MB} MB"
    )


if __name__ == "__main__":
    main()
