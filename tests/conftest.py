"""The app on a real database: a fresh SQLite file per test, or PostgreSQL via DATABASE_URL."""

import os
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


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    url = os.environ.get("DATABASE_URL")
    if url:
        _reset_postgres(url)
    else:
        url = f"sqlite:///{(tmp_path / 'workshop.sqlite').as_posix()}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "PHOTO_DIR": str(tmp_path / "photos"),
        }
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask):
    return app.test_client()
