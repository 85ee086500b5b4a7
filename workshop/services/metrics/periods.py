"""The span a figure covers and the weeks or months it is cut into, on the workshop's calendar
(its time zone, weeks from Monday), and the SQL that sorts a row into one of them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import get_timezone

#: The longest span a figure covers: two years of weeks is as fine as a chart can show.
LONGEST_SPAN_DAYS = 731


@dataclass(frozen=True)
class Filters:
    """What a figure covers: the days from `start` to `end` (both included) on the workshop's
    calendar, one drone type (None: all), and the units kitted at one site (None: every unit,
    those started before the workshop kept stock too)."""

    start: date
    end: date
    drone_type_id: int | None = None
    site_id: int | None = None

    @property
    def since(self) -> datetime:
        """The first moment of the span, in UTC."""
        return day_start(self.start)

    @property
    def until(self) -> datetime:
        """The first moment after the span, in UTC."""
        return day_start(self.end + timedelta(days=1))


@dataclass(frozen=True)
class Period:
    """One week or month of a span, cut to the span at its ends; `first` and `last` included."""

    first: date
    last: date

    @property
    def since(self) -> datetime:
        return day_start(self.first)

    @property
    def until(self) -> datetime:
        return day_start(self.last + timedelta(days=1))


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` on the workshop's clock, in UTC."""
    return get_timezone().localize(datetime.combine(day, time.min)).astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The day on the workshop's calendar of a moment stored in UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(get_timezone()).date()


def days(filters: Filters) -> list[Period]:
    """Each day of the span."""
    count = (filters.end - filters.start).days + 1
    return [Period(day, day) for day in (filters.start + timedelta(days=n) for n in range(count))]


def weeks(filters: Filters) -> list[Period]:
    """The weeks (Monday to Sunday) that the span touches, cut to the span."""
    periods, first = [], filters.start
    while first <= filters.end:
        last = min(first + timedelta(days=6 - first.weekday()), filters.end)
        periods.append(Period(first, last))
        first = last + timedelta(days=1)
    return periods


def months(filters: Filters) -> list[Period]:
    """The calendar months that the span touches, cut to the span."""
    periods, first = [], filters.start
    while first <= filters.end:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(following - timedelta(days=1), filters.end)
        periods.append(Period(first, last))
        first = last + timedelta(days=1)
    return periods


def period_of(column: Any, periods: Sequence[Period], *, moments: bool = True) -> Any:
    """The index in `periods` of the period `column` falls in: a CASE over the periods' ends,
    for a column already limited to the span. `moments`: the column holds UTC moments (a
    DateTime), else days (a Date)."""
    if moments:
        ends = [sa.literal(period.until, sa.DateTime(timezone=True)) for period in periods]
    else:
        ends = [sa.literal(period.last + timedelta(days=1), sa.Date()) for period in periods]
    return sa.case(*((column < end, n) for n, end in enumerate(ends)), else_=None)
