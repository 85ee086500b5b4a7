"""Reading the audit log, newest first, a page at a time."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import db
from workshop.models import AuditEvent

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    number: int
    has_next: bool


def page(key: str, number: int) -> AuditPage:
    query = (
        sa.select(AuditEvent).options(so.joinedload(AuditEvent.user)).order_by(AuditEvent.id.desc())
    )
    if key.strip():
        query = query.where(AuditEvent.entity_key == key.strip().upper())
    rows = list(db.session.scalars(query.offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return AuditPage(events=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)
