"""Accounts: people by name or callsign, a role and a PIN; nothing personal beyond that."""

import re
import unicodedata
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.security import check_password_hash, generate_password_hash

from workshop.extensions import db
from workshop.models import User
from workshop.services import audit, login_throttle
from workshop.services.errors import Invalid, NotFound, ServiceError
from workshop.workflow import Role

PIN = re.compile(r"^\d{4,12}$")
NAME_MAX = 64


def _check(name: str, role: str, pin: str | None) -> None:
    if not name or len(name) > NAME_MAX:
        raise Invalid(_l("A name or callsign of 1 to 64 characters is needed."))
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
    """The account for this name and PIN, None for a wrong pair; LockedOut after too many wrong PINs.

    An unknown name costs the same work and gets the same answers as a known one, so the login
    form does not tell which names exist.
    """
    throttle = login_throttle.current()
    key = name_key(name)
    if remaining := throttle.locked_for(key):
        raise _locked(remaining)
    user = find_by_name(name)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PIN_HASH_METHOD"]), pin)
        right = False
    else:
        right = user.check_pin(pin) and user.active
    if right:
        throttle.succeeded(key)
        return user
    if throttle.failed(key):
        audit.record(
            None,
            "user.locked",
            "user",
            user.id if user else key[:40],
            None,
            {"name": name.strip(), "minutes": login_throttle.minutes(throttle.lock_seconds)},
        )
        db.session.commit()
        raise _locked(throttle.lock_seconds)
    return None


def _locked(seconds: float) -> LockedOut:
    minutes = login_throttle.minutes(seconds)
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


def update_user(user_id: int, role: str, active: bool, pin: str | None, actor: User) -> User:
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
    after = {"role": role, "active": active} | ({"pin": "changed"} if pin else {})
    audit.record(actor, "user.update", "user", user.id, before, after)
    db.session.commit()
    return user


def all_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.name)))
