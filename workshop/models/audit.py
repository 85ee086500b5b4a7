"""The audit log: every change, who, when, before and after. Append-only."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.people import User
from workshop.models.timestamps import utcnow


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    #: What was done, e.g. "unit.finish", "drone_type.update", "user.create".
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: What it was done to, e.g. "unit", "drone_type", "user", and its id or serial.
    entity: so.Mapped[str] = so.mapped_column(sa.String(24))
    entity_key: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    before: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)

    user: so.Mapped[User | None] = so.relationship()
