"""The one clock the models and services use: timezone-aware UTC.

The demo data writes a few weeks of history through the real services, each step at its moment
(`clock_at`); nothing else ever sets the clock.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

#: The moment `utcnow()` answers inside `clock_at`; None: the real time.
_SET_TO: ContextVar[datetime | None] = ContextVar("workshop_clock", default=None)


def utcnow() -> datetime:
    return _SET_TO.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Inside the block, `utcnow()` answers `moment` (aware): the demo's past, written by the
    services as they write the present."""
    if moment.tzinfo is None:
        raise ValueError("the clock takes an aware moment")
    token = _SET_TO.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _SET_TO.reset(token)


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC: SQLite hands it back without its zone, PostgreSQL in the
    session's zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
