"""Migration 0008 (checklist evidence) on a database that already holds drone types and units."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import _test_app
from tests.helpers import login, make_user
from tests.integration.support import english, text
from workshop.extensions import db


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("checklist_items")}


def _items() -> list[tuple]:
    return db.session.execute(
        sa.text("SELECT id, stage, text, required, position FROM checklist_items ORDER BY id")
    ).all()


def test_upgrading_keeps_every_item_ticked_by_hand_and_downgrading_undoes_it(tmp_path: Path):
    app = _test_app(f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}", tmp_path)
    with app.app_context():
        upgrade(revision="0007")
        for statement in (
            "INSERT INTO users (name, role, pin_hash, active, created_at) "
            "VALUES ('Sokil', 'volunteer', 'x', 1, '2026-01-01')",
            "INSERT INTO drone_types (name, prefix, active) VALUES ('FPV 7', 'FPV7', 1)",
            "INSERT INTO checklist_items (drone_type_id, stage, text, required, position) "
            "VALUES (1, 'bench_test', 'Gyro answers', 1, 0), "
            "(1, 'bench_test', 'Video in the goggles', 0, 1)",
            "INSERT INTO units (serial, drone_type_id, stage, status, rework, status_note, "
            "created_at, stage_since, created_by_id, version) VALUES ('FPV7-2026-00001', 1, "
            "'bench_test', 'active', 0, '', '2026-01-01', '2026-01-01', 1, 3)",
        ):
            db.session.execute(sa.text(statement))
        db.session.commit()
        before = _items()

        upgrade()

        assert "evidence" in _columns()
        assert _items() == before
        assert db.session.execute(sa.text("SELECT evidence FROM checklist_items")).all() == [
            (None,),
            (None,),
        ]
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        # Items saved before are ticked by hand, as they always were.
        reader = make_user()
        client = app.test_client()
        login(client, reader)
        english(client)
        page = text(client.get("/u/FPV7-2026-00001"))
        assert '<input type="checkbox" name="item" value="1" data-required>' in page
        assert "proof" not in page.split('id="finish-form"', 1)[1].split("</form>", 1)[0]

        downgrade(revision="0007")

        assert "evidence" not in _columns()
        assert _items() == before
        db.session.remove()
        db.engine.dispose()
