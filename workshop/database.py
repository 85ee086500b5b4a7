"""Engine settings that keep a SQLite file safe on a workshop laptop with a UPS."""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve().as_posix()}"


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # Waitress serves from threads; SQLite waits for a lock instead of failing.
        return {"connect_args": {"timeout": 15, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def install_sqlite_pragmas(engine: sa.Engine) -> None:
    """WAL for readers beside a writer, FULL sync so an answered write survives power loss."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


def init_engine(app: Flask) -> None:
    from workshop.extensions import db

    with app.app_context():
        install_sqlite_pragmas(db.engine)
