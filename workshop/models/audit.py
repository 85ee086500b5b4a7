"""The audit log: every change, who, when, before and after. Append-only, and chained: each
event carries a hash over its content and the hash of the event before it, so a row changed,
removed or slipped in afterwards breaks the chain at that row (`flask verify-audit`)."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.people import User
from workshop.models.timestamps import utcnow

#: What the first event's prev_hash holds: there is no event before it.
GENESIS = "0" * 64


def as_stored(value: Any) -> Any:
    """`value` as the JSON column gives it back (tuples as lists, keys as text), so the hash
    made when an event is written is the hash of what is read later."""
    return json.loads(json.dumps(value))


def event_hash(
    prev_hash: str,
    at: datetime,
    user_id: int | None,
    action: str,
    entity: str,
    entity_key: str,
    before: Any,
    after: Any,
) -> str:
    """The SHA-256 (hex) of the previous event's hash and a canonical JSON of the content.

    Migration 0007 chains the events written before it with this function: changing it means
    a migration that chains the log again.
    """
    moment = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite drops the zone
    content = {
        "at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "user_id": user_id,
        "action": action,
        "entity": entity,
        "entity_key": entity_key,
        "before": before,
        "after": after,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


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
    #: The hash of the event before this one (GENESIS for the first). Unique: two events
    #: can never follow the same one, so the log stays a single line.
    prev_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    hash: so.Mapped[str] = so.mapped_column(sa.String(64))

    user: so.Mapped[User | None] = so.relationship()

    def content_hash(self) -> str:
        """The hash this event's content and prev_hash make now."""
        return event_hash(
            self.prev_hash,
            self.at,
            self.user_id,
            self.action,
            self.entity,
            self.entity_key,
            self.before,
            self.after,
        )
