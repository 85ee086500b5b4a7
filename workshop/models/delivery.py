"""Handovers to receiving units (a return from the field is models/field.py)."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.people import User
from workshop.models.timestamps import utcnow
from workshop.models.units import Unit


class Delivery(Model):
    __tablename__ = "deliveries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("units.id"), index=True)
    #: The receiving unit by its code only: no names, phones or places.
    receiver_code: so.Mapped[str] = so.mapped_column(sa.String(32), index=True)
    delivered_on: so.Mapped[date] = so.mapped_column(sa.Date)
    handed_over_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    recorded_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    unit: so.Mapped[Unit] = so.relationship(back_populates="deliveries")
    handed_over_by: so.Mapped[User] = so.relationship()
