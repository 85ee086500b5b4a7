"""Who is logged in where, and the wrong PINs counted against a name.

A login is a row, so the server ends it: logging out, a new PIN, a retired account or an idle
tablet close the row, and a copy of the session cookie made before opens nothing after. Wrong
PINs are rows too, so a restart does not forget them.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import Model
from workshop.models.people import User
from workshop.models.timestamps import utcnow


class LoginSession(Model):
    """One login on one tablet, from the PIN (or badge) to its end."""

    __tablename__ = "login_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: What the signed session cookie carries; random, so one login cannot name another.
    token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    started_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The last request seen, to the minute: the idle timeout counts from it.
    seen_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    #: "logout", "idle", "pin" (the PIN was changed), "retired" (the account was).
    end_reason: so.Mapped[str | None] = so.mapped_column(sa.String(16))

    user: so.Mapped[User] = so.relationship()

    @property
    def open(self) -> bool:
        return self.ended_at is None


class LoginFailure(Model):
    """A wrong PIN typed for a name; the one that makes too many locks the name until
    `locks_until`."""

    __tablename__ = "login_failures"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: The SHA-256 of the name as typed, folded (accounts.name_key): what someone typed into
    #: the name field, perhaps a PIN by mistake, is not kept in the clear.
    name_digest: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    locks_until: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
