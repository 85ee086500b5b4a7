"""Kitting from stock: the pick list with where each part lies, and drawing parts into a unit.

A draw takes a quantity from a lot for one line of the unit's bill of materials; the stock
leaves the lot in the same transaction that records it. A part the shelf holds but the books
do not (a counting error) is drawn without a lot, with a reason: the bench is never blocked, and
the coordinator sees a stock discrepancy. Parts taken out again at rework go back to their lot
or to waste.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import BomItem, LedgerEntry, Lot, Place, Unit, User
from workshop.models.stock import EntryKind
from workshop.services import audit, scan, stock, stock_levels
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
from workshop.services.stages import StageInput
from workshop.services.stages import decide as decide_move
from workshop.services.transaction import unit_change
from workshop.workflow import Action

#: How many places with stock the pick list names for a part, oldest lot first.
SHELVES_SHOWN = 3

_REFUSALS: dict[str, LazyString] = {
    "unknown_lot": _l("No lot has the code %(code)s."),
    "unknown_place": _l("No place has the code %(code)s."),
    "not_used": _l("Lot %(code)s holds %(part)s, which %(type)s does not use."),
    "line_complete": _l("All %(quantity)s × %(part)s are drawn already."),
    "lot_empty": _l("Lot %(code)s is empty."),
    "other_site": _l("Lot %(code)s lies at %(site)s; this unit is kitted at %(unit_site)s."),
    "place_other_site": _l("%(path)s is not at %(unit_site)s, where this unit is kitted."),
    "nothing_needed": _l("Nothing this unit still needs lies at %(path)s."),
}


def explain(refusal: Refusal) -> str:
    return str(_REFUSALS[refusal.reason]) % dict(refusal.params)


# The pick list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shelf:
    """Where to take a part: a lot with stock and the place it lies."""

    place_path: str
    place_code: str
    lot_code: str
    quantity: int


@dataclass(frozen=True)
class PickLine:
    item: BomItem
    in_unit: int
    #: Places with stock at the unit's site, the oldest lot first.
    shelves: list[Shelf] = field(default_factory=list)
    on_hand: int = 0
    #: What other units being kitted at the site still need of the part.
    promised: int = 0
    #: The unit's own pieces of this line by lot (None: drawn without a lot).
    drawn: list[stock.Holding] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return max(self.item.quantity - self.in_unit, 0)

    @property
    def complete(self) -> bool:
        return self.in_unit >= self.item.quantity

    @property
    def short(self) -> bool:
        """The shelves, less what other units are promised, do not cover what is missing."""
        return self.missing > max(self.on_hand - self.promised, 0)


@dataclass(frozen=True)
class KitView:
    site_name: str | None
    lines: list[PickLine]
    #: The workshop keeps stock for this unit: the page offers draws.
    draws: bool

    @property
    def missing(self) -> list[PickLine]:
        """The lines still to draw, in the bill's order."""
        return [line for line in self.lines if not line.complete]


def kit_view(unit: Unit, holdings: list[stock.Holding], *, with_shelves: bool) -> KitView:
    """The unit's bill of materials with what is in the unit and, at kitting, where to take the
    rest: one statement for the shelves, however many lots and units there are."""
    by_line: dict[int, list[stock.Holding]] = {}
    for holding in holdings:
        by_line.setdefault(holding.bom_item_id, []).append(holding)
    shelves: dict[int, list[Shelf]] = {}
    on_hand: dict[int, int] = {}
    promised: dict[int, int] = {}
    if with_shelves:
        for row in _shelf_rows(unit):
            shelves.setdefault(row.part_id, []).append(
                Shelf(row.path, row.place_code, row.code, row.quantity)
            )
            on_hand[row.part_id] = on_hand.get(row.part_id, 0) + row.quantity
            promised[row.part_id] = int(row.promised or 0)
    lines = [
        PickLine(
            item=item,
            in_unit=sum(h.quantity for h in by_line.get(item.id, [])),
            shelves=shelves.get(item.part_id, [])[:SHELVES_SHOWN],
            on_hand=on_hand.get(item.part_id, 0),
            promised=promised.get(item.part_id, 0),
            drawn=by_line.get(item.id, []),
        )
        for item in unit.drone_type.bom
    ]
    offers = unit.site_id is not None or bool(shelves) or bool(holdings)
    return KitView(unit.site.name if unit.site else None, lines, offers)


def _shelf_rows(unit: Unit) -> list[sa.Row]:
    part_ids = [item.part_id for item in unit.drone_type.bom]
    query = (
        sa.select(
            Lot.code,
            Lot.part_id,
            Lot.quantity,
            Place.path,
            Place.code.label("place_code"),
        )
        .join(Place, Place.id == Lot.place_id)
        .where(Lot.part_id.in_(part_ids), Lot.quantity > 0)
        .order_by(Lot.received_on, Lot.id)
    )
    if unit.site_id is None:
        return list(db.session.execute(query.add_columns(sa.null().label("promised"))))
    others = stock_levels.promised(except_unit_id=unit.id)
    return list(
        db.session.execute(
            query.add_columns(others.c.promised)
            .outerjoin(
                others,
                sa.and_(others.c.part_id == Lot.part_id, others.c.site_id == Place.site_id),
            )
            .where(Place.site_id == unit.site_id)
        )
    )


# Scans -------------------------------------------------------------------------------------


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


_LOT_LOADS = (
    so.joinedload(Lot.part),
    so.joinedload(Lot.place).joinedload(Place.site),
)


def _state(unit: Unit, scanned: scan.ScanResult) -> KittingState:
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
    if scanned.kind is scan.Kind.LOT:
        lot = db.session.scalar(sa.select(Lot).options(*_LOT_LOADS).where(Lot.code == scanned.key))
        if lot is not None:
            lots[lot.code] = _shelf_lot(lot)
    else:
        place = db.session.scalar(
            sa.select(Place).where(
                Place.bin_number == int(scanned.key)
                if scanned.kind is scan.Kind.BIN
                else Place.code == scanned.key
            )
        )
        if place is not None:
            lying = db.session.scalars(
                sa.select(Lot)
                .options(*_LOT_LOADS)
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
    if scanned is None or (scanned.kind is scan.Kind.BIN and int(scanned.key) >= 2**31):
        return None
    return decide(scanned, _state(unit, scanned))


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
    if isinstance(decision, Refusal):
        raise Invalid(explain(decision))
    return draw(
        unit,
        decision.line.bom_item_id,
        decision.lot.code,
        quantity if quantity is not None else decision.quantity,
        actor,
        version,
    )


# Draws -------------------------------------------------------------------------------------


def _line(unit: Unit, bom_item_id: int) -> BomItem:
    item = next((i for i in unit.drone_type.bom if i.id == bom_item_id), None)
    if item is None:
        raise Invalid(_l("That part is not in this drone type's bill of materials."))
    return item


def _drawing(
    unit: Unit, bom_item_id: int, quantity: int, actor: User, version: int
) -> tuple[BomItem, int]:
    """What every draw checks first: the workflow lets this person add to the unit now, the
    line is the unit's own, the quantity a sane whole number."""
    decide_move(unit, actor, Action.RECORD_PART, StageInput(version=version))
    return _line(unit, bom_item_id), stock.check_quantity(quantity, _l("Quantity"))


def _still_needed(unit: Unit, item: BomItem, quantity: int) -> None:
    missing = item.quantity - stock.in_unit(stock.unit_holdings(unit.id)).get(item.id, 0)
    if missing <= 0:
        raise Invalid(
            _l(
                "All %(quantity)s × %(part)s are drawn already.",
                quantity=item.quantity,
                part=item.name,
            )
        )
    if quantity > missing:
        raise Invalid(
            _l(
                "%(part)s: only %(missing)s more are needed, not %(asked)s.",
                part=item.name,
                missing=stock.in_measure(missing, item.part.measure),
                asked=quantity,
            )
        )


def draw(
    unit: Unit, bom_item_id: int, lot_code: str, quantity: int, actor: User, version: int
) -> LedgerEntry:
    """Draw `quantity` of lot `lot_code` for the unit's BOM line `bom_item_id`, by `actor`."""
    item, quantity = _drawing(unit, bom_item_id, quantity, actor, version)
    lot = db.session.scalar(
        sa.select(Lot).options(*_LOT_LOADS).where(Lot.code == lot_code.strip().upper())
    )
    if lot is None:
        raise NotFound(_l("No lot has the code %(code)s.", code=lot_code[:24]))
    if lot.part_id != item.part_id:
        raise Invalid(
            _l(
                "Lot %(code)s holds %(held)s, not %(part)s.",
                code=lot.code,
                held=lot.part.name,
                part=item.name,
            )
        )
    site = lot.place.site
    if unit.site_id is not None and site.id != unit.site_id:
        raise Invalid(
            explain(
                Refusal(
                    "other_site",
                    {
                        "code": lot.code,
                        "site": site.name,
                        "unit_site": unit.site.name if unit.site else "",
                    },
                )
            )
        )
    _still_needed(unit, item, quantity)
    with unit_change(unit):
        stock.take(lot, quantity)
        entry = stock.write(
            EntryKind.DRAW,
            actor,
            part_id=item.part_id,
            lot=lot,
            lot_change=-quantity,
            unit=unit,
            bom_item=item,
            unit_change=quantity,
        )
        audit.record(
            actor,
            "unit.draw",
            "unit",
            unit.serial,
            None,
            {"part": item.name, "lot": lot.code, "quantity": quantity},
        )
        if unit.site_id is None:
            # A unit started before the workshop kept stock: its first draw says where it is
            # kitted. Set last: the statements above would flush the unit's row early.
            unit.site_id = site.id
    return entry


def draw_without_lot(
    unit: Unit, bom_item_id: int, quantity: int, reason: str, actor: User, version: int
) -> LedgerEntry:
    """Draw parts the shelf holds but the books do not know of: a stock discrepancy."""
    item, quantity = _drawing(unit, bom_item_id, quantity, actor, version)
    reason = stock.check_reason(reason, required=True)
    _still_needed(unit, item, quantity)
    with unit_change(unit):
        entry = stock.write(
            EntryKind.DRAW,
            actor,
            part_id=item.part_id,
            unit=unit,
            bom_item=item,
            unit_change=quantity,
            reason=reason,
        )
        audit.record(
            actor,
            "unit.draw_without_lot",
            "unit",
            unit.serial,
            None,
            {"part": item.name, "quantity": quantity, "reason": reason},
        )
    return entry


def give_back(
    unit: Unit,
    bom_item_id: int,
    lot_id: int | None,
    quantity: int,
    to_waste: bool,
    actor: User,
    version: int,
) -> LedgerEntry:
    """Take parts of a line out of the unit at rework: back to the lot they came from, or to
    waste when they are damaged."""
    decide_move(unit, actor, Action.REMOVE_PART, StageInput(version=version))
    item = _line(unit, bom_item_id)
    quantity = stock.check_quantity(quantity, _l("Quantity"))
    lot = db.session.get(Lot, lot_id) if lot_id is not None and 0 < lot_id < 2**31 else None
    if lot_id is not None and lot is None:
        raise NotFound(_l("There is no such lot."))
    with unit_change(unit):
        return stock.leave_unit(unit, item, lot, quantity, to_waste=to_waste, actor=actor)
