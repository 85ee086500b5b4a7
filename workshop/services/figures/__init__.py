"""The overview's charts in the reader's words: each a drawing (`workshop.charts`), the sentence
saying what it shows, and the table of its numbers (also its CSV), for a span of days and a drone
type. `CHARTS` lists them by the key their address carries."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from workshop.services.errors import NotFound
from workshop.services.figures import field_life, flow, quality, stock
from workshop.services.figures.figure import Figure
from workshop.services.metrics.periods import Filters
from workshop.services.metrics.quality import CHARTED
from workshop.vocabulary import MEASUREMENT_NAMES


@dataclass(frozen=True)
class Chart:
    key: str
    title: LazyString
    #: A line saying what the chart shows, for the list of charts.
    about: LazyString
    #: Draws the figure: (key, title, filters), and the choice when the chart offers `choices`.
    draw: Callable[..., Figure]
    #: What the chart can show one at a time (a bench measurement), by code.
    choices: dict[str, LazyString] = field(default_factory=dict)


CHARTS: dict[str, Chart] = {
    chart.key: chart
    for chart in (
        Chart(
            "throughput",
            _l("Throughput per week"),
            _l("Units started, delivered and scrapped each week."),
            flow.throughput,
        ),
        Chart(
            "first-pass-yield",
            _l("First-pass yield"),
            _l(
                "The share of units that pass each stage at once, and all of them from kit to "
                "review."
            ),
            quality.first_pass_yield,
        ),
        Chart(
            "rework-reasons",
            _l("Rework reasons (Pareto)"),
            _l("Why units go back as rework, the most frequent first."),
            quality.rework_reasons,
        ),
        Chart(
            "bench-failures",
            _l("Failing bench-test measurements (Pareto)"),
            _l("Which measurements fail bench tests, the most frequent first."),
            quality.bench_failures,
        ),
        Chart(
            "field-failures",
            _l("Field failures (Pareto)"),
            _l("What failed in the field, by the returns, the most frequent first."),
            quality.field_failures,
        ),
        Chart(
            "stage-times",
            _l("Cycle time and waiting"),
            _l(
                "How long units stay at each stage, wait for review, the handover or a decision, "
                "and on hold."
            ),
            flow.stage_times,
        ),
        Chart(
            "lead-time",
            _l("Lead time from kit to handover"),
            _l("How long a drone takes from its kit to its first handover."),
            flow.lead_time,
        ),
        Chart(
            "bench-measurements",
            _l("Bench measurements over time"),
            _l(
                "Gyro noise, battery and tilt at the bench test against their limit, so drift "
                "shows before units fail."
            ),
            quality.bench_measurements,
            {name: MEASUREMENT_NAMES[name] for name in CHARTED},
        ),
        Chart(
            "field",
            _l("In the field per month"),
            _l("Drones delivered, in service, returned, lost or destroyed each month."),
            field_life.in_the_field,
        ),
        Chart(
            "parts-consumed",
            _l("Parts consumed per month"),
            _l("Parts that went into drones each month, by category."),
            stock.parts_consumed,
        ),
        Chart(
            "build-limits",
            _l("What limits the build"),
            _l("How many drones of each type the stock covers now, and the part that limits it."),
            stock.build_limits,
        ),
    )
}


def chart(key: str) -> Chart:
    """The chart with this key; NotFound when there is none."""
    found = CHARTS.get(key)
    if found is None:
        raise NotFound(_l("There is no such chart."))
    return found


def figure(key: str, filters: Filters, choice: str | None = None) -> Figure:
    """The chart `key` for `filters`; `choice` one of its `choices` (the first by default)."""
    found = chart(key)
    title = str(found.title)
    if not found.choices:
        return found.draw(key, title, filters)
    if choice is None:
        choice = next(iter(found.choices))
    if choice not in found.choices:
        raise NotFound(_l("This chart cannot show that."))
    return found.draw(key, title, filters, choice)
