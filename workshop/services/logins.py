"""Logins the server keeps: a row per login, whose token the signed session cookie carries.

A login ends on the server: logging out, a new PIN, a retired account, or the idle timeout close
its row, and a cookie copied before that opens nothing any more. A request resumes a login only
while its row is open.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import db
from workshop.models import LoginSession, User
from workshop.models.timestamps import utcnow

#: A login's last-seen time is written at most this often: a write per request would cost a
#: tablet's every page a disk sync, and the idle timeout does not need the second.
SEEN_EVERY = timedelta(minutes=1)
#: Ended logins, and logins nobody came back to, are forgotten after this (or twice the idle
#: timeout, if that is longer).
KEPT_FOR = timedelta(days=2)


@dataclass(frozen=True)
class Resumed:
    """Who a request's login belongs to; None when it has ended (`idle` when it just did)."""

    user: User | None
    idle: bool = False


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def start(user: User, idle: timedelta, replacing: str | None = None) -> str:
    """A new login of `user`: its token, for the session cookie. The login it replaces on the
    same tablet (a badge scanned over someone else's) ends."""
    now = utcnow()
    if replacing:
        _end_where(LoginSession.token == replacing, "replaced")
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token=token, user_id=user.id, started_at=now, seen_at=now))
    db.session.execute(
        sa.delete(LoginSession).where(LoginSession.seen_at < now - max(KEPT_FOR, 2 * idle))
    )
    db.session.commit()
    return token


def resume(token: str | None, user_id: str, idle: timedelta) -> Resumed:
    """The user of an open login with this token, and the login marked seen; an idle one ends."""
    if not token:
        return Resumed(None)
    login = db.session.scalar(
        sa.select(LoginSession)
        .where(LoginSession.token == token)
        .options(so.joinedload(LoginSession.user))
    )
    if login is None or not login.open or str(login.user_id) != user_id or not login.user.active:
        return Resumed(None)
    now = utcnow()
    seen = _aware(login.seen_at)
    if now - seen > idle:
        login.ended_at, login.end_reason = now, "idle"
        db.session.commit()
        return Resumed(None, idle=True)
    if now - seen > SEEN_EVERY:
        login.seen_at = now
        db.session.commit()
    return Resumed(login.user)


def end(token: str | None, reason: str) -> None:
    """End the login with this token (logging out)."""
    if token:
        _end_where(LoginSession.token == token, reason)
        db.session.commit()


def end_all(user: User, reason: str, keep: str | None = None) -> None:
    """End every login of `user` but the one with the token `keep`, in the caller's
    transaction: a new PIN or a retired account is no longer logged in anywhere."""
    _end_where(sa.and_(LoginSession.user_id == user.id, LoginSession.token != (keep or "")), reason)


def _end_where(condition: sa.ColumnElement[bool], reason: str) -> None:
    db.session.execute(
        sa.update(LoginSession)
        .where(condition, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
