"""A code scanned while a unit is at kitting, and what it does.

One decision for every code scanned or typed at kitting. Another unit's label or a badge opens
as it would anywhere. A lot's or a place's label draws what the unit still needs from it, with
no further tap (`resolve_scan` gathers the facts, the pure `kitting_scan.decide` decides), or
says why it cannot and draws nothing. Any other code is a tracked part's own: it goes to the
next tracked part without a code (`line_for`), with the lot the piece was drawn from.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import BomItem, LedgerEntry, Lot, Place, Unit, UnitPart, User
from workshop.services import draws, refusals, scan, stock, units
from workshop.services.errors import Invalid, NotFound
from workshop.services.kitting_scan import (
    Draw,
    KitLine,
    KittingState,
    Refusal,
    ShelfLot,
    ShelfPlace,
    decide,
)
from workshop.services.scan import Kind, ScanResult
from workshop.validators import is_id


@dataclass(frozen=True)
class KittingScan:
    """What a scan at kitting did: drew from a lot, recorded a part, or names something to open
    instead."""

    drawn: LedgerEntry | None = None
    part: UnitPart | None = None
    opens: ScanResult | None = None


# What the shelves know of a scanned code --------------------------------------------------


def _shelf_lot(lot: Lot) -> ShelfLot:
    return ShelfLot(
        id=lot.id,
        code=lot.code,
        part_id=lot.part_id,
        part_name=lot.part.name,
        quantity=lot.quantity,
        site_id=lot.place.site_id,
        site_name=lot.place.site.name,
        place_path=lot.place.path,
    )


def _state(unit: Unit, scanned: ScanResult) -> KittingState:
    """The unit's kit and what the shelves know of the scanned code."""
    drawn = stock.in_unit(stock.unit_holdings(unit.id))
    lines = tuple(
        KitLine(
            bom_item_id=item.id,
            part_id=item.part_id,
            name=item.name,
            quantity=item.quantity,
            missing=item.quantity - drawn.get(item.id, 0),
        )
        for item in unit.drone_type.bom
    )
    lots: dict[str, ShelfLot] = {}
    places: dict[str, ShelfPlace] = {}
    if scanned.kind is Kind.LOT:
        lot = db.session.scalar(
            sa.select(Lot).options(*draws.LOT_LOADS).where(Lot.code == scanned.key)
        )
        if lot is not None:
            lots[lot.code] = _shelf_lot(lot)
    else:
        place = db.session.scalar(
            sa.select(Place).where(
                Place.bin_number == int(scanned.key)
                if scanned.kind is Kind.BIN
                else Place.code == scanned.key
            )
        )
        if place is not None:
            lying = db.session.scalars(
                sa.select(Lot)
                .options(*draws.LOT_LOADS)
                .where(Lot.place_id == place.id, Lot.quantity > 0)
                .order_by(Lot.received_on, Lot.id)
            )
            places[scanned.key] = ShelfPlace(
                place.code, place.path, place.site_id, tuple(_shelf_lot(lot) for lot in lying)
            )
    return KittingState(
        type_name=unit.drone_type.name,
        site_id=unit.site_id,
        site_name=unit.site.name if unit.site else None,
        lines=lines,
        lots=lots,
        places=places,
    )


def resolve_scan(unit: Unit, raw: str) -> Draw | Refusal | None:
    """What a code scanned at the unit's kitting is for: a draw, a refusal with its reason, or
    None when it is no stock code (a tracked part's serial)."""
    scanned = scan.stock_code(raw)
    if scanned is None or (scanned.kind is Kind.BIN and not is_id(int(scanned.key))):
        return None
    return decide(scanned, _state(unit, scanned))


# Recording a scan -------------------------------------------------------------------------


def _draw(
    unit: Unit, decision: Draw | Refusal, quantity: int | None, actor: User, version: int
) -> LedgerEntry:
    """Carry out the decision on a lot or place label: draw, or refuse with its reason."""
    if isinstance(decision, Refusal):
        raise Invalid(refusals.explain_scan(decision))
    return draws.draw(
        unit,
        decision.line.bom_item_id,
        decision.lot.code,
        quantity if quantity is not None else decision.quantity,
        actor,
        version,
    )


def draw_scanned(
    unit: Unit, raw: str, quantity: int | None, actor: User, version: int
) -> LedgerEntry:
    """Draw for the unit from the lot a scanned (or typed) lot or place label names: what the
    matching line still needs, as far as the lot goes, or `quantity` when the person gave one."""
    decision = resolve_scan(unit, raw)
    if decision is None:
        raise Invalid(
            _l("“%(code)s” is not a lot or place label.", code=" ".join(raw.split())[:40])
        )
    return _draw(unit, decision, quantity, actor, version)


def next_empty_line(unit: Unit) -> BomItem | None:
    """The first tracked part of the unit's bill of materials with no code in the unit yet."""
    recorded = {p.bom_item_id for p in unit.parts if p.in_unit}
    return next((i for i in unit.drone_type.bom if i.tracked and i.id not in recorded), None)


def line_for(unit: Unit, code: str) -> BomItem:
    """The bill-of-materials line a part's code scanned at kitting is for."""
    line = next_empty_line(unit)
    if line is None:
        raise Invalid(
            _l(
                "Every tracked part already has its code. To replace one, remove it first, "
                "then scan again."
            )
        )
    return line


def _named(raw: str) -> ScanResult | None:
    """What a code names by its form alone (a label's kind and key); None for a part's code."""
    try:
        return scan.parse_repaired(raw)
    except Invalid:
        return None


def scanned(
    unit: Unit, raw: str, actor: User, version: int, line_id: int | None = None
) -> KittingScan:
    """Record what was scanned or typed at kitting where it belongs, or say what it opens.

    `line_id` names the tracked part when the person chose it; otherwise the code decides: a
    lot's or a place's label draws from the shelves, a part's own code goes to the next tracked
    part without one.
    """
    if line_id is None and (decision := resolve_scan(unit, raw)) is not None:
        return KittingScan(drawn=_draw(unit, decision, None, actor, version))
    named = _named(raw) if line_id is None else None
    if named is not None and named.kind is not Kind.LOT:
        if named.kind is Kind.UNIT and named.key == unit.serial:
            raise Invalid(_l("That is this unit's own label. Scan the codes of its parts."))
        try:
            return KittingScan(opens=scan.resolve(raw))
        except NotFound:
            if named.kind is not Kind.UNIT:
                raise
            named = None  # shaped like a serial, but no unit has it: a part's own code
    code = named.key if named else raw  # a lot label's code from before stock, or as it came
    target = line_id if line_id is not None else line_for(unit, code).id
    return KittingScan(part=units.record_part(unit, target, code, actor, version))
