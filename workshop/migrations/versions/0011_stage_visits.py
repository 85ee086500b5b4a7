"""The units' timeline: a row per stay of a unit at a stage in a status, written by the move
that ends it (`stage_visits`), for the overview's figures; and an index of the units by status,
stage, drone type and time at the stage, for the overview's board.

Filled from the audit log: each unit's moves (the `unit.<action>` events that carry the state
before and after, in the order they were written) are its stays, the first one beginning when
the unit was started. A move written before the snapshots knew a field (`repair`) counts it as
unset.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-12 10:00:00.000000
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: The audit actions of the moves that ended a stay when this revision was written (the
#: workflow's moves, and the take-back of before revision 0009).
MOVES = (
    "finish",
    "fail",
    "approve",
    "reject",
    "deliver",
    "hold",
    "release",
    "scrap",
    "take_back",
    "return",
    "repair",
    "scrap_returned",
    "give_back",
    "mark_lost",
    "mark_destroyed",
)
#: Moves that pause a visit to a stage rather than end it (services.visits.PAUSES).
PAUSES = ("hold", "release")
#: Rows inserted at a time.
BATCH = 5000

_units = sa.table(
    "units",
    sa.column("id", sa.Integer),
    sa.column("serial", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)
_visits = sa.table(
    "stage_visits",
    sa.column("unit_id", sa.Integer),
    sa.column("stage", sa.String),
    sa.column("status", sa.String),
    sa.column("rework", sa.Boolean),
    sa.column("repair", sa.Boolean),
    sa.column("first", sa.Boolean),
    sa.column("arrived_at", sa.DateTime(timezone=True)),
    sa.column("entered_at", sa.DateTime(timezone=True)),
    sa.column("left_at", sa.DateTime(timezone=True)),
    sa.column("outcome", sa.String),
    sa.column("reason", sa.String),
    sa.column("to_stage", sa.String),
)


def _aware(moment: datetime) -> datetime:
    """SQLite hands a stored UTC time back without its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stays(created_at: datetime, moves: list[Any]) -> list[dict[str, Any]]:
    """One unit's stays from its moves, oldest first (as services.visits writes them)."""
    stays: list[dict[str, Any]] = []
    entered = arrived = _aware(created_at)
    visited: set[str] = set()
    for move in moves:
        before, after = move.before or {}, move.after or {}
        stage = before.get("stage") or (stays[-1]["to_stage"] if stays else "kitting")
        outcome = move.action.removeprefix("unit.")
        left = _aware(move.at)
        stays.append(
            {
                "stage": stage,
                "status": before.get("status") or "active",
                "rework": bool(before.get("rework")),
                "repair": bool(before.get("repair")),
                "first": stage not in visited,
                "arrived_at": arrived,
                "entered_at": entered,
                "left_at": left,
                "outcome": outcome,
                "reason": after.get("reason") if outcome in ("fail", "reject") else None,
                "to_stage": after.get("stage") or stage,
            }
        )
        if outcome not in PAUSES:
            visited.add(stage)
            arrived = left
        entered = left
    return stays


def upgrade():
    op.create_table(
        "stage_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rework", sa.Boolean(), nullable=False),
        sa.Column("repair", sa.Boolean(), nullable=False),
        sa.Column("first", sa.Boolean(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("to_stage", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_stage_visits_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_visits")),
    )
    with op.batch_alter_table("stage_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stage_visits_left_at"), ["left_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_stage_visits_unit_id"), ["unit_id"], unique=False)
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(
            "ix_units_board", ["status", "stage", "drone_type_id", "stage_since"], unique=False
        )

    bind = op.get_bind()
    units = {
        row.serial: (row.id, row.created_at)
        for row in bind.execute(sa.select(_units.c.id, _units.c.serial, _units.c.created_at))
    }
    moves: dict[str, list[Any]] = {}
    for event in bind.execute(
        sa.select(_events.c.at, _events.c.action, _events.c.entity_key)
        .add_columns(_events.c.before, _events.c.after)
        .where(
            _events.c.entity == "unit",
            _events.c.action.in_([f"unit.{move}" for move in MOVES]),
        )
        .order_by(_events.c.id)
    ):
        moves.setdefault(event.entity_key, []).append(event)
    rows = [
        {"unit_id": unit_id} | stay
        for serial, (unit_id, created_at) in units.items()
        for stay in _stays(created_at, moves.get(serial, []))
    ]
    for start in range(0, len(rows), BATCH):
        bind.execute(_visits.insert(), rows[start : start + BATCH])


def downgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index("ix_units_board")
    with op.batch_alter_table("stage_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_visits_unit_id"))
        batch_op.drop_index(batch_op.f("ix_stage_visits_left_at"))
    op.drop_table("stage_visits")
