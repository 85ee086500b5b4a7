"""The quality charts in words: first-pass yield, the three Pareto charts of what goes wrong,
and a bench measurement over time."""

from collections.abc import Callable, Mapping

from flask_babel import gettext as _

from workshop.charts.bars import draw_bars
from workshop.charts.runs import draw_run
from workshop.charts.series import Bar, BarChart, RunChart, RunPoint
from workshop.services.figures import words
from workshop.services.figures.figure import Figure, Table
from workshop.services.measurement_text import measurement_name
from workshop.services.metrics import quality
from workshop.services.metrics.periods import Filters
from workshop.vocabulary import (
    FIELD_FAILURE_NAMES,
    REASON_NAMES,
    RETURN_OUTCOME_NAMES,
    STAGE_NAMES,
    UNIT_NAMES,
)


def first_pass_yield(key: str, title: str, filters: Filters) -> Figure:
    yields = quality.first_pass_yield(filters)
    rolled = quality.rolled_yield(yields)
    summary = _(
        "Of the units that finished or failed a stage for the first time %(span)s, the share "
        "that passed it at once, without rework; rolled from kit to review, the share that "
        "passes every stage at once: %(rolled)s.",
        span=words.span(filters),
        rolled=words.share(rolled),
    )
    bars = [
        Bar(
            str(STAGE_NAMES[y.stage]),
            y.share or 0,
            _(
                "%(share)s (%(passed)s of %(units)s)",
                share=words.share(y.share),
                passed=y.passed,
                units=y.units,
            )
            if y.units
            else "—",
        )
        for y in yields
    ]
    bars.append(
        Bar(_("Rolled yield"), rolled or 0, words.share(rolled), section=_("Kit to review"))
    )
    rows = [
        (str(STAGE_NAMES[y.stage]), str(y.units), str(y.passed), words.share(y.share))
        for y in yields
    ] + [(_("Rolled yield"), "", "", words.share(rolled))]
    values = [(str(STAGE_NAMES[y.stage]), y.units, y.passed, _rounded(y.share)) for y in yields] + [
        (_("Rolled yield"), "", "", _rounded(rolled))
    ]
    return Figure(
        key,
        title,
        summary,
        draw_bars(BarChart(key, title, summary, tuple(bars), full=1.0)),
        Table(
            (_("Stage"), _("Units"), _("Passed at once"), _("First-pass yield")),
            tuple(rows),
            tuple(values),
        ),
    )


def _rounded(share: float | None) -> float | str:
    return "" if share is None else round(share, 4)


def _pareto(
    key: str,
    title: str,
    summary: str,
    causes: list[quality.Cause],
    name: Callable[[str], str],
    what_was_done: tuple[str, Callable[[str], str]] | None,
) -> Figure:
    """A Pareto chart: causes from the most frequent down, each with its share of all and the
    running share in the table (and what was done about it, when that is known)."""
    total = sum(c.count for c in causes)
    bars, rows, values, running = [], [], [], 0
    for cause in causes:
        running += cause.count
        label = name(cause.key)
        bars.append(
            Bar(
                label,
                cause.count,
                _(
                    "%(count)s (%(share)s)",
                    count=cause.count,
                    share=words.share(cause.count / total),
                ),
            )
        )
        done = (
            ", ".join(f"{what_was_done[1](action)} {n}" for action, n in cause.actions)
            if what_was_done
            else ""
        )
        rows.append(
            (
                label,
                str(cause.count),
                words.share(cause.count / total),
                words.share(running / total),
            )
            + ((done,) if what_was_done else ())
        )
        values.append(
            (label, cause.count, round(cause.count / total, 4), round(running / total, 4))
            + ((done,) if what_was_done else ())
        )
    head = (_("Cause"), _("Times"), _("Share"), _("Share so far"))
    return Figure(
        key,
        title,
        summary,
        draw_bars(BarChart(key, title, summary, tuple(bars))) if causes else "",
        Table(head + ((what_was_done[0],) if what_was_done else ()), tuple(rows), tuple(values)),
    )


def _pareto_summary(
    what: str, filters: Filters, causes: list[quality.Cause], name: Callable[[str], str]
) -> str:
    if not causes:
        return _("%(what)s, %(span)s: none.", what=what, span=words.span(filters))
    return _(
        "%(what)s, %(span)s, the most frequent first: %(total)s in all, %(first)s most often "
        "(%(count)s).",
        what=what,
        span=words.span(filters),
        total=sum(c.count for c in causes),
        first=name(causes[0].key),
        count=causes[0].count,
    )


def _named(names: Mapping[str, object]) -> Callable[[str], str]:
    return lambda code: str(names.get(code, code))


def rework_reasons(key: str, title: str, filters: Filters) -> Figure:
    causes = quality.rework_reasons(filters)
    name = _named(REASON_NAMES)
    summary = _pareto_summary(_("Why units went back as rework"), filters, causes, name)
    stage = _named(STAGE_NAMES)
    return _pareto(key, title, summary, causes, name, (_("Sent back to"), stage))


def bench_failures(key: str, title: str, filters: Filters) -> Figure:
    causes = quality.bench_failures(filters)
    summary = _pareto_summary(
        _("The measurements that failed bench tests"), filters, causes, measurement_name
    )
    return _pareto(key, title, summary, causes, measurement_name, None)


def field_failures(key: str, title: str, filters: Filters) -> Figure:
    causes = quality.field_failures(filters)
    name = _named(FIELD_FAILURE_NAMES)
    summary = _pareto_summary(_("What failed in the field, by the returns"), filters, causes, name)

    def decision(outcome: str) -> str:
        return str(RETURN_OUTCOME_NAMES[outcome]) if outcome else _("Waiting for a decision")

    return _pareto(key, title, summary, causes, name, (_("Decided"), decision))


def bench_measurements(key: str, title: str, filters: Filters, name: str) -> Figure:
    series = quality.bench_series(filters, name)
    unit = str(UNIT_NAMES.get(series.unit, series.unit))
    daily = (filters.end - filters.start).days < quality.DAILY_UP_TO
    runs = sum(p.spread.count for p in series.points)
    failed = sum(p.failed for p in series.points)
    limit = " – ".join(words.number(v) for v in (series.lower, series.upper) if v is not None)
    summary = _(
        "%(name)s at the bench test %(by)s, %(span)s: the median of the runs, their lowest and "
        "highest value, and the limit (%(limit)s %(unit)s). %(runs)s runs, %(failed)s of them "
        "beyond the limit.",
        name=measurement_name(name),
        by=_("day by day") if daily else _("week by week"),
        span=words.span(filters),
        limit=limit or "—",
        unit=unit,
        runs=runs,
        failed=failed,
    )
    chart = RunChart(
        key,
        title,
        summary,
        tuple(
            RunPoint(
                words.short_day(p.period.first),
                p.spread.median,
                p.spread.low,
                p.spread.high,
                p.failed > 0,
            )
            for p in series.points
        ),
        series.lower,
        series.upper,
        legend=(_("Median"), _("Lowest to highest"), _("Limit"), _("Beyond the limit")),
        number=words.number,
    )
    head = (
        _("Day") if daily else _("Week from"),
        _("Runs"),
        _("Median, %(unit)s", unit=unit),
        _("Lowest, %(unit)s", unit=unit),
        _("Highest, %(unit)s", unit=unit),
        _("Beyond the limit"),
    )
    return Figure(
        key,
        title,
        summary,
        draw_run(chart) if series.points else "",
        Table(
            head,
            tuple(
                (
                    words.day(p.period.first),
                    str(p.spread.count),
                    words.number(p.spread.median),
                    words.number(p.spread.low),
                    words.number(p.spread.high),
                    str(p.failed),
                )
                for p in series.points
            ),
            tuple(
                (
                    p.period.first.isoformat(),
                    p.spread.count,
                    p.spread.median,
                    p.spread.low,
                    p.spread.high,
                    p.failed,
                )
                for p in series.points
            ),
        ),
    )
