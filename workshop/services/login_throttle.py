"""Slowing down PIN guessing: five wrong PINs for one name within 15 minutes lock that name for
15 minutes.

Each wrong PIN is a row (models.logins.LoginFailure), so a restart forgets nothing; the row
that makes five carries the end of the lock. A right PIN clears the name's rows. The caller
commits, with its audit event when a name is locked.
"""

import hashlib
import math
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from workshop.extensions import db
from workshop.models import LoginFailure
from workshop.models.timestamps import utcnow

LIMIT = 5  # wrong PINs ...
WINDOW = timedelta(minutes=15)  # ... within this long ...
LOCK = timedelta(minutes=15)  # ... lock the name for this long.


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def locked_for(key: str) -> timedelta:
    """How long the name (accounts.name_key) stays locked; zero when it may try."""
    now = utcnow()
    until = db.session.scalar(
        sa.select(sa.func.max(LoginFailure.locks_until)).where(
            LoginFailure.name_digest == _digest(key)
        )
    )
    return max(timedelta(0), _aware(until) - now) if until else timedelta(0)


def failed(key: str) -> bool:
    """Count a wrong PIN for the name; True when this one locks it."""
    now, digest = utcnow(), _digest(key)
    last_lock = db.session.scalar(
        sa.select(sa.func.max(LoginFailure.at)).where(
            LoginFailure.name_digest == digest, LoginFailure.locks_until.is_not(None)
        )
    )
    since = max(now - WINDOW, _aware(last_lock)) if last_lock else now - WINDOW
    earlier = db.session.scalar(
        sa.select(sa.func.count(LoginFailure.id)).where(
            LoginFailure.name_digest == digest, LoginFailure.at > since
        )
    )
    locks = (earlier or 0) + 1 >= LIMIT
    db.session.add(
        LoginFailure(name_digest=digest, at=now, locks_until=now + LOCK if locks else None)
    )
    # Nothing older than a window and a lock counts any more, for any name.
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - WINDOW - LOCK))
    return locks


def succeeded(key: str) -> None:
    """A right PIN: the name's count starts again."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.name_digest == _digest(key)))


def minutes(length: timedelta) -> int:
    """Whole minutes to tell a person, never 0 while still locked."""
    return max(1, math.ceil(length.total_seconds() / 60))
