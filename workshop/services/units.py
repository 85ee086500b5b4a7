"""Starting a unit at kitting and recording the tracked parts that go into it."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from workshop.extensions import db
from workshop.models import BomItem, DroneType, SerialCounter, Unit, UnitPart, User
from workshop.services import audit
from workshop.services.errors import Forbidden, Invalid, NotFound
from workshop.services.refusals import explain
from workshop.services.transaction import unit_change
from workshop.workflow import Refused, Stage, Status

PART_CODE_MAX = 64


def format_serial(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:05d}"


def _take_next_number(prefix: str, year: int) -> int:
    """Atomically take the next number; the UPDATE locks the row on every database."""
    bump = (
        sa.update(SerialCounter)
        .where(SerialCounter.prefix == prefix, SerialCounter.year == year)
        .values(last=SerialCounter.last + 1)
    )
    if db.session.execute(bump).rowcount == 0:
        db.session.add(SerialCounter(prefix=prefix, year=year, last=1))
        db.session.flush()
        return 1
    return db.session.scalar(
        sa.select(SerialCounter.last).where(
            SerialCounter.prefix == prefix, SerialCounter.year == year
        )
    )


def create_unit(drone_type_id: int, actor: User, *, attempts: int = 3) -> Unit:
    """Start a new unit of a drone type at kitting, with the next serial of its prefix."""
    drone_type = db.session.get(DroneType, drone_type_id)
    if drone_type is None or not drone_type.active:
        raise NotFound(_l("There is no such drone type."))
    for attempt in range(attempts):
        try:
            year = datetime.now(UTC).year
            number = _take_next_number(drone_type.prefix, year)
            unit = Unit(
                serial=format_serial(drone_type.prefix, year, number),
                drone_type=drone_type,
                stage=Stage.KITTING.value,
                created_by_id=actor.id,
            )
            db.session.add(unit)
            db.session.flush()
            audit.record(actor, "unit.create", "unit", unit.serial, None, audit.unit_snapshot(unit))
            db.session.commit()
            return unit
        except IntegrityError:
            # Another tablet created the first unit of this prefix and year at the same time.
            db.session.rollback()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def get_unit(serial: str) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.serial == serial))
    if unit is None:
        raise NotFound(_l("No unit has the serial %(serial)s.", serial=serial))
    return unit


def record_part(unit: Unit, bom_item_id: int, code: str, actor: User, version: int) -> UnitPart:
    """Record the serial or lot code of a tracked part fitted to `unit`."""
    code = " ".join(code.split()).upper()
    if not code or len(code) > PART_CODE_MAX:
        raise Invalid(_l("Scan or type the part's serial or lot code (at most 64 characters)."))
    item = db.session.get(BomItem, bom_item_id)
    if item is None or item.drone_type_id != unit.drone_type_id or not item.tracked:
        raise Invalid(_l("That part is not a tracked part of this drone type."))
    if unit.stage != Stage.KITTING.value:
        raise Invalid(_l("Parts are recorded at kitting; this unit is past it."))
    if unit.status != Status.ACTIVE.value:  # a scrapped unit never changes; on hold waits
        raise Forbidden(explain(Refused(unit.status)))  # "scrapped" or "on_hold"
    if any(p.bom_item_id == item.id and p.code == code for p in unit.parts):
        raise Invalid(_l("This code is already recorded for this part."))
    with unit_change(unit, version):
        part = UnitPart(unit=unit, bom_item=item, code=code, recorded_by_id=actor.id)
        db.session.add(part)
        audit.record(
            actor, "unit.part", "unit", unit.serial, None, {"part": item.name, "code": code}
        )
    return part


def units_with_part(code: str) -> list[UnitPart]:
    """Every fitted part whose code contains `code`: the recall search."""
    code = " ".join(code.split()).upper()
    if not code:
        return []
    pattern = f"%{code.replace('%', '').replace('_', '')}%"
    return list(
        db.session.scalars(
            sa.select(UnitPart)
            .where(UnitPart.code.like(pattern))
            .order_by(UnitPart.code, UnitPart.unit_id)
            .limit(500)
        )
    )
