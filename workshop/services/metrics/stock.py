"""Stock where the workshop tracks it: the parts consumed in each period (what went into units,
less what came back out to the shelf), and how many drones of each type the free stock covers
now with the part that limits it. Summed in SQL per part and period."""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from workshop.extensions import db
from workshop.models import LedgerEntry, Part
from workshop.models.stock import EntryKind
from workshop.services import buildable
from workshop.services.metrics.flow import covered
from workshop.services.metrics.periods import Filters, Period, period_of

#: The ledger rows whose change to a unit counts: parts drawn into it, and those that came back
#: out to a lot (the kit's rework) or to a salvage lot (a scrapped drone). Parts taken out of a
#: unit to waste stay consumed.
CONSUMING: tuple[str, ...] = (EntryKind.DRAW, EntryKind.RETURN, EntryKind.SALVAGE)


@dataclass(frozen=True)
class PartUse:
    """One part's consumption in each period of the span, in the part's own measure."""

    part_id: int
    name: str
    category: str
    #: One of models.stock.MEASURES.
    measure: str
    per_period: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.per_period)


def consumed(filters: Filters, periods: Sequence[Period]) -> list[PartUse]:
    """Each part consumed by the units `filters` cover in the span, per period of `periods`; the
    most consumed first (within a measure), parts whose net use is nothing left out."""
    period = period_of(LedgerEntry.at, periods).label("period")
    rows = db.session.execute(
        sa.select(
            Part.id,
            Part.name,
            Part.category,
            Part.measure,
            period,
            sa.func.sum(LedgerEntry.unit_change),
        )
        .join(Part, Part.id == LedgerEntry.part_id)
        .where(
            LedgerEntry.kind.in_(CONSUMING),
            LedgerEntry.unit_change != 0,
            LedgerEntry.at >= filters.since,
            LedgerEntry.at < filters.until,
            covered(LedgerEntry.unit_id, filters),
        )
        .group_by(Part.id, Part.name, Part.category, Part.measure, period)
    )
    found: dict[int, tuple[str, str, str, list[int]]] = {}
    for part_id, name, category, measure, n, quantity in rows:
        if n is None:
            continue
        counts = found.setdefault(part_id, (name, category, measure, [0] * len(periods)))[3]
        counts[n] += int(quantity)
    uses = [
        PartUse(part_id, name, category, measure, tuple(counts))
        for part_id, (name, category, measure, counts) in found.items()
    ]
    return sorted(
        (use for use in uses if use.total),
        key=lambda use: (use.measure != "pcs", use.measure, -use.total, use.name),
    )


def build_limits(filters: Filters) -> list[buildable.TypeBuildable]:
    """Each active drone type with a bill (or the one `filters` name): how many its free stock
    covers now, at the site `filters` name or at all of them together, and the limiting part."""
    limits = []
    for everywhere, per_site in buildable.overview().types:
        if filters.drone_type_id not in (None, everywhere.drone_type.id):
            continue
        if filters.site_id is None:
            limits.append(everywhere)
        else:
            limits.extend(b for b in per_site if b.site and b.site.id == filters.site_id)
    return limits
