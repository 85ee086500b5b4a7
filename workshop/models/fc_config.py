"""What a drone type's flight controller is judged against: limits and the golden
configuration, each kept as numbered versions (1, 2, 3...) that are never edited."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.catalog import DroneType
from workshop.models.people import User
from workshop.models.timestamps import utcnow


class LimitsVersion(Model):
    """The complete limits (firmware_checks' Limits.to_dict()) as saved at one moment."""

    __tablename__ = "limits_versions"
    __table_args__ = (sa.UniqueConstraint("drone_type_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    drone_type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("drone_types.id"), index=True)
    number: so.Mapped[int]
    limits: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    drone_type: so.Mapped[DroneType] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()


class GoldenConfig(Model):
    """A known-good `diff all` and the patterns of its lines that differ per unit by nature."""

    __tablename__ = "golden_configs"
    __table_args__ = (sa.UniqueConstraint("drone_type_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    drone_type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("drone_types.id"), index=True)
    number: so.Mapped[int]
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    ignore: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    #: "pasted", "file" or "read" (from a flight controller known to be good)
    source: so.Mapped[str] = so.mapped_column(sa.String(8))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    drone_type: so.Mapped[DroneType] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()
