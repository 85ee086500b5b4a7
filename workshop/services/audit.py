"""Writing audit events; called inside the use case's own transaction, never after it.

Each event is chained to the one before it (models.audit): `record()` keeps the event aside,
and when the transaction commits, `_chain()` takes the log's lock, reads the last hash, and
writes the transaction's events after it. The lock makes concurrent writers queue up, so the
log stays one line: on PostgreSQL a transaction-level advisory lock, on SQLite the database's
write lock (taken with BEGIN IMMEDIATE when the transaction has not written yet). It is taken
at commit time, after the use case's own writes, so it is held for a moment and never waits
on a row another writer holds.
"""

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import db
from workshop.models import AuditEvent, Unit, User
from workshop.models.audit import GENESIS, as_stored
from workshop.models.timestamps import utcnow

#: The events of the session's transaction not yet written, in the order they happened.
PENDING = "audit_pending"
#: pg_advisory_xact_lock's key for the audit log ("audit" in ASCII).
LOG_LOCK = 0x6175646974


def record(
    actor: User | None,
    action: str,
    entity: str,
    key: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=utcnow(),
        user_id=actor.id if actor else None,
        action=action,
        entity=entity,
        entity_key=str(key),
        before=as_stored(before),
        after=as_stored(after),
    )
    # The event belongs to the session's transaction: begun here if need be, so a rollback
    # (which ends it) drops the event too.
    db.session.connection()
    db.session.info.setdefault(PENDING, []).append(event)
    return event


def unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {
        "stage": unit.stage,
        "status": unit.status,
        "rework": unit.rework,
        "repair": unit.repair,
    }


def _lock_the_log(session: so.Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(LOG_LOCK)))
    elif connection.dialect.name == "sqlite" and not _sqlite_writing(connection):
        # The driver begins a transaction only before its first write; until then another
        # writer could add an event between our read of the last hash and our insert.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_writing(connection: sa.Connection) -> bool:
    """Whether this SQLite connection holds the write lock already (it has written)."""
    return bool(connection.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]


@sa.event.listens_for(so.Session, "before_commit")
def _chain(session: so.Session) -> None:
    pending: list[AuditEvent] = session.info.pop(PENDING, [])
    if not pending:
        return
    _lock_the_log(session)
    previous = session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    previous = previous or GENESIS
    for event in pending:
        event.prev_hash = previous
        event.hash = event.content_hash()
        session.add(event)
        previous = event.hash
    session.flush()


@sa.event.listens_for(so.Session, "after_transaction_end")
def _forget(session: so.Session, transaction: so.SessionTransaction) -> None:
    """A transaction rolled back (or a session closed) takes its unwritten events with it."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
