"""Starting a unit at kitting and recording the tracked parts that go into it."""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.interfaces import LoaderOption

from workshop.extensions import db
from workshop.models import BomItem, DroneType, Site, Unit, UnitPart, User
from workshop.models.timestamps import utcnow
from workshop.services import audit, stock
from workshop.services.counters import take_next_number
from workshop.services.errors import Invalid, NotFound
from workshop.services.stages import StageInput, decide
from workshop.services.transaction import unit_change
from workshop.validators import is_id
from workshop.workflow import Action, Stage

PART_CODE_MAX = 64


def workshop_now() -> datetime:
    """Now on the workshop's clock: a unit started after midnight on 1 January is next year's."""
    return to_user_timezone(utcnow())


def workshop_today() -> date:
    """Today on the workshop's clock: what "a date in the future" is measured against."""
    return workshop_now().date()


def format_serial(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:05d}"


def usual_site(actor: User, sites: list[Site]) -> int | None:
    """Where this person usually kits: the site of the last unit they started, else the first."""
    last = db.session.scalar(
        sa.select(Unit.site_id)
        .where(Unit.created_by_id == actor.id, Unit.site_id.is_not(None))
        .order_by(Unit.id.desc())
        .limit(1)
    )
    ids = [site.id for site in sites]
    return last if last in ids else (ids[0] if ids else None)


def _site_for(site_id: int | None, actor: User) -> int | None:
    if site_id is not None:
        if not is_id(site_id) or db.session.get(Site, site_id) is None:
            raise NotFound(_l("There is no such site."))
        return site_id
    return usual_site(actor, list(db.session.scalars(sa.select(Site).order_by(Site.name))))


def create_unit(
    drone_type_id: int, actor: User, *, site_id: int | None = None, attempts: int = 3
) -> Unit:
    """Start a new unit of a drone type at kitting, with the next serial of its prefix, to be
    kitted at a site (the person's usual one unless named; none while no site exists)."""
    drone_type = db.session.get(DroneType, drone_type_id)
    if drone_type is None or not drone_type.active:
        raise NotFound(_l("There is no such drone type."))
    site_id = _site_for(site_id, actor)
    for attempt in range(attempts):
        try:
            year = workshop_now().year
            number = take_next_number(drone_type.prefix, year)
            unit = Unit(
                serial=format_serial(drone_type.prefix, year, number),
                drone_type=drone_type,
                stage=Stage.KITTING.value,
                created_by_id=actor.id,
                site_id=site_id,
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


def get_unit(serial: str, *loads: LoaderOption) -> Unit:
    """The unit with this serial and the relations `loads` names; NotFound if there is none."""
    unit = (
        db.session.scalars(
            sa.select(Unit)
            .where(Unit.serial == serial)
            .options(*loads)
            # A refused change re-renders a unit already in the session, some of its
            # collections loaded one by one: read them again, eagerly, as the page needs them.
            .execution_options(populate_existing=True)
        )
        .unique()
        .one_or_none()
    )
    if unit is None:
        raise NotFound(_l("No unit has the serial %(serial)s.", serial=serial))
    return unit


def record_part(unit: Unit, bom_item_id: int, code: str, actor: User, version: int) -> UnitPart:
    """Record the serial or lot code of a tracked part fitted to `unit`, with the lot the piece
    was drawn from when the unit kits from stock.

    The same code on another unit is allowed (a lot covers many parts); `also_in` tells.
    """
    code = " ".join(code.split()).upper()
    if not code or len(code) > PART_CODE_MAX:
        raise Invalid(_l("Scan or type the part's serial or lot code (at most 64 characters)."))
    item = db.session.get(BomItem, bom_item_id)
    if item is None or item.drone_type_id != unit.drone_type_id or not item.tracked:
        raise Invalid(_l("That part is not a tracked part of this drone type."))
    decide(unit, actor, Action.RECORD_PART, StageInput(version=version))
    if any(p.in_unit and p.bom_item_id == item.id and p.code == code for p in unit.parts):
        raise Invalid(_l("This code is already recorded for this part."))
    with unit_change(unit):
        part = UnitPart(
            unit=unit,
            bom_item=item,
            part_id=item.part_id,
            lot_id=_lot_of_next_piece(unit, item),
            code=code,
            recorded_by_id=actor.id,
        )
        db.session.add(part)
        audit.record(
            actor, "unit.part", "unit", unit.serial, None, {"part": item.name, "code": code}
        )
    return part


def _lot_of_next_piece(unit: Unit, item: BomItem) -> int | None:
    """The lot the piece being recorded came from: the first lot drawn for the line whose
    pieces are not all matched by a recorded code yet. None when it came from no lot."""
    coded: dict[int | None, int] = {}
    for part in unit.parts:
        if part.in_unit and part.bom_item_id == item.id:
            coded[part.lot_id] = coded.get(part.lot_id, 0) + 1
    for holding in stock.unit_holdings(unit.id):
        free = holding.quantity - coded.get(holding.lot_id, 0)
        if holding.bom_item_id == item.id and holding.lot_id is not None and free > 0:
            return holding.lot_id
    return None


def also_in(part: UnitPart) -> list[str]:
    """Other units that hold a part of the same kind with the same code."""
    return list(
        db.session.scalars(
            sa.select(Unit.serial)
            .join(UnitPart, UnitPart.unit_id == Unit.id)
            .where(
                UnitPart.code == part.code,
                UnitPart.bom_item_id == part.bom_item_id,
                UnitPart.removed_at.is_(None),
                Unit.id != part.unit_id,
            )
            .order_by(Unit.serial)
            .distinct()
        )
    )


#: Where a tracked piece goes when its code is removed: nowhere (a wrong scan: the piece stays
#: in the unit), back to the lot it came from, or to waste (damaged).
DESTINATIONS = ("lot", "waste")


def remove_part(
    unit: Unit, part_id: int, actor: User, version: int, destination: str | None = None
) -> None:
    """Mark a recorded part as no longer in the unit: a wrong scan, or a piece taken out at
    rework, which then goes back to its lot or to waste (`destination`)."""
    part = next((p for p in unit.parts if p.id == part_id and p.in_unit), None)
    if part is None:
        raise Invalid(_l("That part is not recorded in this unit."))
    if destination is not None and destination not in DESTINATIONS:
        raise Invalid(_l("Choose where the part goes."))
    decide(unit, actor, Action.REMOVE_PART, StageInput(version=version))
    with unit_change(unit):
        if destination is not None:
            stock.leave_unit(
                unit, part.bom_item, part.lot, 1, to_waste=destination == "waste", actor=actor
            )
        part.removed_at = utcnow()
        part.removed_by_id = actor.id
        audit.record(
            actor,
            "unit.part_removed",
            "unit",
            unit.serial,
            {"part": part.bom_item.name, "code": part.code},
            None,
        )


def units_with_part(code: str) -> list[UnitPart]:
    """Every fitted part whose code contains `code`: the recall search."""
    code = " ".join(code.split()).upper()
    if not code:
        return []
    return list(
        db.session.scalars(
            sa.select(UnitPart)
            .options(
                so.joinedload(UnitPart.bom_item),
                so.joinedload(UnitPart.unit),
                so.joinedload(UnitPart.removed_by),
            )
            .where(UnitPart.code.contains(code, autoescape=True))
            .order_by(UnitPart.code, UnitPart.unit_id)
            .limit(500)
        )
    )
