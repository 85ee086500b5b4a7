"""A unit (one drone) and what was done to it: parts, stage records, photos, and its stays at
stages (the timeline the overview's figures read)."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.catalog import BomItem, DroneType
from workshop.models.people import User
from workshop.models.timestamps import utcnow
from workshop.workflow import Stage, Status, UnitState

if TYPE_CHECKING:
    from workshop.models.delivery import Delivery
    from workshop.models.field import FieldLoss, Return
    from workshop.models.quality import Review
    from workshop.models.stock import Lot, Part, Site


class Unit(Model):
    __tablename__ = "units"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    serial: so.Mapped[str] = so.mapped_column(sa.String(24), unique=True)
    drone_type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("drone_types.id"), index=True)
    stage: so.Mapped[str] = so.mapped_column(sa.String(16), index=True, default=Stage.KITTING.value)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=Status.ACTIVE.value)
    rework: so.Mapped[bool] = so.mapped_column(default=False)
    #: Back in the workshop after a return, from the repair decision until handed over again.
    repair: so.Mapped[bool] = so.mapped_column(default=False)
    status_note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: When the unit entered its current stage; the review queue is oldest first.
    stage_since: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: Where the unit is kitted: its parts come from lots of this site. None for a unit started
    #: before the workshop kept stock; its first draw sets it.
    site_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("sites.id"), index=True)
    #: Optimistic lock: a second tablet saving a stale page gets a conflict.
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    #: The overview's board: active units counted per stage and drone type, with the one there
    #: longest, read from the index alone.
    __table_args__ = (
        sa.Index("ix_units_board", "status", "stage", "drone_type_id", "stage_since"),
    )

    drone_type: so.Mapped[DroneType] = so.relationship()
    created_by: so.Mapped[User] = so.relationship()
    site: so.Mapped["Site | None"] = so.relationship()
    parts: so.Mapped[list["UnitPart"]] = so.relationship(
        back_populates="unit", order_by="UnitPart.id"
    )
    records: so.Mapped[list["StageRecord"]] = so.relationship(
        back_populates="unit", order_by="StageRecord.id"
    )
    photos: so.Mapped[list["Photo"]] = so.relationship(back_populates="unit", order_by="Photo.id")
    reviews: so.Mapped[list["Review"]] = so.relationship(
        back_populates="unit", order_by="Review.id"
    )
    deliveries: so.Mapped[list["Delivery"]] = so.relationship(
        back_populates="unit", order_by="Delivery.id"
    )
    returns: so.Mapped[list["Return"]] = so.relationship(
        back_populates="unit", order_by="Return.id"
    )
    losses: so.Mapped[list["FieldLoss"]] = so.relationship(
        back_populates="unit", order_by="FieldLoss.id"
    )

    @property
    def state(self) -> UnitState:
        return UnitState(
            stage=Stage(self.stage),
            status=Status(self.status),
            rework=self.rework,
            repair=self.repair,
        )

    def missing_parts(self) -> tuple[str, ...]:
        """Tracked parts of the unit's type with no code recorded in it."""
        recorded = {p.bom_item_id for p in self.parts if p.in_unit}
        return tuple(i.name for i in self.drone_type.bom if i.tracked and i.id not in recorded)

    def __repr__(self) -> str:
        return f"<Unit {self.serial} {self.stage}/{self.status}>"


class UnitPart(Model):
    """The serial or lot code of a tracked part that went into a unit, and the lot it was drawn
    from when it came off the shelf.

    A wrong scan or a replaced part is marked removed, never deleted: the unit's
    history and a recall still see that it was there.
    """

    __tablename__ = "unit_parts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    bom_item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("bom_items.id"))
    part_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("parts.id"), index=True)
    lot_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("lots.id"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    removed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    removed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    unit: so.Mapped[Unit] = so.relationship(back_populates="parts")
    bom_item: so.Mapped[BomItem] = so.relationship()
    part: so.Mapped["Part"] = so.relationship()
    lot: so.Mapped["Lot | None"] = so.relationship()
    recorded_by: so.Mapped[User] = so.relationship(foreign_keys=[recorded_by_id])
    removed_by: so.Mapped[User | None] = so.relationship(foreign_keys=[removed_by_id])

    @property
    def in_unit(self) -> bool:
        return self.removed_at is None


class StageRecord(Model):
    """One finished or failed stage: who, when, the checklist answers, a note. Never edited."""

    __tablename__ = "stage_records"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    stage: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: "done" or "failed"
    outcome: so.Mapped[str] = so.mapped_column(sa.String(16))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The checklist as it was shown: [{"text": ..., "required": ..., "checked": ...}]
    answers: so.Mapped[list[dict[str, Any]]] = so.mapped_column(sa.JSON, default=list)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    rework_to: so.Mapped[str | None] = so.mapped_column(sa.String(16))

    unit: so.Mapped[Unit] = so.relationship(back_populates="records")
    user: so.Mapped[User] = so.relationship()
    photos: so.Mapped[list["Photo"]] = so.relationship(back_populates="record")

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"


class Photo(Model):
    """A photo of a unit at a stage, or of a return from the field; the file lives in the
    instance folder."""

    __tablename__ = "photos"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    record_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stage_records.id"))
    return_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("returns.id"))
    stage: so.Mapped[str] = so.mapped_column(sa.String(16))
    filename: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    uploaded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: so.Mapped[Unit] = so.relationship(back_populates="photos")
    record: so.Mapped[StageRecord | None] = so.relationship(back_populates="photos")
    field_return: so.Mapped["Return | None"] = so.relationship(back_populates="photos")
    uploaded_by: so.Mapped[User] = so.relationship()


class StageVisit(Model):
    """One stay of a unit at one stage in one status, written by the move that ends it.

    Append-only: the unit's timeline, read by the overview's figures in SQL (cycle and lead
    time, first-pass yield, waits, output) without walking the audit log's JSON. The stay the
    unit is in now has no row yet; it began at the last row's `left_at` (or the unit's
    `created_at`). A hold and its release split a visit into stays; `arrived_at` keeps when the
    visit to the stage began.
    """

    __tablename__ = "stage_visits"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    stage: so.Mapped[str] = so.mapped_column(sa.String(16))
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    rework: so.Mapped[bool] = so.mapped_column(default=False)
    repair: so.Mapped[bool] = so.mapped_column(default=False)
    #: The unit's first visit to this stage (a visit that a hold split counts once).
    first: so.Mapped[bool] = so.mapped_column(default=False)
    #: When the unit came to the stage: the visit's start, kept across a hold and its release.
    arrived_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    #: When this stay began: the move before it, or the unit's start.
    entered_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True))
    left_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), index=True)
    #: The workflow Action that ended the stay (finish, fail, hold, deliver, ...).
    outcome: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: With a fail or a reject: the rework Reason.
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    #: The stage the move left the unit at (the same stage for a hold, say).
    to_stage: so.Mapped[str] = so.mapped_column(sa.String(16))
