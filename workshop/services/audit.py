"""Writing audit events; called inside the use case's own transaction, never after it."""

from typing import Any

from workshop.extensions import db
from workshop.models import AuditEvent, Unit, User


def record(
    actor: User | None,
    action: str,
    entity: str,
    key: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        user_id=actor.id if actor else None,
        action=action,
        entity=entity,
        entity_key=str(key),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {
        "stage": unit.stage,
        "status": unit.status,
        "rework": unit.rework,
        "repair": unit.repair,
    }
