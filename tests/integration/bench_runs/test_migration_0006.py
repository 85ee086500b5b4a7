"""Migration 0006 (structured limits) on a database that already holds bench runs."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import _test_app
from tests.helpers import login, make_user
from tests.integration.support import english, text
from workshop.extensions import db

MEASUREMENTS = [
    # name, value, unit, limit, passed, detail: as 0005 stored them, words only
    ("firmware_variant", '"BTFL"', "", "one of BTFL, INAV", 1, ""),
    ("gyro_noise_x", "5.1", "deg/s", "<= 2", 0, "standard deviation over 50 samples at rest"),
]


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("bench_measurements")}


def _stored() -> list[tuple]:
    return db.session.execute(
        sa.text(
            'SELECT name, value, unit, "limit", passed, detail FROM bench_measurements ORDER BY id'
        )
    ).all()


def test_upgrading_keeps_every_run_in_its_words_and_downgrading_undoes_it(tmp_path: Path):
    app = _test_app(f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}", tmp_path)
    with app.app_context():
        upgrade(revision="0005")
        for statement in (
            "INSERT INTO users (name, role, pin_hash, active, created_at) "
            "VALUES ('Sokil', 'volunteer', 'x', 1, '2026-01-01')",
            "INSERT INTO drone_types (name, prefix, active) VALUES ('FPV 7', 'FPV7', 1)",
            "INSERT INTO units (serial, drone_type_id, stage, status, rework, status_note, "
            "created_at, stage_since, created_by_id, version) VALUES ('FPV7-2026-00001', 1, "
            "'bench_test', 'active', 0, '', '2026-01-01', '2026-01-01', 1, 3)",
            "INSERT INTO bench_runs (unit_id, kind, stage, verdict, reason, at, user_id, url, "
            "limits, transcript) VALUES (1, 'bench', 'bench_test', 'fail', "
            "'1 of 2 measurements out of limits: gyro_noise_x', '2026-01-02', 1, "
            "'sim://noisy_gyro', '{}', '[]')",
        ):
            db.session.execute(sa.text(statement))
        for position, row in enumerate(MEASUREMENTS):
            db.session.execute(
                sa.text(
                    "INSERT INTO bench_measurements (run_id, position, name, value, unit, "
                    '"limit", passed, detail) VALUES (1, :position, :name, :value, :unit, '
                    ":limit, :passed, :detail)"
                ),
                dict(zip(("name", "value", "unit", "limit", "passed", "detail"), row, strict=True))
                | {"position": position},
            )
        db.session.commit()
        before = _stored()

        upgrade()

        assert {"limit_spec", "detail_spec"} <= _columns()
        assert _stored() == before
        assert db.session.execute(
            sa.text("SELECT limit_spec, detail_spec FROM bench_measurements")
        ).all() == [(None, None), (None, None)]
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        # The run stored before reads as it did: its limits and details in the words it kept.
        reader = make_user()
        client = app.test_client()
        login(client, reader)
        english(client)
        page = text(client.get("/runs/1"))
        assert "one of BTFL, INAV" in page and "&lt;= 2 deg/s" in page
        assert "standard deviation over 50 samples at rest" in page

        downgrade(revision="0005")

        assert not {"limit_spec", "detail_spec"} & _columns()
        assert _stored() == before
        db.session.remove()
        db.engine.dispose()
