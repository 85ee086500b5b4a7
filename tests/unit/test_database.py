"""The embedded SQLite file runs safe for a workshop laptop: WAL, FULL sync, foreign keys."""

import sqlalchemy as sa

from workshop import create_app
from workshop.extensions import db


def test_every_sqlite_connection_gets_wal_full_sync_and_foreign_keys(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{(tmp_path / 'w.sqlite').as_posix()}",
            "SECRET_KEY": "t",
        }
    )
    with app.app_context():
        with db.engine.connect() as connection:
            values = {
                name: connection.execute(sa.text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
        assert values == {
            "journal_mode": "wal",
            "synchronous": 2,
            "foreign_keys": 1,
            "busy_timeout": 15000,
        }
        db.engine.dispose()
