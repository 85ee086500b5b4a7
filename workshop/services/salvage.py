"""Salvage: the good parts of a scrapped unit go back on the shelf as salvage lots.

Each salvaged part becomes a lot of its own (source "salvage", the unit's serial as its source
code), in the place its pieces were drawn from unless another is given. Only what the ledger
shows in the unit can be salvaged: nothing comes out of thin air.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import BomItem, Lot, Place, Unit, User
from workshop.models.stock import EntryKind
from workshop.models.timestamps import utcnow
from workshop.services import audit, places, stages, stock
from workshop.services.errors import Invalid
from workshop.services.stages import StageInput
from workshop.services.transaction import unit_change
from workshop.services.units import workshop_today
from workshop.workflow import Action, Status


@dataclass(frozen=True)
class SalvagedPart:
    """How many good pieces of one BOM line come out of the unit."""

    bom_item_id: int
    quantity: int


def salvage_unit(
    unit: Unit, actor: User, parts: Sequence[SalvagedPart], place_code: str | None = None
) -> list[Lot]:
    """Salvage good parts of a unit scrapped earlier into salvage lots, in one transaction."""
    if unit.status != Status.SCRAPPED.value:
        raise Invalid(_l("Parts are salvaged from a scrapped unit only."))
    place, wanted = _prepared(unit, parts, place_code)
    with unit_change(unit):
        return _salvage(unit, actor, wanted, place)


def scrap_and_salvage(
    unit: Unit,
    actor: User,
    data: StageInput,
    parts: Sequence[SalvagedPart],
    place_code: str | None = None,
) -> list[Lot]:
    """Scrap the unit and salvage its good parts, all in one transaction."""
    place, wanted = _prepared(unit, parts, place_code)
    made: list[Lot] = []
    stages.change_status(
        unit,
        actor,
        Action.SCRAP,
        data,
        alongside=lambda: made.extend(_salvage(unit, actor, wanted, place)),
    )
    return made


def salvage_alongside(
    unit: Unit, actor: User, parts: Sequence[SalvagedPart], place_code: str | None = None
) -> list[Lot]:
    """Salvage good parts of a unit into salvage lots inside the caller's transaction (a scrap
    decided on a returned unit). Called before the caller changes the unit's own row: what is
    flushed here must not write the unit early."""
    place, wanted = _prepared(unit, parts, place_code)
    return _salvage(unit, actor, wanted, place)


def _prepared(
    unit: Unit, parts: Sequence[SalvagedPart], place_code: str | None
) -> tuple[Place | None, list[tuple[BomItem, int]]]:
    """What can be checked before any change: the place named, the lines and quantities."""
    place = places.get_place(place_code) if place_code else None
    return place, _checked(unit, parts)


def _checked(unit: Unit, parts: Sequence[SalvagedPart]) -> list[tuple[BomItem, int]]:
    lines = {item.id: item for item in unit.drone_type.bom}
    wanted: list[tuple[BomItem, int]] = []
    for part in parts:
        item = lines.get(part.bom_item_id)
        if item is None:
            raise Invalid(_l("That part is not in this drone type's bill of materials."))
        quantity = stock.check_quantity(part.quantity, item.name, minimum=0)
        if quantity:
            wanted.append((item, quantity))
    return wanted


def _salvage(
    unit: Unit, actor: User, wanted: list[tuple[BomItem, int]], place: Place | None
) -> list[Lot]:
    holdings = stock.unit_holdings(unit.id)
    made = []
    for item, quantity in wanted:
        drawn = [h for h in holdings if h.bom_item_id == item.id]
        held = sum(h.quantity for h in drawn)
        if quantity > held:
            raise Invalid(
                _l(
                    "%(part)s: only %(held)s are in this unit, not %(asked)s.",
                    part=item.name,
                    held=held,
                    asked=quantity,
                )
            )
        lot = Lot(
            code=stock.new_lot_code(),
            part_id=item.part_id,
            place=place or _origin_place(unit, item, drawn),
            quantity=quantity,
            source="salvage",
            source_code=unit.serial,
            received_on=workshop_today(),
            created_by_id=actor.id,
        )
        db.session.add(lot)
        db.session.flush()
        left = quantity
        for holding in drawn:  # in the order drawn: the first pieces in come out first
            taken = min(left, holding.quantity)
            if taken <= 0:
                break
            source = db.session.get(Lot, holding.lot_id) if holding.lot_id else None
            stock.write(
                EntryKind.SALVAGE,
                actor,
                part_id=item.part_id,
                lot=source,
                unit=unit,
                bom_item=item,
                unit_change=-taken,
                related_lot=lot,
            )
            left -= taken
        stock.write(
            EntryKind.SALVAGE, actor, part_id=item.part_id, lot=lot, lot_change=quantity, unit=unit
        )
        _take_out_codes(unit, item, quantity, actor)
        audit.record(
            actor,
            "unit.salvage",
            "unit",
            unit.serial,
            None,
            {"part": item.name, "quantity": quantity, "lot": lot.code},
        )
        made.append(lot)
    return made


def _origin_place(unit: Unit, item: BomItem, drawn: list[stock.Holding]) -> Place:
    """Where the pieces came from (the lot drawn from last), else where the part lies at the
    unit's site (the oldest lot); a part known nowhere needs a place chosen."""
    for holding in reversed(drawn):
        if holding.lot_id is not None and (lot := db.session.get(Lot, holding.lot_id)):
            return lot.place
    if unit.site_id is not None:
        found = db.session.scalar(
            sa.select(Place)
            .join(Lot, Lot.place_id == Place.id)
            .where(Lot.part_id == item.part_id, Place.site_id == unit.site_id)
            .order_by(Lot.received_on, Lot.id)
            .limit(1)
        )
        if found is not None:
            return found
    raise Invalid(_l("%(part)s: choose the place its salvage lot goes to.", part=item.name))


def _take_out_codes(unit: Unit, item: BomItem, quantity: int, actor: User) -> None:
    """A salvaged tracked piece is no longer in the unit: its code is marked removed."""
    fitted = [p for p in unit.parts if p.bom_item_id == item.id and p.in_unit]
    for part in fitted[:quantity]:
        part.removed_at, part.removed_by_id = utcnow(), actor.id
