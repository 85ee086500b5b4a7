"""Which flight controller belongs to which unit, by the MCU's unique id.

A board read on a unit it is not bound to, or a unit read with another board than its own,
is a conflict that waits for a coordinator's decision; nothing is rebound silently.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.people import User
from workshop.models.quality import BenchRun
from workshop.models.timestamps import utcnow
from workshop.models.units import Unit

_ACTIVE = sa.text("released_at IS NULL")


class BoardBinding(Model):
    """A board bound to a unit from `bound_at` until it is released (never deleted)."""

    __tablename__ = "board_bindings"
    __table_args__ = (
        # At most one active binding per board and per unit, on every database.
        sa.Index(
            "uq_board_bindings_active_uid",
            "uid",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
        sa.Index(
            "uq_board_bindings_active_unit",
            "unit_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    uid: so.Mapped[str] = so.mapped_column(sa.String(48))
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"))
    #: The run that first read the board on this unit.
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("bench_runs.id"))
    bound_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    released_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    released_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    unit: so.Mapped[Unit] = so.relationship()
    run: so.Mapped[BenchRun] = so.relationship()
    released_by: so.Mapped[User | None] = so.relationship()

    @property
    def active(self) -> bool:
        return self.released_at is None


class BoardConflict(Model):
    """A run that read a board bound to another unit, or another board than the unit's own."""

    __tablename__ = "board_conflicts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("bench_runs.id"), unique=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    #: The board the run read.
    uid: so.Mapped[str] = so.mapped_column(sa.String(48))
    #: The unit that board is bound to, when it is another one.
    other_unit_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("units.id"))
    #: The board this unit is bound to, when it is another one.
    bound_uid: so.Mapped[str | None] = so.mapped_column(sa.String(48))
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: None while undecided; "accepted" (the board now belongs to this unit) or "rejected".
    decision: so.Mapped[str | None] = so.mapped_column(sa.String(8))
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    run: so.Mapped[BenchRun] = so.relationship(back_populates="conflict")
    unit: so.Mapped[Unit] = so.relationship(foreign_keys=[unit_id])
    other_unit: so.Mapped[Unit | None] = so.relationship(foreign_keys=[other_unit_id])
    decided_by: so.Mapped[User | None] = so.relationship()

    @property
    def undecided(self) -> bool:
        return self.decision is None
