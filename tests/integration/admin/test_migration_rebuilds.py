"""A migration that rebuilds a SQLite table other rows point at keeps those rows and checks."""

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import _test_app
from workshop.extensions import db


def test_rebuilding_the_users_table_keeps_the_units_that_point_at_it(tmp_path: Path):
    app = _test_app(f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}", tmp_path)
    with app.app_context():
        upgrade(revision="0003")
        db.session.execute(
            sa.text(
                "INSERT INTO users (name, role, pin_hash, active, created_at) "
                "VALUES ('Sokil', 'volunteer', 'x', 1, '2026-01-01')"
            )
        )
        db.session.execute(
            sa.text("INSERT INTO drone_types (name, prefix, active) VALUES ('FPV 7', 'FPV7', 1)")
        )
        db.session.execute(
            sa.text(
                "INSERT INTO units (serial, drone_type_id, stage, status, rework, status_note, "
                "created_at, stage_since, created_by_id, version) "
                "VALUES ('FPV7-2026-00001', 1, 'kitting', 'active', 0, '', "
                "'2026-01-01', '2026-01-01', 1, 1)"
            )
        )
        db.session.commit()

        # 0004 rebuilds `users` (batch mode copies, drops and renames a SQLite table).
        upgrade(revision="0004")

        assert db.session.execute(sa.text("SELECT serial, created_by_id FROM units")).all() == [
            ("FPV7-2026-00001", 1)
        ]
        # Foreign keys are enforced again once the migration is over.
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
        db.session.remove()
        db.engine.dispose()
