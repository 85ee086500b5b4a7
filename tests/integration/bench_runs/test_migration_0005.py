"""Migration 0005 (flight-controller runs) on a database that already holds units."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import _test_app
from tests.helpers import make_drone_type, make_unit
from workshop.extensions import db
from workshop.workflow import Stage

NEW_TABLES = {
    "bench_runs",
    "bench_measurements",
    "limits_versions",
    "golden_configs",
    "board_bindings",
    "board_conflicts",
    "station_tokens",
    "bench_ports",
}


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_upgrading_keeps_every_unit_and_matches_the_models_and_downgrading_undoes_it(
    tmp_path: Path,
):
    app = _test_app(f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}", tmp_path)
    with app.app_context():
        upgrade(revision="0004")
        assert not NEW_TABLES & _tables()
        # A unit built before the upgrade (no run was needed then), written in plain SQL: the
        # models already know the new tables.
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
                "VALUES ('FPV7-2026-00001', 1, 'bench_test', 'active', 0, '', "
                "'2026-01-01', '2026-01-01', 1, 3)"
            )
        )
        db.session.commit()

        upgrade()

        assert NEW_TABLES.issubset(_tables())
        assert db.session.execute(sa.text("SELECT serial, stage, version FROM units")).all() == [
            ("FPV7-2026-00001", "bench_test", 3)
        ]
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        # The new tables work: a unit made now walks to review through real runs.
        assert make_unit(make_drone_type("T7"), at=Stage.REVIEW).stage == "review"

        downgrade(revision="0004")

        assert not NEW_TABLES & _tables()
        assert ("FPV7-2026-00001",) in db.session.execute(sa.text("SELECT serial FROM units")).all()
        db.session.remove()
        db.engine.dispose()
