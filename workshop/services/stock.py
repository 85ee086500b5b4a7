"""The rules every stock movement follows: whole quantities within bounds, codes, taking from a
lot without ever going below zero, one ledger row per movement, and what the ledger says is in
a unit. The use cases (receiving, kitting, moves, salvage, import) are built from these; none of
these commits.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import CursorResult

from workshop import vocabulary
from workshop.extensions import db
from workshop.models import BomItem, LedgerEntry, Lot, Unit, User
from workshop.models.stock import EntryKind
from workshop.services import audit
from workshop.services.counters import take_next_number
from workshop.services.errors import Invalid

#: The most one movement may carry: a thousand metres of wire in cm, ten kilos of solder in g.
MAX_QUANTITY = 100_000
#: The codes the app makes for lots and places: a letter, a hyphen, six digits or more.
LOT_CODE = re.compile(r"^L-\d{6,}$")
PLACE_CODE = re.compile(r"^P-\d{6,}$")
#: A lot code brought in by an import: digits, capital Latin letters and hyphens, so any scanner
#: under any keyboard layout types it back.
FREE_LOT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,23}$")
REASON_MAX = 200


def quantity_problem(typed: object, minimum: int = 1) -> LazyString:
    """What is wrong with a quantity, for a sentence that names its field first."""
    return _l(
        "a whole number from %(low)d to %(high)d is needed, not “%(typed)s”.",
        low=minimum,
        high=MAX_QUANTITY,
        typed=str(typed)[:20],
    )


def _refused(field: LazyString | str, typed: object, minimum: int) -> Invalid:
    return Invalid(
        _l("%(field)s: %(problem)s", field=field, problem=quantity_problem(typed, minimum))
    )


def check_quantity(value: object, field: LazyString | str, minimum: int = 1) -> int:
    """`value` when it is a whole number from `minimum` to MAX_QUANTITY, else Invalid naming
    `field`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refused(field, value, minimum)
    if not minimum <= value <= MAX_QUANTITY:
        raise _refused(field, value, minimum)
    return value


def parse_quantity(text: str | int | None, field: LazyString | str, minimum: int = 1) -> int:
    """A quantity as typed (a form field, a CSV cell, a JSON value): a whole number only, so
    "1.5", "-2", "1e3" and "" are refused rather than rounded or guessed."""
    if isinstance(text, int) and not isinstance(text, bool):
        return check_quantity(text, field, minimum)
    typed = str(text if text is not None else "").strip()
    if not re.fullmatch(r"\d{1,7}", typed):
        raise _refused(field, typed, minimum)
    return check_quantity(int(typed), field, minimum)


def check_reason(text: str, *, required: bool) -> str:
    reason = " ".join(text.split())
    if required and len(reason) < 3:
        raise Invalid(_l("Write a few words about the reason."))
    if len(reason) > REASON_MAX:
        raise Invalid(_l("The reason is too long (at most 200 characters)."))
    return reason


def new_lot_code() -> str:
    return f"L-{take_next_number('L', 0):06d}"


def new_place_code() -> str:
    return f"P-{take_next_number('P', 0):06d}"


def in_measure(quantity: int, measure: str) -> str:
    """A quantity with its measure as a person reads it: "12 pcs", "300 cm"."""
    return f"{quantity} {vocabulary.MEASURE_NAMES.get(measure, measure)}"


def changed_rows(statement: sa.Update) -> int:
    # An UPDATE's result is a CursorResult, which the Session's typing cannot promise.
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def take(lot: Lot, quantity: int) -> None:
    """Take `quantity` from the lot, or refuse when it holds less: one conditional UPDATE, so two
    tablets taking the last pieces at once cannot both have them."""
    taken = changed_rows(
        sa.update(Lot)
        .where(Lot.id == lot.id, Lot.quantity >= quantity)
        .values(quantity=Lot.quantity - quantity)
        .execution_options(synchronize_session=False)
    )
    if taken != 1:
        left = db.session.scalar(sa.select(Lot.quantity).where(Lot.id == lot.id)) or 0
        raise Invalid(
            _l(
                "Lot %(code)s holds %(left)s, fewer than %(asked)s: nothing was taken.",
                code=lot.code,
                left=in_measure(left, lot.part.measure),
                asked=in_measure(quantity, lot.part.measure),
            )
            if left
            else _l("Lot %(code)s is empty: nothing was taken.", code=lot.code)
        )
    db.session.expire(lot, ["quantity"])


def put(lot: Lot, quantity: int) -> None:
    """Add `quantity` to the lot (a return, a move in, a count above the books)."""
    changed_rows(
        sa.update(Lot)
        .where(Lot.id == lot.id)
        .values(quantity=Lot.quantity + quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(lot, ["quantity"])


def write(
    kind: EntryKind,
    actor: User | None,
    *,
    part_id: int,
    lot: Lot | None = None,
    lot_change: int = 0,
    unit: Unit | None = None,
    bom_item: BomItem | None = None,
    unit_change: int = 0,
    place_id: int | None = None,
    related_lot: Lot | None = None,
    reason: str = "",
) -> LedgerEntry:
    """Add one ledger row to the caller's transaction."""
    entry = LedgerEntry(
        kind=kind.value,
        part_id=part_id,
        lot_id=lot.id if lot else None,
        lot_change=lot_change,
        place_id=place_id if place_id is not None else (lot.place_id if lot else None),
        related_lot_id=related_lot.id if related_lot else None,
        unit_id=unit.id if unit else None,
        bom_item_id=bom_item.id if bom_item else None,
        unit_change=unit_change,
        reason=reason,
        user_id=actor.id if actor else None,
    )
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class Holding:
    """How many of a BOM line's part are in a unit, by the lot they came from (None: drawn
    without a lot)."""

    bom_item_id: int
    lot_id: int | None
    lot_code: str | None
    quantity: int


def unit_holdings(unit_id: int) -> list[Holding]:
    """What the ledger says is in the unit, by BOM line and lot, in the order it was drawn."""
    total = sa.func.sum(LedgerEntry.unit_change)
    rows = db.session.execute(
        sa.select(LedgerEntry.bom_item_id, LedgerEntry.lot_id, Lot.code, total)
        .outerjoin(Lot, Lot.id == LedgerEntry.lot_id)
        .where(
            LedgerEntry.unit_id == unit_id,
            LedgerEntry.bom_item_id.is_not(None),
            LedgerEntry.unit_change != 0,
        )
        .group_by(LedgerEntry.bom_item_id, LedgerEntry.lot_id, Lot.code)
        .having(total != 0)
        .order_by(sa.func.min(LedgerEntry.id))
    )
    return [
        Holding(item_id, lot_id, code, int(quantity))
        for item_id, lot_id, code, quantity in rows
        if item_id is not None
    ]


def in_unit(holdings: Sequence[Holding]) -> dict[int, int]:
    """How many of each BOM line are in the unit, whatever lot they came from."""
    totals: dict[int, int] = {}
    for holding in holdings:
        totals[holding.bom_item_id] = totals.get(holding.bom_item_id, 0) + holding.quantity
    return totals


def missing_draws(unit: Unit) -> tuple[str, ...]:
    """The BOM lines a unit kitted at a site has not drawn in full, as "4 × Motor 2807".

    A unit with no site was started before the workshop kept stock: its kit is not checked.
    """
    if unit.site_id is None:
        return ()
    drawn = in_unit(unit_holdings(unit.id))
    return tuple(
        f"{item.quantity - drawn.get(item.id, 0)} × {item.name}"
        for item in unit.drone_type.bom
        if drawn.get(item.id, 0) < item.quantity
    )


def leave_unit(
    unit: Unit,
    item: BomItem,
    lot: Lot | None,
    quantity: int,
    *,
    to_waste: bool,
    actor: User,
) -> LedgerEntry:
    """Parts of a line taken out of a unit: back to the lot they came from, or to waste. Only
    what the ledger shows in the unit, from that lot, can leave it; the caller commits."""
    lot_id = lot.id if lot else None
    held = sum(
        h.quantity
        for h in unit_holdings(unit.id)
        if h.bom_item_id == item.id and h.lot_id == lot_id
    )
    if quantity > held:
        raise Invalid(
            _l(
                "Only %(held)s of %(part)s from lot %(lot)s are in this unit.",
                held=held,
                part=item.name,
                lot=lot.code,
            )
            if lot
            else _l(
                "Only %(held)s of %(part)s drawn without a lot are in this unit.",
                held=held,
                part=item.name,
            )
        )
    if not to_waste and lot is None:
        raise Invalid(
            _l(
                "%(part)s was drawn without a lot, so it cannot go back to one: send it to waste, "
                "or receive it again as a new lot.",
                part=item.name,
            )
        )
    if not to_waste:
        assert lot is not None
        put(lot, quantity)
    entry = write(
        EntryKind.WASTE if to_waste else EntryKind.RETURN,
        actor,
        part_id=item.part_id,
        lot=lot,
        lot_change=0 if to_waste else quantity,
        unit=unit,
        bom_item=item,
        unit_change=-quantity,
    )
    audit.record(
        actor,
        "unit.part_wasted" if to_waste else "unit.part_returned",
        "unit",
        unit.serial,
        {"part": item.name, "lot": lot.code if lot else None, "quantity": quantity},
        None,
    )
    return entry


@dataclass(frozen=True)
class Disagreement:
    code: str
    quantity: int
    ledger: int


def disagreements() -> list[Disagreement]:
    """Lots whose quantity is not the sum of their ledger rows (a row edited behind the app)."""
    sums = (
        sa.select(LedgerEntry.lot_id, sa.func.sum(LedgerEntry.lot_change).label("total"))
        .where(LedgerEntry.lot_id.is_not(None))
        .group_by(LedgerEntry.lot_id)
        .subquery()
    )
    ledger = sa.func.coalesce(sums.c.total, 0)
    rows = db.session.execute(
        sa.select(Lot.code, Lot.quantity, ledger)
        .outerjoin(sums, sums.c.lot_id == Lot.id)
        .where(Lot.quantity != ledger)
        .order_by(Lot.code)
    )
    return [Disagreement(code, quantity, int(total)) for code, quantity, total in rows]


def lot_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Lot.id))) or 0
