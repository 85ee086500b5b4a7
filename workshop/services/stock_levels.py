"""How much of each part is on the shelves, where, and how much of it units being kitted still
need: aggregates in SQL, a fixed number of statements however many lots and units there are."""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import db
from workshop.models import BomItem, LedgerEntry, Lot, Part, Place, Unit
from workshop.workflow import Stage, Status


def promised(except_unit_id: int | None = None) -> sa.Subquery:
    """(part_id, site_id, promised): what units being kitted at each site still need to draw.

    Their bills' quantities less what they drew already; a unit never draws more than its bill,
    so the sums are what the shelves must still give them.
    """
    kitting = sa.and_(
        Unit.stage == Stage.KITTING.value,
        Unit.status != Status.SCRAPPED.value,
        Unit.site_id.is_not(None),
    )
    if except_unit_id is not None:
        kitting = sa.and_(kitting, Unit.id != except_unit_id)
    # Units counted per drone type and site first: their bills are joined to a few counts, not
    # to every unit.
    counted = (
        sa.select(Unit.drone_type_id, Unit.site_id, sa.func.count(Unit.id).label("units"))
        .where(kitting)
        .group_by(Unit.drone_type_id, Unit.site_id)
        .subquery()
    )
    needs = sa.select(
        BomItem.part_id.label("part_id"),
        counted.c.site_id.label("site_id"),
        (BomItem.quantity * counted.c.units).label("n"),
    ).join(counted, counted.c.drone_type_id == BomItem.drone_type_id)
    drawn = (
        sa.select(LedgerEntry.part_id, Unit.site_id, -LedgerEntry.unit_change)
        .join(Unit, Unit.id == LedgerEntry.unit_id)
        .where(kitting, LedgerEntry.unit_change != 0)
    )
    both = sa.union_all(needs, drawn).subquery()
    return (
        sa.select(both.c.part_id, both.c.site_id, sa.func.sum(both.c.n).label("promised"))
        .group_by(both.c.part_id, both.c.site_id)
        .subquery()
    )


def on_hand_by_site() -> dict[tuple[int, int], int]:
    """(part id, site id) -> the quantity of its lots there, from the lots' covering index."""
    rows = db.session.execute(
        sa.select(Lot.part_id, Lot.site_id, sa.func.sum(Lot.quantity))
        .where(Lot.quantity > 0)
        .group_by(Lot.part_id, Lot.site_id)
    )
    return {(part_id, site_id): int(total) for part_id, site_id, total in rows}


def promised_by_site() -> dict[tuple[int, int], int]:
    """(part id, site id) -> what units being kitted there still need of it."""
    subquery = promised()
    rows = db.session.execute(sa.select(subquery).where(subquery.c.promised > 0))
    return {(part_id, site_id): int(total) for part_id, site_id, total in rows}


@dataclass
class PartLevel:
    """A part and where it lies: the API's and the stock page's row."""

    part: Part
    on_hand: int = 0
    by_place: dict[str, int] = field(default_factory=dict)

    @property
    def low(self) -> bool:
        return self.part.low_stock > 0 and self.on_hand < self.part.low_stock


def part_levels() -> list[PartLevel]:
    """Every part of the catalogue with its quantity on hand, in all and by place."""
    levels = {
        part.id: PartLevel(part)
        for part in db.session.scalars(sa.select(Part).order_by(Part.category, Part.key))
    }
    rows = db.session.execute(
        sa.select(Lot.part_id, Place.path, sa.func.sum(Lot.quantity))
        .join(Place, Place.id == Lot.place_id)
        .where(Lot.quantity > 0)
        .group_by(Lot.part_id, Place.path)
        .order_by(Place.path)
    )
    for part_id, path, total in rows:
        level = levels[part_id]
        level.by_place[path] = int(total)
        level.on_hand += int(total)
    return list(levels.values())


def low_stock() -> list[PartLevel]:
    """Parts under their low-stock threshold, the emptiest (by share of threshold) first."""
    total = sa.func.coalesce(sa.func.sum(Lot.quantity), 0)
    rows = db.session.execute(
        sa.select(Part, total)
        .outerjoin(Lot, Lot.part_id == Part.id)
        .where(Part.low_stock > 0)
        .group_by(Part.id)
        .having(total < Part.low_stock)
    )
    found = [PartLevel(part, int(quantity)) for part, quantity in rows]
    return sorted(found, key=lambda level: (level.on_hand / level.part.low_stock, level.part.key))


def lots_at(place: Place) -> list[Lot]:
    """The lots lying at a place that hold stock, the oldest first."""
    return list(
        db.session.scalars(
            sa.select(Lot)
            .options(so.joinedload(Lot.part))
            .where(Lot.place_id == place.id, Lot.quantity > 0)
            .order_by(Lot.received_on, Lot.id)
        )
    )
