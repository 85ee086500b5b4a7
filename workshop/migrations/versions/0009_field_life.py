"""After the handover: returns from the field with the decision on each, units lost or destroyed
there, the repair mark on a unit, photos of a return, care notes per drone type.

A unit taken back before this revision (a delivery with `returned_at`) becomes a return decided
"repair" at the stage the take-back sent it to, with the person and the words of its audit event;
its field failure is "firmware" for a take-back for wrong firmware, else "other" with those words
(or the old reason's code). A unit still in that repair carries the repair mark. The delivery's
`returned_at` and `return_reason` then go.

Columns are added and dropped in place (ALTER TABLE, SQLite 3.35 and later) rather than by
rebuilding a table that other tables point at; `photos` is rebuilt for its new foreign key (no
table points at it).

Downgrading keeps what the old schema can say: each decided return marks its delivery returned
(reason "wrong_firmware" or "other"); a unit waiting for a decision is delivered again, one lost
or destroyed active again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 10:00:00.000000
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: Where a take-back of each old rework reason sent the unit (workflow.REWORK_STAGE then).
_TAKE_BACK_STAGE = {
    "cold_joint": "soldering",
    "short": "soldering",
    "reversed_polarity": "soldering",
    "damaged_part": "kitting",
    "wrong_firmware": "flashing",
    "failed_bench_test": "soldering",
}

_deliveries = sa.table(
    "deliveries",
    sa.column("id", sa.Integer),
    sa.column("unit_id", sa.Integer),
    sa.column("receiver_code", sa.String),
    sa.column("handed_over_by_id", sa.Integer),
    sa.column("returned_at", sa.DateTime(timezone=True)),
    sa.column("return_reason", sa.String),
)
_units = sa.table(
    "units",
    sa.column("id", sa.Integer),
    sa.column("serial", sa.String),
    sa.column("stage", sa.String),
    sa.column("status", sa.String),
    sa.column("repair", sa.Boolean),
)
_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("user_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("after", sa.JSON),
)
_returns = sa.table(
    "returns",
    sa.column("unit_id", sa.Integer),
    sa.column("delivery_id", sa.Integer),
    sa.column("receiver_code", sa.String),
    sa.column("returned_on", sa.Date),
    sa.column("reason", sa.String),
    sa.column("reason_text", sa.Text),
    sa.column("notes", sa.Text),
    sa.column("recorded_by_id", sa.Integer),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
    sa.column("outcome", sa.String),
    sa.column("repair_stage", sa.String),
    sa.column("outcome_text", sa.Text),
    sa.column("decided_by_id", sa.Integer),
    sa.column("decided_at", sa.DateTime(timezone=True)),
)


def _aware(moment: datetime) -> datetime:
    """SQLite hands a stored UTC time back without its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _taken_back(bind: sa.Connection) -> list[dict[str, Any]]:
    """Each delivery taken back, as the return it becomes (its unit's take-back events in
    order: one event was written with each take-back, on the unit's latest delivery)."""
    rows = bind.execute(
        sa.select(_deliveries, _units.c.serial)
        .join(_units, _units.c.id == _deliveries.c.unit_id)
        .where(_deliveries.c.returned_at.is_not(None))
        .order_by(_deliveries.c.unit_id, _deliveries.c.id)
    ).all()
    events: dict[str, list[Any]] = {}
    for found in bind.execute(
        sa.select(_events.c.entity_key, _events.c.user_id, _events.c.after)
        .where(_events.c.action == "unit.take_back")
        .order_by(_events.c.id)
    ):
        events.setdefault(found.entity_key, []).append(found)
    returns = []
    for row in rows:
        waiting = events.get(row.serial) or []
        event = waiting.pop(0) if waiting else None
        after = (event.after if event is not None else None) or {}
        old_reason = row.return_reason or "other"
        words = str(after.get("text") or "").strip()
        at = _aware(row.returned_at)
        who = event.user_id if event is not None and event.user_id else row.handed_over_by_id
        returns.append(
            {
                "unit_id": row.unit_id,
                "delivery_id": row.id,
                "receiver_code": row.receiver_code,
                "returned_on": at.date(),
                "reason": "firmware" if old_reason == "wrong_firmware" else "other",
                "reason_text": words or old_reason,
                "notes": "",
                "recorded_by_id": who,
                "recorded_at": at,
                "outcome": "repair",
                "repair_stage": after.get("stage") or _TAKE_BACK_STAGE.get(old_reason, "kitting"),
                "outcome_text": "",
                "decided_by_id": who,
                "decided_at": at,
            }
        )
    return returns


def _in_repair(bind: sa.Connection) -> list[int]:
    """Units whose latest handover was taken back: they are in that repair still."""
    latest = (
        sa.select(sa.func.max(_deliveries.c.id)).group_by(_deliveries.c.unit_id).scalar_subquery()
    )
    return list(
        bind.scalars(
            sa.select(_deliveries.c.unit_id).where(
                _deliveries.c.id.in_(latest), _deliveries.c.returned_at.is_not(None)
            )
        )
    )


def upgrade():
    bind = op.get_bind()
    returns, in_repair = _taken_back(bind), _in_repair(bind)
    with op.batch_alter_table("deliveries", recreate="never") as batch_op:
        batch_op.drop_column("return_reason")
        batch_op.drop_column("returned_at")

    op.create_table(
        "returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("receiver_code", sa.String(length=32), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("repair_stage", sa.String(length=16), nullable=True),
        sa.Column("outcome_text", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_returns_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["deliveries.id"], name=op.f("fk_returns_delivery_id_deliveries")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_returns_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_returns_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
    )
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_returns_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "field_losses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_field_losses_delivery_id_deliveries"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_field_losses_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_field_losses_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_losses")),
    )
    with op.batch_alter_table("field_losses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_field_losses_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("units", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("repair", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("drone_types", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("care_notes", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_photos_return_id_returns"), "returns", ["return_id"], ["id"]
        )

    if returns:
        bind.execute(_returns.insert(), returns)
    if in_repair:
        bind.execute(_units.update().where(_units.c.id.in_(in_repair)).values(repair=True))


def downgrade():
    bind = op.get_bind()
    decided = bind.execute(
        sa.select(_returns.c.delivery_id, _returns.c.reason, _returns.c.recorded_at).where(
            _returns.c.outcome.is_not(None)
        )
    ).all()

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_photos_return_id_returns"), type_="foreignkey")
        batch_op.drop_column("return_id")
    with op.batch_alter_table("field_losses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_losses_unit_id"))
    op.drop_table("field_losses")
    with op.batch_alter_table("returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_returns_unit_id"))
    op.drop_table("returns")

    with op.batch_alter_table("deliveries", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("return_reason", sa.String(length=32), nullable=True))
    for row in decided:
        bind.execute(
            _deliveries.update()
            .where(_deliveries.c.id == row.delivery_id)
            .values(
                returned_at=_aware(row.recorded_at),
                return_reason="wrong_firmware" if row.reason == "firmware" else "other",
            )
        )
    bind.execute(_units.update().where(_units.c.stage == "returned").values(stage="delivered"))
    bind.execute(
        _units.update().where(_units.c.status.in_(("lost", "destroyed"))).values(status="active")
    )
    with op.batch_alter_table("units", recreate="never") as batch_op:
        batch_op.drop_column("repair")
    with op.batch_alter_table("drone_types", recreate="never") as batch_op:
        batch_op.drop_column("care_notes")
