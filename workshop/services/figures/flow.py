"""The flow charts in words: throughput per week, the time at each stage and waiting, the lead
time from kit to handover."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.charts.bars import draw_bars
from workshop.charts.columns import draw_columns
from workshop.charts.series import Bar, BarChart, ColumnChart, Series
from workshop.services.figures import words
from workshop.services.figures.figure import Figure, Table
from workshop.services.metrics import flow
from workshop.services.metrics.periods import Filters
from workshop.services.metrics.sql import DAY, HOUR, Spread
from workshop.vocabulary import STAGE_NAMES
from workshop.workflow import WORK_STAGES, Stage

#: What waiting at each stage after the work is called, and waiting on hold.
WAIT_NAMES = {
    Stage.REVIEW.value: _l("Waiting for review"),
    Stage.APPROVED.value: _l("Waiting for the handover"),
    Stage.RETURNED.value: _l("Waiting for a decision on a return"),
    flow.ON_HOLD: _l("On hold"),
}


def throughput(key: str, title: str, filters: Filters) -> Figure:
    weeks = flow.throughput(filters)
    started = sum(w.started for w in weeks)
    delivered = sum(w.delivered for w in weeks)
    scrapped = sum(w.scrapped for w in weeks)
    summary = _(
        "Units started, delivered (handed over for the first time) and scrapped each week, "
        "%(span)s: %(started)s started, %(delivered)s delivered, %(scrapped)s scrapped.",
        span=words.span(filters),
        started=started,
        delivered=delivered,
        scrapped=scrapped,
    )
    names = (_("Started"), _("Delivered"), _("Scrapped"))
    chart = ColumnChart(
        key,
        title,
        summary,
        tuple(words.short_day(w.period.first) for w in weeks),
        tuple(
            Series(name, tuple(getattr(w, field) for w in weeks))
            for name, field in zip(names, ("started", "delivered", "scrapped"), strict=True)
        ),
        number=words.number,
    )
    return Figure(
        key,
        title,
        summary,
        draw_columns(chart),
        Table(
            (_("Week from"), *names),
            tuple(
                (words.day(w.period.first), str(w.started), str(w.delivered), str(w.scrapped))
                for w in weeks
            ),
            tuple((w.period.first.isoformat(), w.started, w.delivered, w.scrapped) for w in weeks),
        ),
    )


def _spread_text(spread: Spread | None, unit: str) -> str:
    if spread is None:
        return "—"
    say = words.days if unit == "d" else words.hours
    return _("%(median)s · 9 in 10 within %(p90)s", median=say(spread.median), p90=say(spread.p90))


def _spread_row(label: str, spread: Spread | None, per: float) -> tuple[tuple, tuple]:
    """A table row (shown, and for the CSV) of a spread in hours or days (`per` seconds)."""
    if spread is None:
        return (label, "0", "—", "—"), (label, 0, "", "")
    median, p90 = round(spread.median / per, 2), round(spread.p90 / per, 2)
    return (
        (label, str(spread.count), words.number(median), words.number(p90)),
        (label, spread.count, median, p90),
    )


def _spread_figure(
    heading: tuple[str, str, str],
    spreads: dict[str, Spread],
    rows: list[tuple[str, str, str]],
    unit: str,
    head: tuple[str, ...],
) -> Figure:
    """A figure of spreads (`unit` "h": hours, "d": days), a bar per (key, label, section) of
    `rows` from the median to the 90th percentile; nothing drawn when no spread was found."""
    key, title, summary = heading
    chart = BarChart(
        key,
        title,
        summary,
        tuple(
            Bar(
                label,
                spreads[k].median if k in spreads else 0,
                _spread_text(spreads.get(k), unit),
                spreads[k].p90 if k in spreads else None,
                section,
            )
            for k, label, section in rows
        ),
        legend=(_("Median"), _("Up to the 90th percentile")),
    )
    per = DAY if unit == "d" else HOUR
    table = [_spread_row(label, spreads.get(k), per) for k, label, _section in rows]
    return Figure(
        key,
        title,
        summary,
        draw_bars(chart) if spreads else "",
        Table(
            head,
            tuple(shown for shown, _value in table),
            tuple(value for _shown, value in table),
        ),
    )


def stage_times(key: str, title: str, filters: Filters) -> Figure:
    times = flow.stage_times(filters)
    rows: list[tuple[str, str, str]] = [
        (stage.value, str(STAGE_NAMES[stage]), _("Work")) for stage in WORK_STAGES
    ] + [(k, str(name), _("Waiting")) for k, name in WAIT_NAMES.items()]
    visits = sum(spread.count for spread in times.values())
    summary = _(
        "How long units stayed at each stage (the median, and the time 9 in 10 stayed within), "
        "holds included, and how long they waited for review, for the handover, for a decision "
        "on a return and on hold, %(span)s: %(visits)s stays in all.",
        span=words.span(filters),
        visits=visits,
    )
    return _spread_figure(
        (key, title, summary),
        times,
        rows,
        "h",
        (_("Stage"), _("Stays"), _("Median, h"), _("90th percentile, h")),
    )


def lead_time(key: str, title: str, filters: Filters) -> Figure:
    leads = flow.lead_times(filters)
    every = leads.get(flow.ALL_TYPES)
    if every is None:
        summary = _(
            "From the kit to the first handover: no unit was handed over %(span)s.",
            span=words.span(filters),
        )
    else:
        summary = _(
            "From the kit to the first handover, for the %(count)s units handed over %(span)s: "
            "%(median)s for half of them, 9 in 10 within %(p90)s.",
            count=every.count,
            span=words.span(filters),
            median=words.days(every.median),
            p90=words.days(every.p90),
        )
    labels = [(name, name) for name in sorted(k for k in leads if k != flow.ALL_TYPES)]
    labels.append((flow.ALL_TYPES, _("All drone types")))
    return _spread_figure(
        (key, title, summary),
        leads,
        [(k, label, "") for k, label in labels],
        "d",
        (_("Drone type"), _("Units"), _("Median, d"), _("90th percentile, d")),
    )
