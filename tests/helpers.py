"""Factories and small helpers shared by the tests: make_user(), make_unit(),
make_delivered_unit(), login(), record_passing_run(), and stock: make_place(), receive(), kit()."""

import copy
import functools
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from flask_babel import force_locale

from firmware_checks.bench_run import read_identity, run_check
from firmware_checks.identity import McuUniqueId
from firmware_checks.motors import check_motors, motor_check_document
from firmware_checks.run_document import RunDocument, RunKind
from firmware_checks.simulator import SimulatorServer, uid_for
from workshop.config import SETTINGS
from workshop.extensions import db
from workshop.models import BenchRun, DroneType, Lot, Place, Unit, User
from workshop.services import (
    accounts,
    bench_runs,
    delivery,
    draws,
    drone_types,
    parts,
    places,
    receiving,
    review,
    units,
)
from workshop.services.drone_types import BomLine, ChecklistLine
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import RUN_REQUIRED, WORK_STAGES, Action, Evidence, Role, Stage

_names = count(1)
PIN = "1234"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


#: The workshop's time zone as the tests run the app (its default).
WORKSHOP_ZONE = ZoneInfo(next(s.default for s in SETTINGS if s.key == "BABEL_DEFAULT_TIMEZONE"))


def workshop_today() -> date:
    """Today on the workshop's clock, as the app's date checks see it (not the machine's)."""
    return datetime.now(WORKSHOP_ZONE).date()


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
    return drone_types.save_type(
        None, name or f"Type {prefix}", prefix, True, bom, checklists, None
    )


def required_ids(unit: Unit) -> frozenset[int]:
    """The required items of the unit's stage that a person ticks (evidence ticks the others)."""
    return frozenset(
        i.id
        for i in unit.drone_type.checklist_for(unit.stage)
        if i.required and i.proved_by is None
    )


def record_parts(unit: Unit, who: User) -> None:
    """Record a code for every tracked part, as a volunteer at kitting does."""
    for item in unit.drone_type.bom:
        if item.tracked:
            units.record_part(unit, item.id, f"{unit.serial}-{item.id}", who, unit.version)


@functools.cache
def simulator_documents() -> dict[str, dict[str, Any]]:
    """A real identity reading, bench test and motor check (each motor seen turning the right
    way) of the healthy simulated flight controller over a socket, made once per test session
    (each run takes a moment)."""
    server = SimulatorServer("127.0.0.1", 0, "healthy", boot_time=0.05).start()
    try:
        spins = [
            (motor, check_motors(server.url, [motor - 1], seconds=0.1)[0].document(), True)
            for motor in (1, 2, 3, 4)
        ]
        return {
            RunKind.IDENTITY: read_identity(server.url).document().to_json(),
            RunKind.BENCH: run_check(server.url).document().to_json(),
            RunKind.MOTORS: motor_check_document(spins).to_json(),
        }
    finally:
        server.stop()


def board_uid(serial: str) -> str:
    """The MCU id the simulator gives the board of this unit (`uid_for`), as a probe reads it."""
    return McuUniqueId(uid_for(serial)).hex


def record_passing_run(unit: Unit, who: User | None = None, kind: str | None = None) -> BenchRun:
    """Record a passing run of the kind the unit's stage needs, through the real service.

    The document is a real one from the simulator, judged against the default limits (so it
    names no saved version); its board id is made the unit's own, as each unit in the workshop
    has its own flight controller.
    """
    kind = kind or RUN_REQUIRED[Stage(unit.stage)]
    document = copy.deepcopy(simulator_documents()[kind])
    assert document["verdict"] == "pass", document["reason"]
    if document.get("probe"):
        document["probe"]["uid"] = board_uid(unit.serial)
    return bench_runs.record_run(
        unit.serial,
        RunDocument.from_json(document),
        kind=RunKind(kind),
        actor=who,
        station=None,
        limits_version_id=None,
        golden_version_id=None,
    )


def pass_checks(unit: Unit, who: User | None = None) -> None:
    """Before finishing: a passing run where the unit's stage needs one (flashing, bench test),
    and a passing motor check where a required item of the stage asks for one."""
    if Stage(unit.stage) in RUN_REQUIRED:
        record_passing_run(unit, who)
    asked = {i.proved_by for i in unit.drone_type.checklist_for(unit.stage) if i.required}
    if Evidence.MOTORS_CHECKED in asked:
        record_passing_run(unit, who, RunKind.MOTORS)


def make_unit(
    drone_type: DroneType | None = None,
    builder: User | None = None,
    at: Stage = Stage.KITTING,
    with_parts: bool = True,
    from_lots: Mapping[str, Lot] | None = None,
) -> Unit:
    """A unit built by `builder` up to stage `at` through the real services.

    With `with_parts` its tracked parts have codes from the start (and, where the workshop keeps
    stock, its whole bill is drawn, from `from_lots` for the parts it names), so kitting can
    finish; flashing and bench test finish on a passing run of the simulated flight controller.
    """
    drone_type = drone_type or db.session.scalar(db.select(DroneType)) or make_drone_type()
    builder = builder or make_user(Role.VOLUNTEER)
    unit = units.create_unit(drone_type.id, builder)
    if with_parts and unit.site_id is not None:
        kit(unit, builder, from_lots)
    elif with_parts:
        record_parts(unit, builder)
    order = list(WORK_STAGES) + [Stage.REVIEW]
    for _ in range(order.index(at)):
        pass_checks(unit, builder)
        finish_stage(unit, builder, StageInput(version=unit.version, checked=required_ids(unit)))
    return unit


def make_delivered_unit(
    builder: User | None = None,
    reviewer: User | None = None,
    coordinator: User | None = None,
    receiver: str = "BRAVO-7",
    days_ago: int = 10,
    from_lots: Mapping[str, Lot] | None = None,
) -> Unit:
    """A unit built, signed off by another person and handed over `days_ago` days ago, through
    the real services."""
    unit = make_unit(builder=builder, at=Stage.REVIEW, from_lots=from_lots)
    reviewer = reviewer or make_user(Role.REVIEWER)
    review.sign_off(unit, reviewer, Action.APPROVE, StageInput(version=unit.version))
    delivery.hand_over(
        unit,
        coordinator or make_user(Role.ADMIN),
        receiver,
        workshop_today() - timedelta(days=days_ago),
        unit.version,
    )
    return unit


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


#: Where the workshop's labels point, as a scanner reads them.
LABEL_BASE = "http://192.168.1.20:5000"
#: What kitting.js asks for: the answer as JSON, so the page keeps its place.
JSON = {"Accept": "application/json"}


def scan_at_kitting(
    client: FlaskClient, unit: Unit, code: str, json: bool = True, version: int | None = None
):
    """What kitting.js sends for a scan: the scan form's fields, the code as the scanner typed."""
    data = {
        "csrf_token": csrf_token(client, f"/u/{unit.serial}"),
        "part-version": str(reload(unit).version if version is None else version),
        "part-code": code,
    }
    return client.post(f"/u/{unit.serial}/parts", data=data, headers=JSON if json else {})


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


def in_english(message: Any) -> str:
    """A service's (lazily translated) message as an English-speaking person reads it."""
    with force_locale("en"):
        return str(message)


def make_place(path: str = "Kyiv workshop/Shelf 1") -> Place:
    """The place a path names, made (with its site) through the service that imports use."""
    place = places.place_at(path, None, places.PathPlan())
    db.session.commit()
    return place


def receive(
    part_name: str,
    quantity: int,
    place: Place | None = None,
    who: User | None = None,
    source: str = "donation",
) -> Lot:
    """A lot received through the real service: `quantity` of the catalogue's part."""
    part = parts.find(part_name)
    assert part is not None, f"no part {part_name!r} in the catalogue"
    place = place or make_place()
    who = who or make_user(Role.ADMIN)
    return receiving.receive(
        receiving.Receipt(part.id, quantity, place.code, source, source_code="DON-1"), who
    )


def kit(unit: Unit, who: User, from_lots: Mapping[str, Lot] | None = None) -> None:
    """Draw every line of the unit's bill from lots at its site (the lot `from_lots` names for a
    part, else one received here), then record a code for each tracked piece: a unit kitted
    from stock, ready to finish kitting."""
    place = make_place(f"{unit.site.name}/Kit shelf") if unit.site else make_place()
    for item in unit.drone_type.bom:
        lot = (from_lots or {}).get(item.name) or receive(item.name, item.quantity, place, who)
        draws.draw(unit, item.id, lot.code, item.quantity, who, unit.version)
    record_parts(unit, who)
