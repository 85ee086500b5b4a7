"""Reading the audit log: newest first, a page at a time; and checking its chain whole."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import db
from workshop.models import AuditEvent
from workshop.models.audit import GENESIS

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


@dataclass(frozen=True)
class ChainCheck:
    """What `verify()` found: how many events hold, and the first that does not (if any)."""

    checked: int
    broken: AuditEvent | None = None
    #: "content": the event was changed after it was written; "order": it does not follow the
    #: event before it (an event was removed or slipped in before it).
    why: str = ""


def verify(session: so.Session | None = None) -> ChainCheck:
    """Walk the whole log (of `session`'s database, the app's by default) in the order it was
    written, recomputing every hash."""
    session = session or db.session()
    previous, checked = GENESIS, 0
    for event in session.scalars(
        sa.select(AuditEvent)
        .order_by(AuditEvent.id)
        # What the database holds now, whatever this session read before.
        .execution_options(yield_per=1000, populate_existing=True)
    ):
        if event.prev_hash != previous:
            return ChainCheck(checked, event, "order")
        if event.hash != event.content_hash():
            return ChainCheck(checked, event, "content")
        previous, checked = event.hash, checked + 1
    return ChainCheck(checked)


def explain(check: ChainCheck) -> str:
    """Why the broken event does not hold, in English (for the commands)."""
    if check.why == "content":
        return "its content was changed after it was written"
    return "it does not follow the event before it (an event was removed or slipped in)"
