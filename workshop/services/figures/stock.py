"""The stock charts in words: the parts consumed per month, and what limits the build now."""

from flask_babel import gettext as _

from workshop.charts.bars import draw_bars
from workshop.charts.columns import draw_columns
from workshop.charts.series import Bar, BarChart, ColumnChart, Series
from workshop.charts.svg import SERIES_COLOURS
from workshop.extensions import db
from workshop.models import Site
from workshop.services.buildable import TypeBuildable
from workshop.services.figures import words
from workshop.services.figures.figure import Figure, Table
from workshop.services.metrics import stock
from workshop.services.metrics.periods import Filters, months
from workshop.services.stock import in_measure
from workshop.vocabulary import MEASURE_NAMES

#: The measure the chart draws; parts counted in cm, g or ml are in the table only (a sum of
#: pieces and grams means nothing).
PIECES = "pcs"


def _category(use: stock.PartUse) -> str:
    return use.category or _("No category")


def _series(uses: list[stock.PartUse], periods: int) -> tuple[Series, ...]:
    """Pieces per month by category: the largest categories each a series of their own (as many
    as the chart has colours), the rest together."""
    totals: dict[str, list[int]] = {}
    for use in uses:
        if use.measure == PIECES:
            row = totals.setdefault(_category(use), [0] * periods)
            for n, quantity in enumerate(use.per_period):
                row[n] += quantity
    ranked = sorted(totals.items(), key=lambda item: (-sum(item[1]), item[0]))
    if len(ranked) > len(SERIES_COLOURS):
        kept, rest = ranked[: len(SERIES_COLOURS) - 1], ranked[len(SERIES_COLOURS) - 1 :]
        other = [sum(row[n] for _name, row in rest) for n in range(periods)]
        ranked = [*kept, (_("Other categories"), other)]
    return tuple(Series(name, tuple(row)) for name, row in ranked)


def parts_consumed(key: str, title: str, filters: Filters) -> Figure:
    periods = months(filters)
    uses = stock.consumed(filters, periods)
    pieces = sum(use.total for use in uses if use.measure == PIECES)
    summary = _(
        "Parts that went into drones each month, less those that came back out to the shelf, "
        "%(span)s: %(pieces)s pieces in all, by category. Parts counted in cm, g or ml are in "
        "the table.",
        span=words.span(filters),
        pieces=words.number(pieces),
    )
    series = _series(uses, len(periods))
    chart = ColumnChart(
        key,
        title,
        summary,
        tuple(words.month(period.first) for period in periods),
        series,
        number=words.number,
    )
    cells = [
        (period, use, quantity)
        for n, period in enumerate(periods)
        for use in uses
        if (quantity := use.per_period[n])
    ]
    return Figure(
        key,
        title,
        summary,
        draw_columns(chart) if series else "",
        Table(
            (_("Month"), _("Part"), _("Category"), _("Consumed"), _("Measure")),
            tuple(
                (
                    words.month(period.first),
                    use.name,
                    use.category,
                    words.number(quantity),
                    str(MEASURE_NAMES[use.measure]),
                )
                for period, use, quantity in cells
            ),
            tuple(
                (period.first.isoformat(), use.name, use.category, quantity, use.measure)
                for period, use, quantity in cells
            ),
        ),
    )


def _where(filters: Filters) -> str:
    if filters.site_id is None:
        return _("at all sites together (stock can be moved between them)")
    name = db.session.scalar(db.select(Site.name).where(Site.id == filters.site_id)) or ""
    return _("at %(site)s", site=name)


def build_limits(key: str, title: str, filters: Filters) -> Figure:
    limits = stock.build_limits(filters)
    summary = _(
        "How many drones of each type the free stock covers now, %(where)s, and the part that "
        "limits each; the span does not change it. Free is what lies on the shelves less what "
        "units at kitting still have to draw.",
        where=_where(filters),
    )

    def limiting(limit: TypeBuildable) -> str:
        if limit.limited_by is None:
            return "—"
        line = next(line for line in limit.lines if line.part.id == limit.limited_by.id)
        return _(
            "%(part)s: %(free)s free, %(per_unit)s per drone",
            part=line.part.name,
            free=in_measure(line.on_hand, line.part.measure),
            per_unit=words.number(line.per_unit),
        )

    bars = tuple(
        Bar(
            limit.drone_type.name,
            limit.buildable,
            _("%(count)s; limited by %(part)s", count=limit.buildable, part=limit.limited_by.name)
            if limit.limited_by
            else str(limit.buildable),
        )
        for limit in limits
    )
    return Figure(
        key,
        title,
        summary,
        draw_bars(BarChart(key, title, summary, bars)) if bars else "",
        Table(
            (_("Drone type"), _("Can be built now"), _("Limited by")),
            tuple((b.drone_type.name, str(b.buildable), limiting(b)) for b in limits),
            tuple(
                (b.drone_type.name, b.buildable, b.limited_by.name if b.limited_by else "")
                for b in limits
            ),
        ),
    )
