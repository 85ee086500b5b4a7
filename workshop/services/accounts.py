"""Accounts: people by name or callsign, a role, a PIN and a badge; nothing personal beyond that."""

import re
import secrets
import unicodedata
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.security import check_password_hash, generate_password_hash

from workshop.extensions import db
from workshop.models import User
from workshop.services import audit, login_throttle, logins, settings
from workshop.services.errors import Invalid, NotFound, ServiceError
from workshop.validators import text_problem
from workshop.workflow import Role

PIN = re.compile(r"^\d{4,12}$")
NAME_MAX = 64


def _check(name: str, role: str, pin: str | None) -> None:
    if not name or text_problem(name, NAME_MAX):
        raise Invalid(
            _l("A name or callsign of 1 to 64 characters is needed, without control characters.")
        )
    if role not in {r.value for r in Role}:
        raise Invalid(_l("Unknown role."))
    if pin is not None and not PIN.match(pin):
        raise Invalid(_l("A PIN is 4 to 12 digits."))


class LockedOut(ServiceError):
    """Too many wrong PINs for this name; it may not log in for a while."""

    status_code = 429


def name_key(name: str) -> str:
    """What two names must share to be the same person: "Сокіл", "СОКІЛ" and " сокіл " are one."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def find_by_name(name: str) -> User | None:
    # Compared in Python: SQLite's lower() folds ASCII only, and Cyrillic callsigns are the rule.
    # A workshop has tens of accounts, so reading them all costs nothing.
    key = name_key(name)
    return next((u for u in db.session.scalars(sa.select(User)) if name_key(u.name) == key), None)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("0000", method=method)


def authenticate(name: str, pin: str) -> User | None:
    """The account for this name and PIN, None for a wrong pair; LockedOut after many wrong PINs.

    An unknown name costs the same work and gets the same answers as a known one, so the login
    form does not tell which names exist.
    """
    key = name_key(name)
    if remaining := login_throttle.locked_for(key):
        raise _locked(remaining)
    user = find_by_name(name)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PIN_HASH_METHOD"]), pin)
        right = False
    else:
        right = user.check_pin(pin) and user.active
    if right:
        login_throttle.succeeded(key)
        db.session.commit()
        return user
    _count_wrong_pin(key, user.id if user else key[:40], name.strip())
    return None


def _count_wrong_pin(key: str, entity_key: str | int, name: str) -> None:
    """Count a wrong PIN for the name `key`; LockedOut (and an audit event) when it locks it."""
    locks = login_throttle.failed(key)
    if locks:
        audit.record(
            None,
            "user.locked",
            "user",
            entity_key,
            None,
            {"name": name, "minutes": login_throttle.minutes(login_throttle.LOCK)},
        )
    db.session.commit()
    if locks:
        raise _locked(login_throttle.LOCK)


def _locked(length: timedelta) -> LockedOut:
    minutes = login_throttle.minutes(length)
    return LockedOut(
        ngettext(
            "Too many wrong PINs for this name. Try again in %(num)d minute.",
            "Too many wrong PINs for this name. Try again in %(num)d minutes.",
            minutes,
        )
    )


def create_user(name: str, role: str, pin: str, actor: User | None = None) -> User:
    name = name.strip()
    _check(name, role, pin)
    if find_by_name(name):
        raise Invalid(_l("Someone is already called %(name)s.", name=name))
    user = User(name=name, role=role)
    user.set_pin(pin, current_app.config["PIN_HASH_METHOD"])
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, None, {"name": name, "role": role})
    db.session.commit()
    return user


def update_user(
    user_id: int,
    role: str,
    active: bool,
    pin: str | None,
    actor: User,
    actor_login: str | None = None,
) -> User:
    """Change an account's role, whether it is active, and its PIN. A new PIN or a retired
    account ends every login of the account on every tablet (but `actor_login`, the login
    making the change, when people change their own PIN)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such account."))
    _check(user.name, role, pin or None)
    if user.id == actor.id and (role != Role.ADMIN.value or not active):
        raise Invalid(_l("You cannot take away your own admin rights."))
    before = {"role": user.role, "active": user.active}
    user.role, user.active = role, active
    if pin:
        user.set_pin(pin, current_app.config["PIN_HASH_METHOD"])
        logins.end_all(user, "pin", keep=actor_login)
    if not active:
        logins.end_all(user, "retired")
    after = {"role": role, "active": active} | ({"pin": "changed"} if pin else {})
    audit.record(actor, "user.update", "user", user.id, before, after)
    db.session.commit()
    return user


def all_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.name)))


#: Badge codes: capital Latin letters and digits only (a scanner under a Ukrainian layout
#: garbles nothing it cannot undo), without 0/O and 1/I, which people misread.
BADGE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BADGE_LENGTH = 16  # 80 random bits: a badge without a PIN is the whole credential
BADGE_INVALID = _l("This badge is not valid any more. Ask a coordinator for a new one.")


def badge_holder(code: str) -> User | None:
    """The active account a badge code belongs to; None for an unknown, revoked or retired one."""
    return db.session.scalar(sa.select(User).where(User.badge_code == code, User.active.is_(True)))


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such account."))
    return user


def issue_badge(user_id: int, actor: User) -> User:
    """Give the person a new badge code; an earlier badge of theirs stops working."""
    user = _account(user_id)
    if not user.active:
        raise Invalid(_l("A retired account gets no badge."))
    had_badge = user.badge_code is not None
    user.badge_code = "".join(secrets.choice(BADGE_ALPHABET) for _ in range(BADGE_LENGTH))
    # The code is a credential: the audit log says that it changed, never what it is.
    audit.record(actor, "user.badge", "user", user.id, {"badge": had_badge}, {"badge": True})
    db.session.commit()
    return user


def revoke_badge(user_id: int, actor: User) -> User:
    """The person's badge stops working (lost, or they left)."""
    user = _account(user_id)
    if user.badge_code is None:
        raise Invalid(_l("%(name)s has no badge.", name=user.name))
    user.badge_code = None
    audit.record(actor, "user.badge_revoked", "user", user.id, {"badge": True}, {"badge": False})
    db.session.commit()
    return user


def authenticate_badge(code: str, pin: str | None) -> User | None:
    """The account a scanned badge belongs to, None for a wrong PIN when the workshop asks one.

    NotFound for an unknown or revoked badge; LockedOut after too many wrong PINs, counted
    with those typed at the name login, so a badge is no way around the lock.
    """
    user = badge_holder(code)
    if user is None:
        raise NotFound(BADGE_INVALID)
    if not settings.badge_needs_pin():
        return user
    key = name_key(user.name)
    if remaining := login_throttle.locked_for(key):
        raise _locked(remaining)
    if pin and user.check_pin(pin):
        login_throttle.succeeded(key)
        db.session.commit()
        return user
    _count_wrong_pin(key, user.id, user.name)
    return None
