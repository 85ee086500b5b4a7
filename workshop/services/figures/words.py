"""Numbers, shares, durations and periods as the reader writes them (their locale, the
workshop's calendar)."""

from datetime import date, datetime

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from workshop.models.timestamps import as_utc
from workshop.services.metrics.periods import Filters, Period
from workshop.services.metrics.sql import DAY, HOUR


def number(value: float) -> str:
    """A count or a measured value: whole numbers as they are, others to two decimals."""
    return format_decimal(round(value, 2), "#,##0.##")


def share(value: float | None) -> str:
    """A share as a percentage; a dash when there is nothing to share."""
    return "—" if value is None else format_percent(value, "#,##0%")


def hours(seconds: float) -> str:
    return _("%(hours)s h", hours=format_decimal(seconds / HOUR, "#,##0.#"))


def days(seconds: float) -> str:
    return _("%(days)s d", days=format_decimal(seconds / DAY, "#,##0.#"))


def age(since: datetime, now: datetime) -> str:
    """How long ago `since` was, in its largest whole unit: minutes, hours, days."""
    seconds = max((as_utc(now) - as_utc(since)).total_seconds(), 0)
    if seconds >= 2 * DAY:
        return _("%(days)s d", days=int(seconds // DAY))
    if seconds >= HOUR:
        return _("%(hours)s h", hours=int(seconds // HOUR))
    return _("%(minutes)s min", minutes=int(seconds // 60))


def day(value: date) -> str:
    return format_date(value, "medium")


def short_day(value: date) -> str:
    """A day in a chart's axis: "12 Jan"."""
    return format_date(value, "d MMM")


def month(value: date) -> str:
    """A month in a chart's axis or a report's title: "Jan 2027"."""
    return format_date(value, "LLL yyyy")


def period_label(period: Period, monthly: bool = False) -> str:
    """A period as its axis labels it: the month, or the day it starts."""
    return month(period.first) if monthly else short_day(period.first)


def span(filters: Filters) -> str:
    """The span of days a figure covers, in words."""
    return _("%(start)s to %(end)s", start=day(filters.start), end=day(filters.end))
