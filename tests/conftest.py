"""The app on a real database: a fresh SQLite file per test, or PostgreSQL via DATABASE_URL.

Under pytest-xdist (`make test` runs `pytest -n ...`) each worker has a PostgreSQL database of
its own, named after DATABASE_URL's with the worker's id appended (`h15_test` -> `h15_test_gw0`),
created when the worker starts and dropped when it ends, so workers never wipe each other's
tables. Everything else a test writes is under its own tmp_path, and servers take free ports.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from workshop import create_app
from workshop.extensions import db


class FreshContextClient(FlaskClient):
    """Each request in an app context of its own, as under waitress: nothing in `g` leaks."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _suite_postgres_url() -> sa.URL | None:
    """DATABASE_URL, only if it names a database the suite may wipe (ending in `_test`)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    parsed = sa.make_url(url)
    if not (parsed.database or "").endswith("_test"):
        pytest.exit(
            f"DATABASE_URL names {parsed.database!r}; the tests drop every table of the "
            "database they use, so they only run on one whose name ends in _test.",
            returncode=2,
        )
    return parsed


def _worker_postgres_url(suite: sa.URL) -> sa.URL:
    """This process's database: the suite's own, or one per xdist worker beside it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return suite.set(database=f"{suite.database}_{worker}") if worker else suite


def _postgres_url() -> str | None:
    """The PostgreSQL database this process's tests may wipe, or None to run on SQLite."""
    suite = _suite_postgres_url()
    if suite is None:
        return None
    return _worker_postgres_url(suite).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def worker_postgres_database() -> Iterator[None]:
    """Under xdist with DATABASE_URL, this worker's database: created empty, dropped at the end.

    Created from a connection to the suite's database (the role needs CREATEDB, which
    tests/setup_system.sh grants), as a copy of nothing: the tests migrate it themselves.
    """
    suite = _suite_postgres_url()
    if suite is None or "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    name = _worker_postgres_url(suite).database
    admin = sa.create_engine(suite, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _test_app(url: str, tmp_path: Path) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "PHOTO_DIR": str(tmp_path / "photos"),
            "BACKUP_DIR": str(tmp_path / "backups"),
            # Scrypt makes every PIN cost ~0.1 s; the tests create hundreds of accounts.
            "PIN_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once by Alembic; each test gets its own copy."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "workshop.sqlite"
    app = _test_app(f"sqlite:///{path.as_posix()}", folder)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    url = _postgres_url()
    if url:
        _reset_postgres(url)
    else:
        path = tmp_path / "workshop.sqlite"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        url = f"sqlite:///{path.as_posix()}"
    app = _test_app(url, tmp_path)
    with app.app_context():
        if url.startswith("postgresql"):
            upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask):
    return app.test_client()
