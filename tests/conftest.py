"""The app on a real database: a fresh SQLite file per test, or PostgreSQL via DATABASE_URL."""

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


def _postgres_url() -> str | None:
    """The PostgreSQL database the suite may wipe: only one whose name ends in `_test`."""
    url = os.environ.get("DATABASE_URL")
    if url and not sa.make_url(url).database.endswith("_test"):
        pytest.exit(
            f"DATABASE_URL names {sa.make_url(url).database!r}; the tests drop every table of the "
            "database they use, so they only run on one whose name ends in _test.",
            returncode=2,
        )
    return url


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
