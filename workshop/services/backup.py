"""A consistent copy of the database while the app runs."""

import sqlite3
from contextlib import closing
from pathlib import Path

from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.services.errors import Invalid


def backup(target: Path) -> Path:
    """Copy the SQLite database with the online backup API (safe beside live writers)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise Invalid(_l("Back up a PostgreSQL database with pg_dump."))
    if target.exists():
        raise Invalid(_l("%(path)s exists already; choose a new file name.", path=str(target)))
    target.parent.mkdir(parents=True, exist_ok=True)
    source_path = engine.url.database
    assert source_path is not None
    # closing() because a sqlite3 connection's own `with` commits but never closes, and an
    # open file cannot be moved or deleted on Windows.
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        target.unlink(missing_ok=True)
        raise Invalid(_l("The copy failed its integrity check: %(result)s", result=result))
    return target
