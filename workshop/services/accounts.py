"""Accounts: people by name or callsign, a role and a PIN; nothing personal beyond that."""

import re

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import User
from workshop.services import audit
from workshop.services.errors import Invalid, NotFound
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


def find_by_name(name: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.name) == name.strip().lower()))


def authenticate(name: str, pin: str) -> User | None:
    user = find_by_name(name)
    if user is None or not user.active or not user.check_pin(pin):
        return None
    return user


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
