"""Bench station tokens: created by a coordinator, shown once, kept only as a hash."""

import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import StationToken, User
from workshop.models.timestamps import utcnow
from workshop.services import audit
from workshop.services.errors import Invalid, NotFound
from workshop.validators import text_problem

NAME_MAX = 64


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def all_tokens() -> list[StationToken]:
    """Every station, the ones still in use first."""
    return list(
        db.session.scalars(
            sa.select(StationToken).order_by(
                StationToken.revoked_at.is_not(None), StationToken.name
            )
        )
    )


def create_token(name: str, actor: User | None) -> tuple[StationToken, str]:
    """A new station token; the plain token is answered here once and stored nowhere."""
    name = " ".join(name.split())
    if not name or text_problem(name, NAME_MAX):
        raise Invalid(
            _l("A station needs a name of at most 64 characters, without control characters.")
        )
    if db.session.scalar(sa.select(StationToken.id).where(StationToken.name == name)):
        raise Invalid(
            _l("A station with this name exists already: revoke it or choose another name.")
        )
    plain = secrets.token_urlsafe(32)
    while plain.startswith("-"):  # the station's `--token TOKEN` would read it as an option
        plain = secrets.token_urlsafe(32)
    row = StationToken(
        name=name, token_sha256=_digest(plain), created_by_id=actor.id if actor else None
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "station.create", "station", row.id, None, {"name": name})
    db.session.commit()
    return row, plain


def revoke(token_id: int, actor: User | None) -> StationToken:
    """Stop a station's token working at once; the row stays for the runs it posted."""
    row = db.session.get(StationToken, token_id)
    if row is None:
        raise NotFound(_l("There is no such station."))
    if row.revoked:
        raise Invalid(_l("This station's token is revoked already."))
    row.revoked_at, row.revoked_by_id = utcnow(), actor.id if actor else None
    audit.record(actor, "station.revoke", "station", row.id, {"name": row.name}, {"revoked": True})
    db.session.commit()
    return row


def authenticate(bearer: str | None) -> StationToken | None:
    """The station a bearer token belongs to; None for a missing, unknown or revoked token."""
    if not bearer:
        return None
    row = db.session.scalar(
        sa.select(StationToken).where(StationToken.token_sha256 == _digest(bearer))
    )
    if row is None or row.revoked:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    return row
