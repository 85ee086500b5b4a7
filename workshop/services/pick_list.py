"""The pick list of a unit at kitting: for each line of its bill of materials how many, where to
take them (places with stock at the unit's site, the oldest lot first) and how many are on hand,
grouped by the place to go to first, so a volunteer walks the shelves once (inventree-app #807).
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from workshop.extensions import db
from workshop.models import BomItem, Lot, Place, Unit
from workshop.services import stock, stock_levels

#: How many places with stock the pick list names for a part, oldest lot first.
SHELVES_SHOWN = 3


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
class PlaceStop:
    """One place to go to, and the lines still to draw whose oldest lot lies there. A stop
    without a place gathers the lines no shelf of the site holds."""

    place_path: str | None
    place_code: str | None
    lines: list[PickLine]


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

    @property
    def drawn(self) -> list[PickLine]:
        """The lines with pieces in the unit, in the bill's order."""
        return [line for line in self.lines if line.drawn]

    @property
    def stops(self) -> list[PlaceStop]:
        """The lines still to draw by the place their oldest lot lies in, places in the order
        of their paths (a walk along the shelves); the lines no shelf holds come last."""
        by_place: dict[str, PlaceStop] = {}
        nowhere: list[PickLine] = []
        for line in self.missing:
            if not line.shelves:
                nowhere.append(line)
                continue
            first = line.shelves[0]
            stop = by_place.setdefault(
                first.place_code, PlaceStop(first.place_path, first.place_code, [])
            )
            stop.lines.append(line)
        stops = sorted(by_place.values(), key=lambda stop: stop.place_path or "")
        return stops + ([PlaceStop(None, None, nowhere)] if nowhere else [])


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
