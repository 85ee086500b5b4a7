"""What can we build? Per drone type, per site and in total: how many units the free stock
covers, the part that limits it, and what to ask donors for to build more.

"Free" is what lies on the shelves less what units already being kitted still need to draw.
The stock is summed in SQL (per part and site); the minimum over a bill's few lines is taken
here, so the statements do not grow with the number of lots or units.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import DroneType, Part, Site
from workshop.services import stock, stock_levels
from workshop.services.errors import Invalid

#: The most units one request list may ask for, per drone type.
REQUEST_MAX = 10_000


@dataclass(frozen=True)
class LineStock:
    part: Part
    per_unit: int
    #: Free stock of the part (at the site, or everywhere).
    on_hand: int

    @property
    def covers(self) -> int:
        return self.on_hand // self.per_unit


@dataclass(frozen=True)
class TypeBuildable:
    drone_type: DroneType
    #: None: all sites together (stock can be moved between them).
    site: Site | None
    buildable: int
    limited_by: Part | None
    lines: list[LineStock]


@dataclass(frozen=True)
class Overview:
    sites: list[Site]
    #: One entry per active drone type with a bill: all sites together, then each site.
    types: list[tuple[TypeBuildable, list[TypeBuildable]]]


def _types() -> list[DroneType]:
    return [
        drone_type
        for drone_type in db.session.scalars(
            sa.select(DroneType)
            .options(so.selectinload(DroneType.bom))
            .where(DroneType.active)
            .order_by(DroneType.name)
        )
        if drone_type.bom
    ]


def _free(
    on_hand: Mapping[tuple[int, int], int], promised: Mapping[tuple[int, int], int]
) -> dict[tuple[int, int], int]:
    return {key: max(quantity - promised.get(key, 0), 0) for key, quantity in on_hand.items()}


def _of(drone_type: DroneType, site: Site | None, free: Mapping[int, int]) -> TypeBuildable:
    lines = [
        LineStock(item.part, item.quantity, free.get(item.part_id, 0)) for item in drone_type.bom
    ]
    limiting = min(lines, key=lambda line: line.covers)
    return TypeBuildable(drone_type, site, limiting.covers, limiting.part, lines)


def _free_by_part(free: Mapping[tuple[int, int], int], site_id: int | None) -> dict[int, int]:
    totals: dict[int, int] = {}
    for (part_id, at), quantity in free.items():
        if site_id is None or at == site_id:
            totals[part_id] = totals.get(part_id, 0) + quantity
    return totals


def overview() -> Overview:
    """Every active drone type: how many can be built from all sites' stock, and at each site."""
    sites = list(db.session.scalars(sa.select(Site).order_by(Site.name)))
    free = _free(stock_levels.on_hand_by_site(), stock_levels.promised_by_site())
    everywhere = _free_by_part(free, None)
    by_site = {site.id: _free_by_part(free, site.id) for site in sites}
    return Overview(
        sites,
        [
            (
                _of(drone_type, None, everywhere),
                [_of(drone_type, site, by_site[site.id]) for site in sites],
            )
            for drone_type in _types()
        ],
    )


@dataclass(frozen=True)
class RequestLine:
    """One part to ask for: how many the wanted units take, how many are free, what is missing."""

    part: Part
    needed: int
    on_hand: int

    @property
    def missing(self) -> int:
        return max(self.needed - self.on_hand, 0)


def request_list(wanted: Mapping[int, int], site_id: int | None = None) -> list[RequestLine]:
    """What `wanted` more units (drone type id -> how many) take, against the free stock (at one
    site, or everywhere): every part they need, the missing ones first. Parts shared by
    several types are asked for once."""
    for type_id, count in wanted.items():
        stock.check_quantity(count, _l("How many more"), minimum=0)
        if count > REQUEST_MAX:
            raise Invalid(_l("At most %(count)d units of a type at a time.", count=REQUEST_MAX))
        if type_id <= 0:
            raise Invalid(_l("There is no such drone type."))
    free = _free_by_part(
        _free(stock_levels.on_hand_by_site(), stock_levels.promised_by_site()), site_id
    )
    needed: dict[int, RequestLine] = {}
    for drone_type in _types():
        count = wanted.get(drone_type.id, 0)
        for item in drone_type.bom:
            if not count:
                continue
            line = needed.get(item.part_id)
            total = (line.needed if line else 0) + count * item.quantity
            needed[item.part_id] = RequestLine(item.part, total, free.get(item.part_id, 0))
    return sorted(
        needed.values(), key=lambda line: (line.missing == 0, line.part.category, line.part.key)
    )
