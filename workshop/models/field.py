"""A unit's life after the handover: the returns from the field with the decision on each, and
the marks of a unit lost or destroyed there.

The receiving unit is stored by its code only; nothing says where a drone went or how it was
lost.
"""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.field_life import FieldFailure, LossReason, ReturnOutcome
from workshop.models.delivery import Delivery
from workshop.models.people import User
from workshop.models.timestamps import utcnow
from workshop.models.units import Photo, Unit


class Return(Model):
    """A delivered unit back from the field: who brought it, when, what failed; then what the
    workshop decided (repair from a stage, scrap, or give back as is). Never deleted."""

    __tablename__ = "returns"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    #: The handover the unit came back from.
    delivery_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("deliveries.id"))
    #: Who brought it: the receiving unit by its code only.
    receiver_code: so.Mapped[str] = so.mapped_column(sa.String(32))
    returned_on: so.Mapped[date] = so.mapped_column(sa.Date)
    #: A FieldFailure; `reason_text` says more (required with "other").
    reason: so.Mapped[str] = so.mapped_column(sa.String(16))
    reason_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: A ReturnOutcome; None while the unit waits for the decision.
    outcome: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    #: With "repair": the work stage the repair started at.
    repair_stage: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    #: The person's words for a scrap or a give-back.
    outcome_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    unit: so.Mapped[Unit] = so.relationship(back_populates="returns")
    delivery: so.Mapped[Delivery] = so.relationship()
    recorded_by: so.Mapped[User] = so.relationship(foreign_keys=[recorded_by_id])
    decided_by: so.Mapped[User | None] = so.relationship(foreign_keys=[decided_by_id])
    photos: so.Mapped[list[Photo]] = so.relationship(
        back_populates="field_return", order_by="Photo.id"
    )

    @property
    def failure(self) -> FieldFailure:
        return FieldFailure(self.reason)

    @property
    def decided(self) -> ReturnOutcome | None:
        return ReturnOutcome(self.outcome) if self.outcome else None


class FieldLoss(Model):
    """A delivered unit marked lost or destroyed in the field: when, and a reason from a short
    list. Never where, never how."""

    __tablename__ = "field_losses"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    #: The handover it was lost after.
    delivery_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("deliveries.id"))
    #: The unit's status it set: "lost" or "destroyed".
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    #: A LossReason.
    reason: so.Mapped[str] = so.mapped_column(sa.String(16))
    happened_on: so.Mapped[date] = so.mapped_column(sa.Date)
    recorded_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: so.Mapped[Unit] = so.relationship(back_populates="losses")
    delivery: so.Mapped[Delivery] = so.relationship()
    recorded_by: so.Mapped[User] = so.relationship()

    @property
    def loss_reason(self) -> LossReason:
        return LossReason(self.reason)
