"""Life in the field in words: per month, drones delivered, returned, lost or destroyed, and how
many were in service."""

from flask_babel import gettext as _

from workshop.charts.columns import draw_columns
from workshop.charts.series import ColumnChart, Series
from workshop.services.figures import words
from workshop.services.figures.figure import Figure, Table
from workshop.services.metrics.field import field_months
from workshop.services.metrics.periods import Filters


def in_the_field(key: str, title: str, filters: Filters) -> Figure:
    months = field_months(filters)
    now = months[-1].in_service if months else 0
    summary = _(
        "Drones delivered (handed over for the first time), returned, and lost or destroyed each "
        "month, %(span)s, and how many were in service at each month's end: %(now)s at the end "
        "of the span.",
        span=words.span(filters),
        now=now,
    )
    chart = ColumnChart(
        key,
        title,
        summary,
        tuple(words.month(m.period.first) for m in months),
        (
            Series(_("Delivered"), tuple(m.delivered for m in months)),
            Series(_("Returned"), tuple(m.returned for m in months)),
            Series(_("Lost or destroyed"), tuple(m.lost + m.destroyed for m in months)),
        ),
        line=Series(_("In service"), tuple(m.in_service for m in months)),
        number=words.number,
    )
    return Figure(
        key,
        title,
        summary,
        draw_columns(chart),
        Table(
            (
                _("Month"),
                _("Delivered"),
                _("Returned"),
                _("Lost"),
                _("Destroyed"),
                _("In service at the end"),
            ),
            tuple(
                (
                    words.month(m.period.first),
                    str(m.delivered),
                    str(m.returned),
                    str(m.lost),
                    str(m.destroyed),
                    str(m.in_service),
                )
                for m in months
            ),
            tuple(
                (
                    m.period.first.isoformat(),
                    m.delivered,
                    m.returned,
                    m.lost,
                    m.destroyed,
                    m.in_service,
                )
                for m in months
            ),
        ),
    )
