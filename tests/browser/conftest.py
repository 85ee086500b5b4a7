"""Headless Debian Chromium at tablet size against the real app, served from a thread.

Each test gets its own SQLite file (a copy of one migrated with Alembic and seeded with the demo
data once per worker), the app served by werkzeug on a free loopback port, and the translation
catalogs compiled from the .po files into a temporary folder (the .mo files are build output,
never in git).
"""

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Page
from werkzeug.serving import make_server

from tests.browser.tablet import CHROMIUM_ARGS, TABLET_PORTRAIT, LiveServer, watch_csp
from workshop import create_app
from workshop.extensions import db
from workshop.services import demo, fc_jobs

REPO = Path(__file__).resolve().parents[2]
CATALOGS = REPO / "workshop" / "translations"


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", "/usr/lib/chromium/chromium"):
        if Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    assert found, "Debian's chromium is not installed (apt-get install chromium)"
    return found


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": _chromium(),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # A bench tablet held upright; device_scale_factor 1 keeps the screenshots small.
    return {**browser_context_args, "viewport": TABLET_PORTRAIT, "device_scale_factor": 1}


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """pytest-playwright's page, failing the test if the Content-Security-Policy refused
    anything the page asked for: the browser tests run every page with the CSP on."""
    refused = watch_csp(page)
    yield page
    assert refused == [], refused


@pytest.fixture(scope="session")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .po files compiled as `pybabel compile` does (fuzzy entries left out)."""
    out = tmp_path_factory.mktemp("translations")
    for po in CATALOGS.glob("*/LC_MESSAGES/messages.po"):
        target = out / po.relative_to(CATALOGS).with_suffix(".mo")
        target.parent.mkdir(parents=True)
        with po.open("rb") as source:
            catalog = read_po(source)
        with target.open("wb") as sink:
            write_mo(sink, catalog, use_fuzzy=False)
    return out


@dataclass(frozen=True)
class Catalogs:
    """What the UI says in each language, straight from the compiled catalogs."""

    directory: Path

    def __call__(self, msgid: str, lang: str = "uk", **params: str) -> str:
        text = Translations.load(str(self.directory), [lang]).gettext(msgid)
        return text % params if params else text


@pytest.fixture(scope="session")
def t(catalog_dir: Path) -> Catalogs:
    return Catalogs(catalog_dir)


def _browser_app(folder: Path, catalog_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(folder / "instance"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return create_app(
        {
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{(folder / 'workshop.sqlite').as_posix()}",
            "PHOTO_DIR": str(folder / "photos"),
            "BABEL_TRANSLATION_DIRECTORIES": str(catalog_dir),
            # The simulated boards share two cores with parallel workers and Chromium: an
            # answer may lag past the workshop's 0.5 s. These tests are about the pages; the
            # timeouts have tests of their own.
            "FC_MSP_TIMEOUT": 3.0,
            # Playwright's keys come further apart than a scanner's when the machine is busy; a
            # scan split by a pause would be read as two. Person-or-scanner is not tested here.
            "SCAN_KEY_GAP_MS": 1000,
        }
    )


@contextmanager
def _clean_translations(app: Flask) -> Iterator[None]:
    """Flask-Babel keeps loaded catalogs per locale for the whole process, whatever the app:
    start and end with an empty cache so no other test's catalogs leak in or out."""
    translations_cache = app.extensions["babel"].instance.domain_instance.cache
    translations_cache.clear()
    try:
        yield
    finally:
        translations_cache.clear()


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory: pytest.TempPathFactory, catalog_dir: Path) -> Path:
    """A SQLite file migrated and seeded with the demo data once (per worker): the seed runs
    the demo units' real flight-controller runs and takes about 13 s, which every browser test
    paid before. Each test gets its own copy."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as monkeypatch:
        app = _browser_app(folder, catalog_dir, monkeypatch)
        with app.app_context(), _clean_translations(app):
            upgrade()
            demo.seed()
            db.session.remove()
            db.engine.dispose()
    return folder / "workshop.sqlite"


@pytest.fixture
def live_app(
    tmp_path: Path,
    catalog_dir: Path,
    demo_sqlite: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Iterator[Flask]:
    """The app on a real SQLite file of its own, migrated and seeded with the demo data (with
    its weeks of history for a test marked `demo_history`, as a first start seeds it)."""
    history = request.node.get_closest_marker("demo_history") is not None
    if not history:
        # SQLite's backup API copies the database whole, whatever its write-ahead log holds.
        with (
            closing(sqlite3.connect(demo_sqlite)) as source,
            closing(sqlite3.connect(tmp_path / "workshop.sqlite")) as copy,
        ):
            source.backup(copy)
    app = _browser_app(tmp_path, catalog_dir, monkeypatch)
    with app.app_context(), _clean_translations(app):
        if history:
            upgrade()
            demo.seed(history=True)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def simulators(live_app: Flask) -> Iterator[None]:
    """Stop the simulated boards the runs start, with the app."""
    yield
    with live_app.app_context():
        fc_jobs.runner().close()
