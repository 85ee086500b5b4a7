"""Drawing parts into a unit, and taking them out again.

A draw takes a quantity from a lot for one line of the unit's bill of materials; the stock
leaves the lot in the same transaction that records it. A part the shelf holds but the books
do not (a counting error) is drawn without a lot, with a reason: the bench is never blocked, and
the coordinator sees a stock discrepancy. Parts taken out again at rework go back to their lot
or to waste.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import BomItem, LedgerEntry, Lot, Place, Unit, User
from workshop.models.stock import EntryKind
from workshop.services import audit, refusals, stock
from workshop.services.errors import Invalid, NotFound
from workshop.services.kitting_scan import Refusal
from workshop.services.stages import StageInput, decide
from workshop.services.transaction import unit_change
from workshop.validators import is_id
from workshop.workflow import Action

#: What a draw reads of a lot: its part, and its place's site.
LOT_LOADS = (
    so.joinedload(Lot.part),
    so.joinedload(Lot.place).joinedload(Place.site),
)


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
    decide(unit, actor, Action.RECORD_PART, StageInput(version=version))
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
        sa.select(Lot).options(*LOT_LOADS).where(Lot.code == lot_code.strip().upper())
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
        unit_site = unit.site.name if unit.site else ""
        raise Invalid(
            refusals.explain_scan(
                Refusal("other_site", {"code": lot.code, "site": site.name, "unit_site": unit_site})
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
    decide(unit, actor, Action.REMOVE_PART, StageInput(version=version))
    item = _line(unit, bom_item_id)
    quantity = stock.check_quantity(quantity, _l("Quantity"))
    lot = db.session.get(Lot, lot_id) if lot_id is not None and is_id(lot_id) else None
    if lot_id is not None and lot is None:
        raise NotFound(_l("There is no such lot."))
    with unit_change(unit):
        return stock.leave_unit(unit, item, lot, quantity, to_waste=to_waste, actor=actor)
