"""Stock that moves on the shelves: a quantity taken to another place, parts written off as
waste, a place counted (each difference an adjustment), and a stock discrepancy settled."""

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import LedgerEntry, Lot, Place, User
from workshop.models.stock import EntryKind
from workshop.models.timestamps import utcnow
from workshop.services import audit, places, stock
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.recall import get_lot
from workshop.validators import is_id

#: The most lots one count may carry: more than any shelf holds.
COUNT_MAX = 500


def move(lot_code: str, quantity: int | None, place_code: str, actor: User) -> Lot:
    """Take `quantity` of a lot (all of it when None) to another place.

    The whole lot moves as it is; part of it becomes a new lot (with its own code and label) of
    the same receipt, so a recall of either finds the units of both.
    """
    lot = get_lot(lot_code)
    place = places.get_place(place_code)
    if place.id == lot.place_id:
        raise Invalid(_l("Lot %(code)s lies at %(path)s already.", code=lot.code, path=place.path))
    whole = lot.quantity
    if whole == 0:
        raise Invalid(_l("Lot %(code)s is empty: nothing to move.", code=lot.code))
    quantity = whole if quantity is None else stock.check_quantity(quantity, _l("Quantity"))
    source_path = lot.place.path
    try:
        moved = _move_whole(lot, place, actor) if quantity == whole else None
        if moved is None:
            stock.take(lot, quantity)
            moved = _split(lot, quantity, place, actor)
        audit.record(
            actor,
            "lot.move",
            "lot",
            lot.code,
            {"place": source_path},
            {"place": place.path, "quantity": quantity, "lot": moved.code},
        )
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return moved


def _move_whole(lot: Lot, place: Place, actor: User) -> Lot:
    # Only if nobody took from it since it was read: else it is no longer the whole lot.
    moved = stock.changed_rows(
        sa.update(Lot)
        .where(Lot.id == lot.id, Lot.quantity == lot.quantity)
        .values(place_id=place.id, site_id=place.site_id)
        .execution_options(synchronize_session=False)
    )
    if moved != 1:
        raise Conflict(_l("Lot %(code)s changed a moment ago: look at it again.", code=lot.code))
    db.session.expire(lot)
    stock.write(EntryKind.MOVE, actor, part_id=lot.part_id, lot=lot, place_id=place.id)
    return lot


def _split(lot: Lot, quantity: int, place: Place, actor: User) -> Lot:
    """Part of a lot, taken from it already, as a lot of its own at `place`."""
    split = Lot(
        code=stock.new_lot_code(),
        part_id=lot.part_id,
        place=place,
        origin_id=lot.origin_key,
        quantity=quantity,
        source=lot.source,
        source_code=lot.source_code,
        received_on=lot.received_on,
        created_by_id=actor.id,
    )
    db.session.add(split)
    db.session.flush()
    stock.write(
        EntryKind.MOVE,
        actor,
        part_id=lot.part_id,
        lot=lot,
        lot_change=-quantity,
        related_lot=split,
    )
    stock.write(
        EntryKind.MOVE,
        actor,
        part_id=lot.part_id,
        lot=split,
        lot_change=quantity,
        related_lot=lot,
    )
    return split


def waste(lot_code: str, quantity: int, reason: str, actor: User) -> LedgerEntry:
    """Write parts of a lot off as waste (damaged on the shelf), with the reason."""
    lot = get_lot(lot_code)
    quantity = stock.check_quantity(quantity, _l("Quantity"))
    reason = stock.check_reason(reason, required=True)
    try:
        stock.take(lot, quantity)
    except Invalid:
        db.session.rollback()
        raise
    entry = stock.write(
        EntryKind.WASTE, actor, part_id=lot.part_id, lot=lot, lot_change=-quantity, reason=reason
    )
    audit.record(
        actor, "lot.waste", "lot", lot.code, None, {"quantity": quantity, "reason": reason}
    )
    db.session.commit()
    return entry


@dataclass(frozen=True)
class Counted:
    """One lot counted at a place: what the books said when the page was read, what was there."""

    lot_code: str
    counted: int
    #: None for a lot scanned at the count that the page did not list.
    expected: int | None = None


@dataclass(frozen=True)
class Difference:
    lot: Lot
    expected: int
    counted: int


def count_place(
    place_code: str, counts: list[Counted], reason: str, actor: User
) -> list[Difference]:
    """A stocktake of one place: each lot counted that differs from the books is adjusted, with
    the reason; a lot found here that the books put elsewhere moves here. All or nothing."""
    place = places.get_place(place_code)
    if not counts:
        raise Invalid(_l("Count at least one lot."))
    if len(counts) > COUNT_MAX:
        raise Invalid(_l("At most %(count)d lots in one count.", count=COUNT_MAX))
    lots = _counted_lots(counts)
    differences: list[Difference] = []
    try:
        for count in counts:
            lot = lots[count.lot_code]
            counted = stock.check_quantity(count.counted, lot.code, minimum=0)
            expected = lot.quantity if count.expected is None else count.expected
            if lot.place_id != place.id:
                _found_here(lot, place, actor)
            if counted != expected:
                differences.append(Difference(lot, expected, counted))
        reason = stock.check_reason(reason, required=bool(differences))
        for difference in differences:
            _adjust(difference, place, reason, actor)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return differences


def _counted_lots(counts: list[Counted]) -> dict[str, Lot]:
    codes = [count.lot_code.strip().upper() for count in counts]
    if len(set(codes)) != len(codes):
        raise Invalid(_l("Each lot is counted once."))
    found = {
        lot.code: lot
        for lot in db.session.scalars(
            sa.select(Lot)
            .options(so.joinedload(Lot.place), so.joinedload(Lot.part))
            .where(Lot.code.in_(codes))
        )
    }
    if missing := [code for code in codes if code not in found]:
        raise NotFound(_l("No lot has the code %(code)s.", code=", ".join(missing[:5])))
    return {count.lot_code: found[code] for count, code in zip(counts, codes, strict=True)}


def _found_here(lot: Lot, place: Place, actor: User) -> None:
    before = lot.place.path
    lot.place = place
    db.session.flush()
    stock.write(EntryKind.MOVE, actor, part_id=lot.part_id, lot=lot, place_id=place.id)
    audit.record(
        actor, "lot.move", "lot", lot.code, {"place": before}, {"place": place.path, "count": True}
    )


def _adjust(difference: Difference, place: Place, reason: str, actor: User) -> None:
    lot = difference.lot
    # Only from the quantity the person saw: a draw since the page was read means the count
    # no longer matches the books it was made against.
    if (
        stock.changed_rows(
            sa.update(Lot)
            .where(Lot.id == lot.id, Lot.quantity == difference.expected)
            .values(quantity=difference.counted)
            .execution_options(synchronize_session=False)
        )
        != 1
    ):
        raise Conflict(
            _l("Lot %(code)s changed while it was counted: count it again.", code=lot.code)
        )
    db.session.expire(lot, ["quantity"])
    stock.write(
        EntryKind.ADJUST,
        actor,
        part_id=lot.part_id,
        lot=lot,
        lot_change=difference.counted - difference.expected,
        place_id=place.id,
        reason=reason,
    )
    audit.record(
        actor,
        "lot.adjust",
        "lot",
        lot.code,
        {"quantity": difference.expected},
        {"quantity": difference.counted, "place": place.path, "reason": reason},
    )


def discrepancies() -> list[LedgerEntry]:
    """Parts drawn without a lot that no coordinator has settled yet, oldest first."""
    return list(
        db.session.scalars(
            sa.select(LedgerEntry)
            .options(
                so.joinedload(LedgerEntry.part),
                so.joinedload(LedgerEntry.unit),
                so.joinedload(LedgerEntry.user),
            )
            .where(
                LedgerEntry.kind == EntryKind.DRAW.value,
                LedgerEntry.lot_id.is_(None),
                LedgerEntry.settled_at.is_(None),
            )
            .order_by(LedgerEntry.id)
        )
    )


def settle(entry_id: int, actor: User) -> LedgerEntry:
    """The coordinator has looked into a draw without a lot (counted the shelf, found the lot)."""
    entry = db.session.get(LedgerEntry, entry_id) if is_id(entry_id) else None
    if entry is None or entry.lot_id is not None or entry.kind != EntryKind.DRAW.value:
        raise NotFound(_l("There is no such stock discrepancy."))
    if entry.settled_at is not None:
        raise Invalid(_l("This stock discrepancy is settled already."))
    entry.settled_at, entry.settled_by_id = utcnow(), actor.id
    audit.record(
        actor,
        "stock.settle",
        "ledger",
        entry.id,
        None,
        {"part": entry.part.name, "quantity": entry.unit_change},
    )
    db.session.commit()
    return entry
