"""Factories and small helpers shared by the tests: make_user(), make_unit(), login()."""

import re
from itertools import count

from flask.testing import FlaskClient

from workshop.extensions import db
from workshop.models import DroneType, Unit, User
from workshop.services import accounts, drone_types, units
from workshop.services.drone_types import BomLine, ChecklistLine
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import WORK_STAGES, Role, Stage

_names = count(1)
PIN = "1234"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_user(role: Role | str = Role.VOLUNTEER, name: str | None = None, pin: str = PIN) -> User:
    role = Role(role)
    return accounts.create_user(name or f"{role.value}-{next(_names)}", role.value, pin)


def make_drone_type(prefix: str = "T7", name: str | None = None) -> DroneType:
    """A drone type with two tracked parts and a checklist per stage (one item optional)."""
    bom = [BomLine("Frame", 1), BomLine("Flight controller", 1, True), BomLine("ESC", 1, True)]
    checklists = []
    for stage in WORK_STAGES:
        checklists.append(ChecklistLine(stage.value, f"{stage.value} step one", True))
        checklists.append(ChecklistLine(stage.value, f"{stage.value} step two", True))
        checklists.append(ChecklistLine(stage.value, f"{stage.value} optional", False))
    return drone_types.save_type(None, name or f"Type {prefix}", prefix, True, bom, checklists, None)


def required_ids(unit: Unit) -> frozenset[int]:
    return frozenset(i.id for i in unit.drone_type.checklist_for(unit.stage) if i.required)


def record_parts(unit: Unit, who: User) -> None:
    """Record a code for every tracked part, as a volunteer at kitting does."""
    for item in unit.drone_type.bom:
        if item.tracked:
            units.record_part(unit, item.id, f"{unit.serial}-{item.id}", who, unit.version)


def make_unit(
    drone_type: DroneType | None = None,
    builder: User | None = None,
    at: Stage = Stage.KITTING,
    with_parts: bool = True,
) -> Unit:
    """A unit built by `builder` up to stage `at` through the real services.

    With `with_parts` its tracked parts have codes from the start, so kitting can finish.
    """
    drone_type = drone_type or db.session.scalar(db.select(DroneType)) or make_drone_type()
    builder = builder or make_user(Role.VOLUNTEER)
    unit = units.create_unit(drone_type.id, builder)
    if with_parts:
        record_parts(unit, builder)
    order = list(WORK_STAGES) + [Stage.REVIEW]
    for _ in range(order.index(at)):
        finish_stage(unit, builder, StageInput(version=unit.version, checked=required_ids(unit)))
    return unit


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: User, pin: str = PIN) -> None:
    response = client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": user.name, "pin": pin}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token, as the browser would."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/")} | (data or {}), **kwargs)


def reload(unit: Unit) -> Unit:
    db.session.expire_all()
    return db.session.get(Unit, unit.id)
