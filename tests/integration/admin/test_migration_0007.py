"""Migration 0007 (hardening) on a database that already holds audit events and print jobs:
the events are chained in the order of their ids, the chain holds, and downgrading undoes it.
On PostgreSQL when the suite runs there (DATABASE_URL), else on a SQLite file."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import _postgres_url, _reset_postgres, _test_app
from tests.helpers import make_user
from workshop.extensions import db
from workshop.models.audit import GENESIS
from workshop.services import audit_log

OLD_ROWS = (
    "INSERT INTO users (name, role, pin_hash, active, created_at) "
    "VALUES ('Sokil', 'admin', 'x', true, '2026-01-01 10:00:00')",
    "INSERT INTO audit_events (at, user_id, action, entity, entity_key, before, after) VALUES "
    "('2026-01-01 10:00:00.250000', NULL, 'user.create', 'user', '1', NULL, "
    '\'{"name": "Сокіл", "role": "admin"}\')',
    "INSERT INTO audit_events (at, user_id, action, entity, entity_key, before, after) VALUES "
    "('2026-01-02 11:30:00', 1, 'port.create', 'port', '1', NULL, "
    '\'{"url": "COM3", "tags": [1, 2.5, null, true]}\')',
    "INSERT INTO audit_events (at, user_id, action, entity, entity_key, before, after) VALUES "
    "('2026-01-02 11:31:00', 1, 'user.update', 'user', '1', '{\"active\": true}', "
    "'{\"active\": false}')",
    "INSERT INTO printers (name, kind, address, model, stock_id, active) "
    "VALUES ('Zebra', 'zpl', 'tcp://192.168.1.20:9100', '', '50x30', true)",
    "INSERT INTO print_jobs (what, subject, stock_id, printer_id, copies, state, error, "
    "attempts, created_at) VALUES ('unit', 'FPV7-2026-00001', '50x30', 1, 1, 'failed', "
    "'refused', 1, '2026-01-03 09:00:00')",
)


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def test_upgrading_chains_the_events_already_there_and_downgrading_undoes_it(tmp_path: Path):
    url = _postgres_url()
    if url:
        _reset_postgres(url)
    else:
        url = f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}"
    app = _test_app(url, tmp_path)
    with app.app_context():
        upgrade(revision="0006")
        for statement in OLD_ROWS:
            db.session.execute(sa.text(statement))
        db.session.commit()

        upgrade()

        rows = db.session.execute(
            sa.text("SELECT id, prev_hash, hash FROM audit_events ORDER BY id")
        ).all()
        assert rows[0].prev_hash == GENESIS
        assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
        check = audit_log.verify()
        assert (check.checked, check.broken) == (3, None)
        assert db.session.execute(sa.text("SELECT label_base, locale FROM print_jobs")).one() == (
            "",
            "uk",
        )
        assert {"login_sessions", "login_failures"} <= set(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        # New events follow the old ones on the same chain.
        make_user()
        assert audit_log.verify() == audit_log.ChainCheck(4)
        db.session.remove()

        downgrade(revision="0006")
        assert not {"prev_hash", "hash"} & _columns("audit_events")
        assert not {"label_base", "locale"} & _columns("print_jobs")
        assert not {"login_sessions", "login_failures"} & set(
            sa.inspect(db.engine).get_table_names()
        )
        assert db.session.scalar(sa.text("SELECT count(*) FROM audit_events")) == 4
        db.session.remove()
        db.engine.dispose()
