"""Quality sign-off: a reviewer's approval or rejection of a unit's whole traveler."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import db
from workshop.models.people import User
from workshop.models.timestamps import utcnow
from workshop.models.units import Unit


class Review(db.Model):
    __tablename__ = "reviews"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    reviewer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    #: "approved" or "rejected"
    decision: so.Mapped[str] = so.mapped_column(sa.String(16))
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    rework_to: so.Mapped[str | None] = so.mapped_column(sa.String(16))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: so.Mapped[Unit] = so.relationship(back_populates="reviews")
    reviewer: so.Mapped[User] = so.relationship()
