"""Migration 0009 (the field life) on a database that already holds delivered and taken-back
units: each take-back becomes a return decided "repair", with the person and words of its audit
event; downgrading gives the deliveries their returned marks back."""

import json
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import _postgres_url, _reset_postgres, _test_app
from tests.helpers import login, make_user
from tests.integration.support import english, text
from workshop.extensions import db

ROWS = [
    (
        "INSERT INTO users (name, role, pin_hash, active, created_at) VALUES "
        "(:name, :role, 'x', :yes, '2026-01-01')",
        [
            {"name": "Sokil", "role": "volunteer"},
            {"name": "Koordynator", "role": "admin"},
        ],
    ),
    (
        "INSERT INTO drone_types (name, prefix, active) VALUES ('FPV 7', 'FPV7', :yes)",
        [{}],
    ),
    (
        "INSERT INTO units (serial, drone_type_id, stage, status, rework, status_note, created_at,"
        " stage_since, created_by_id, version) VALUES (:serial, 1, :stage, 'active', :rework, '',"
        " '2026-01-01', '2026-01-01', 1, 9)",
        [
            {"serial": "FPV7-2026-00001", "stage": "delivered", "rework": False},
            {"serial": "FPV7-2026-00002", "stage": "soldering", "rework": True},
            {"serial": "FPV7-2026-00003", "stage": "delivered", "rework": False},
        ],
    ),
    (
        "INSERT INTO deliveries (unit_id, receiver_code, delivered_on, handed_over_by_id,"
        " recorded_at, returned_at, return_reason) VALUES (:unit, :code, :on, 2, :at,"
        " :returned, :reason)",
        [
            # In service since its handover.
            {"unit": 1, "code": "ALFA-1", "on": "2026-02-01", "returned": None, "reason": None},
            # Taken back for a cold joint, still in that repair.
            {
                "unit": 2,
                "code": "BRAVO-7",
                "on": "2026-02-02",
                "returned": "2026-03-05 10:00:00",
                "reason": "other",
            },
            # Taken back for wrong firmware, repaired and handed over again.
            {
                "unit": 3,
                "code": "CHARLIE-3",
                "on": "2026-02-03",
                "returned": "2026-03-06 11:00:00",
                "reason": "wrong_firmware",
            },
            {"unit": 3, "code": "CHARLIE-3", "on": "2026-04-01", "returned": None, "reason": None},
        ],
    ),
    (
        'INSERT INTO audit_events (at, user_id, action, entity, entity_key, "before", "after")'
        " VALUES ('2026-03-05', 2, 'unit.take_back', 'unit', :serial, :before, :after)",
        [
            {
                "serial": "FPV7-2026-00002",
                "before": json.dumps({"stage": "delivered"}),
                "after": json.dumps(
                    {"stage": "soldering", "reason": "other", "text": "video drops out"}
                ),
            },
            {
                "serial": "FPV7-2026-00003",
                "before": json.dumps({"stage": "delivered"}),
                "after": json.dumps({"stage": "flashing", "reason": "wrong_firmware", "text": ""}),
            },
        ],
    ),
]


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def _deliveries() -> list[tuple]:
    rows = db.session.execute(
        sa.text(
            "SELECT unit_id, receiver_code, delivered_on, returned_at IS NOT NULL, return_reason "
            "FROM deliveries ORDER BY id"
        )
    ).all()
    db.session.rollback()  # no lock held while a migration alters the table (PostgreSQL)
    return rows


def test_upgrading_turns_each_take_back_into_a_repair_and_downgrading_gives_it_back(tmp_path: Path):
    url = _postgres_url()
    if url:
        _reset_postgres(url)
    app = _test_app(url or f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}", tmp_path)
    with app.app_context():
        upgrade(revision="0006")
        for statement, rows in ROWS:
            for row in rows:
                at = {"at": f"{row['on']} 12:00:00"} if "on" in row else {}
                db.session.execute(sa.text(statement), {"yes": True} | at | row)
        db.session.commit()
        before = _deliveries()

        upgrade()

        assert not {"returned_at", "return_reason"} & _columns("deliveries")
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        returns = db.session.execute(
            sa.text(
                "SELECT unit_id, delivery_id, receiver_code, returned_on, reason, reason_text, "
                "outcome, repair_stage, recorded_by_id, decided_by_id FROM returns ORDER BY id"
            )
        ).all()
        assert [tuple(str(v) for v in row) for row in returns] == [
            ("2", "2", "BRAVO-7", "2026-03-05", "other", "video drops out", "repair",
             "soldering", "2", "2"),
            ("3", "3", "CHARLIE-3", "2026-03-06", "firmware", "wrong_firmware", "repair",
             "flashing", "2", "2"),
        ]  # fmt: skip
        repair = db.session.execute(sa.text("SELECT serial, repair FROM units ORDER BY id")).all()
        # Only the unit still in the repair its take-back opened carries the mark.
        assert [(serial, bool(mark)) for serial, mark in repair] == [
            ("FPV7-2026-00001", False),
            ("FPV7-2026-00002", True),
            ("FPV7-2026-00003", False),
        ]
        care = db.session.execute(sa.text("SELECT care_notes FROM drone_types")).scalar_one()
        assert care == ""

        # The pages read the migrated units: the return and its repair in the unit's life.
        client = app.test_client()
        login(client, make_user())
        english(client)
        page = text(client.get("/u/FPV7-2026-00002"))
        assert "from BRAVO-7 on" in page and "video drops out" in page
        assert "Repair</strong> from Soldering" in page
        detail = client.get("/api/units/FPV7-2026-00003").get_json()
        assert detail["field_status"] == "in_service"
        assert detail["returns"] == [
            {"date": "2026-03-06", "reason": "firmware", "outcome": "repair"}
        ]

        db.session.rollback()
        downgrade(revision="0006")

        assert "returns" not in sa.inspect(db.engine).get_table_names()
        assert "repair" not in _columns("units") and "care_notes" not in _columns("drone_types")
        after = _deliveries()
        assert [row[:3] for row in after] == [row[:3] for row in before]
        assert [(row[3], row[4]) for row in after] == [
            (False, None),
            (True, "other"),
            (True, "wrong_firmware"),
            (False, None),
        ]
        db.session.remove()
        db.engine.dispose()
