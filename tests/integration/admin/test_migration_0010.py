"""Migration 0010 (stock) on a database at 0009 that already holds units with tracked parts, one
of them handed over, brought back and under repair."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import _postgres_url, _reset_postgres, _test_app
from workshop.extensions import db

NEW_TABLES = {"parts", "sites", "places", "lots", "stock_ledger"}


def _sql(statement: str, **values) -> list:
    """Run one statement in a transaction of its own: a migration must not wait on a read."""
    result = db.session.execute(sa.text(statement), values)
    rows = result.all() if result.returns_rows else []
    db.session.commit()
    return rows


def _seed_before_the_upgrade() -> None:
    """Two drone types whose bills share parts under differently written names, one bill naming
    a part twice, units with tracked part codes, and a unit back from the field in repair, with
    a checklist item tied to the parts scanned, written in plain SQL at revision 0009."""
    _sql(
        "INSERT INTO users (name, role, pin_hash, active, created_at) "
        "VALUES ('Sokil', 'volunteer', 'x', true, '2026-01-01')"
    )
    _sql("INSERT INTO drone_types (name, prefix, active) VALUES ('FPV 7', 'FPV7', true)")
    _sql("INSERT INTO drone_types (name, prefix, active) VALUES ('FPV 10', 'FPV10', true)")
    lines = [
        # (type, name, quantity, tracked, position)
        (1, "Мотор 2807", 4, False, 0),
        (1, "Камера аналогова", 1, True, 1),
        (1, "Гвинт M3", 8, False, 2),
        (1, "гвинт  m3", 4, False, 3),
        (2, "МОТОР 2807", 4, False, 0),
        (2, "камера аналогова", 1, False, 1),
        (2, "ESC 65A", 1, True, 2),
    ]
    for type_id, name, quantity, tracked, position in lines:
        _sql(
            "INSERT INTO bom_items (drone_type_id, name, quantity, tracked, position) "
            "VALUES (:t, :n, :q, :tr, :p)",
            t=type_id,
            n=name,
            q=quantity,
            tr=tracked,
            p=position,
        )
    for serial, type_id in (("FPV7-2026-00001", 1), ("FPV10-2026-00001", 2)):
        _sql(
            "INSERT INTO units (serial, drone_type_id, stage, status, rework, status_note, "
            "created_at, stage_since, created_by_id, version) "
            "VALUES (:s, :t, 'soldering', 'active', false, '', '2026-01-01', '2026-01-01', 1, 2)",
            s=serial,
            t=type_id,
        )
    # The 10" was handed over, came back without video and is in repair.
    _sql("UPDATE units SET repair = true WHERE id = 2")
    _sql(
        "INSERT INTO deliveries (unit_id, receiver_code, delivered_on, handed_over_by_id, "
        "recorded_at) VALUES (2, 'BRAVO-7', '2026-01-02', 1, '2026-01-02')"
    )
    _sql(
        "INSERT INTO returns (unit_id, delivery_id, receiver_code, returned_on, reason, "
        "reason_text, notes, recorded_by_id, recorded_at, outcome, repair_stage, outcome_text, "
        "decided_by_id, decided_at) VALUES (2, 1, 'BRAVO-7', '2026-01-05', 'no_video', '', '', "
        "1, '2026-01-05', 'repair', 'soldering', '', 1, '2026-01-05')"
    )
    _sql(
        "INSERT INTO checklist_items (drone_type_id, stage, text, required, position, evidence) "
        "VALUES (1, 'kitting', 'Серійні номери відскановано', true, 0, 'parts_scanned')"
    )
    # A camera on the 7", an ESC on the 10", and a screw code recorded against the second
    # (merged) screw line of the 7".
    for unit_id, item_id, code in ((1, 2, "CAM-0001"), (2, 7, "ESC-0042"), (1, 4, "SCREWS-9")):
        _sql(
            "INSERT INTO unit_parts (unit_id, bom_item_id, code, recorded_by_id, recorded_at) "
            "VALUES (:u, :i, :c, 1, '2026-01-01')",
            u=unit_id,
            i=item_id,
            c=code,
        )


def test_bom_lines_become_parts_units_keep_their_history_and_downgrading_undoes_it(tmp_path: Path):
    url = _postgres_url()
    if url:
        _reset_postgres(url)
    app = _test_app(url or f"sqlite:///{(tmp_path / 'old.sqlite').as_posix()}", tmp_path)
    with app.app_context():
        upgrade(revision="0009")
        _seed_before_the_upgrade()

        upgrade()

        assert NEW_TABLES.issubset(sa.inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        # Same names in any case and spacing are one part; tracked when any line was.
        assert _sql("SELECT name, key, tracked, measure FROM parts ORDER BY id") == [
            ("Мотор 2807", "мотор 2807", False, "pcs"),
            ("Камера аналогова", "камера аналогова", True, "pcs"),
            ("Гвинт M3", "гвинт m3", False, "pcs"),
            ("ESC 65A", "esc 65a", True, "pcs"),
        ]
        # The 7"'s two screw lines are one line of 12; every other line keeps its id.
        assert _sql(
            "SELECT bom_items.id, drone_type_id, parts.name, quantity FROM bom_items "
            "JOIN parts ON parts.id = part_id ORDER BY bom_items.id"
        ) == [
            (1, 1, "Мотор 2807", 4),
            (2, 1, "Камера аналогова", 1),
            (3, 1, "Гвинт M3", 12),
            (5, 2, "Мотор 2807", 4),
            (6, 2, "Камера аналогова", 1),
            (7, 2, "ESC 65A", 1),
        ]
        # Recorded codes point at the right line and now name the part.
        assert _sql(
            "SELECT code, bom_item_id, parts.name, lot_id FROM unit_parts "
            "JOIN parts ON parts.id = part_id ORDER BY unit_parts.id"
        ) == [
            ("CAM-0001", 2, "Камера аналогова", None),
            ("ESC-0042", 7, "ESC 65A", None),
            ("SCREWS-9", 3, "Гвинт M3", None),
        ]
        # Every bin number a label may carry names a place of one site.
        assert _sql("SELECT name FROM sites") == [("Майстерня",)]
        assert _sql("SELECT bin_number, code, path FROM places ORDER BY id") == [
            (1, "P-000001", "Майстерня/Мотор 2807 #1"),
            (2, "P-000002", "Майстерня/Камера аналогова #2"),
            (3, "P-000003", "Майстерня/Гвинт M3 #3"),
            (5, "P-000004", "Майстерня/Мотор 2807 #5"),
            (6, "P-000005", "Майстерня/Камера аналогова #6"),
            (7, "P-000006", "Майстерня/ESC 65A #7"),
        ]
        assert _sql("SELECT prefix, last FROM serial_counters WHERE year = 0 ORDER BY prefix") == [
            ("L", 0),
            ("P", 6),
        ]
        assert _sql("SELECT serial, site_id, version, repair FROM units ORDER BY id") == [
            ("FPV7-2026-00001", None, 2, False),
            ("FPV10-2026-00001", None, 2, True),
        ]
        # What issue 10 and 13 added is untouched: the return, the handover, the evidence.
        assert _sql("SELECT unit_id, delivery_id, outcome, repair_stage FROM returns") == [
            (2, 1, "repair", "soldering")
        ]
        assert _sql("SELECT unit_id, receiver_code FROM deliveries") == [(2, "BRAVO-7")]
        assert _sql("SELECT evidence FROM checklist_items") == [("parts_scanned",)]

        downgrade(revision="0009")

        assert not NEW_TABLES & set(sa.inspect(db.engine).get_table_names())
        assert _sql("SELECT id, name, quantity, tracked FROM bom_items ORDER BY id") == [
            (1, "Мотор 2807", 4, False),
            (2, "Камера аналогова", 1, True),
            (3, "Гвинт M3", 12, False),
            (5, "Мотор 2807", 4, False),
            (6, "Камера аналогова", 1, True),
            (7, "ESC 65A", 1, True),
        ]
        assert _sql("SELECT code, bom_item_id FROM unit_parts ORDER BY id") == [
            ("CAM-0001", 2),
            ("ESC-0042", 7),
            ("SCREWS-9", 3),
        ]
        assert _sql("SELECT count(*) FROM serial_counters WHERE year = 0") == [(0,)]
        assert _sql("SELECT unit_id, outcome FROM returns") == [(2, "repair")]
        assert _sql("SELECT id, repair FROM units ORDER BY id") == [(1, False), (2, True)]
        db.session.remove()
        db.engine.dispose()
