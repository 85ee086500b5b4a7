"""Migration 0011 (the units' timeline) on a database that already holds moved units: each
unit's moves in the audit log become its stays at stages, a hold and its release splitting a
visit; downgrading drops the table and leaves the units and the log as they were."""

import json
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import _postgres_url, _reset_postgres, _test_app
from tests.helpers import login, make_user
from tests.integration.support import english
from workshop.extensions import db

SERIAL = "FPV7-2026-00001"


def _move(at: str, action: str, before: dict, after: dict) -> dict:
    return {
        "at": f"2026-03-{at}",
        "action": f"unit.{action}",
        "before": json.dumps(before),
        "after": json.dumps(after),
    }


def _state(stage: str, status: str = "active", rework: bool = False) -> dict:
    # Snapshots written before revision 0009 carry no `repair`.
    return {"stage": stage, "status": status, "rework": rework}


#: One unit's life: kitting, a hold and release at soldering, a failed flashing sent back to
#: soldering as rework, flashing again. A part recorded (not a move) is no stay.
MOVES = [
    _move("01 10:00:00", "finish", _state("kitting"), _state("soldering")),
    _move("01 12:00:00", "hold", _state("soldering"), _state("soldering", "on_hold")),
    _move("01 14:00:00", "release", _state("soldering", "on_hold"), _state("soldering")),
    _move("01 15:00:00", "parts", {}, {"part": "ESC"}),
    _move("01 16:00:00", "finish", _state("soldering"), _state("flashing")),
    _move(
        "02 09:00:00",
        "fail",
        _state("flashing"),
        _state("soldering", rework=True) | {"reason": "cold_joint"},
    ),
    _move("02 11:00:00", "finish", _state("soldering", rework=True), _state("flashing")),
]

ROWS = [
    (
        "INSERT INTO users (name, role, pin_hash, active, created_at) VALUES "
        "('Sokil', 'volunteer', 'x', :yes, '2026-01-01')",
        [{}],
    ),
    ("INSERT INTO drone_types (name, prefix, active) VALUES ('FPV 7', 'FPV7', :yes)", [{}]),
    (
        "INSERT INTO units (serial, drone_type_id, stage, status, rework, status_note, created_at,"
        " stage_since, created_by_id, version) VALUES (:serial, 1, :stage, 'active', :no, '',"
        " '2026-03-01 08:00:00', '2026-03-02 11:00:00', 1, 7)",
        # The second unit was started and never moved: it has no stay yet.
        [
            {"serial": SERIAL, "stage": "flashing"},
            {"serial": "FPV7-2026-00002", "stage": "kitting"},
        ],
    ),
    (
        'INSERT INTO audit_events (at, user_id, action, entity, entity_key, "before", "after")'
        " VALUES (:at, 1, :action, 'unit', :serial, :before, :after)",
        [move | {"serial": SERIAL} for move in MOVES],
    ),
]

#: (stage, status, rework, repair, first, arrived, entered, left, outcome, reason, to_stage)
EXPECTED = [
    ("kitting", "active", False, False, True, "01 08", "01 08", "01 10", "finish", None,
     "soldering"),
    ("soldering", "active", False, False, True, "01 10", "01 10", "01 12", "hold", None,
     "soldering"),
    ("soldering", "on_hold", False, False, True, "01 10", "01 12", "01 14", "release", None,
     "soldering"),
    ("soldering", "active", False, False, True, "01 10", "01 14", "01 16", "finish", None,
     "flashing"),
    ("flashing", "active", False, False, True, "01 16", "01 16", "02 09", "fail", "cold_joint",
     "soldering"),
    ("soldering", "active", True, False, False, "02 09", "02 09", "02 11", "finish", None,
     "flashing"),
]  # fmt: skip


def _stays() -> list[tuple]:
    rows = db.session.execute(
        sa.text(
            "SELECT u.serial, v.stage, v.status, v.rework, v.repair, v.first, v.arrived_at,"
            " v.entered_at, v.left_at, v.outcome, v.reason, v.to_stage"
            " FROM stage_visits v JOIN units u ON u.id = v.unit_id ORDER BY v.id"
        )
    ).all()
    db.session.rollback()  # no lock held while a migration alters a table (PostgreSQL)
    return rows


def _hour(moment) -> str:
    text = str(moment)
    return f"{text[8:10]} {text[11:13]}"


def test_upgrading_writes_each_units_stays_from_its_moves_and_downgrading_drops_them(
    tmp_path: Path,
):
    url = _postgres_url()
    if url:
        _reset_postgres(url)
    app = _test_app(url or f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}", tmp_path)
    with app.app_context():
        upgrade(revision="0006")
        for statement, rows in ROWS:
            for row in rows:
                db.session.execute(sa.text(statement), {"yes": True, "no": False} | row)
        db.session.commit()
        upgrade(revision="0009")
        upgrade()

        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        stays = _stays()
        assert {row[0] for row in stays} == {SERIAL}
        assert [
            (*row[1:6], _hour(row[6]), _hour(row[7]), _hour(row[8]), *row[9:]) for row in stays
        ] == EXPECTED

        # The figures read the migrated timeline: the fail is a rework reason of the span.
        client = app.test_client()
        login(client, make_user())
        english(client)
        answer = client.get("/api/metrics?from=2026-03-01&to=2026-03-31").get_json()
        assert answer["rework_reasons"][0]["reason"] == "cold_joint"
        assert answer["rework_reasons"][0]["count"] == 1
        assert answer["wip"]["flashing"] == 1 and answer["wip"]["kitting"] == 1
        events = db.session.scalar(sa.text("SELECT count(*) FROM audit_events"))
        db.session.rollback()

        downgrade(revision="0010")

        assert "stage_visits" not in sa.inspect(db.engine).get_table_names()
        assert db.session.scalar(sa.text("SELECT count(*) FROM units")) == 2
        assert db.session.scalar(sa.text("SELECT count(*) FROM audit_events")) == events
        db.session.remove()
        db.engine.dispose()
