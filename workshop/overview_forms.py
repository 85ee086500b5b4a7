"""The overview's forms, read by GET (no CSRF: they change nothing) by the pages and the API.

A chart's filters: a span of days (`from`, `to`, as YYYY-MM-DD), a drone type, a site, and for
a chart that shows one thing at a time, which one; the month of a monthly report. Each bad value
is named; what is left out means the last 12 weeks, every drone type and site, the last whole
month.
"""

from datetime import date, timedelta
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, IntegerField, SelectField
from wtforms.validators import Optional, ValidationError

from workshop.services.metrics.flow import OUTPUT_KINDS, WIP_STAGES
from workshop.services.metrics.periods import LONGEST_SPAN_DAYS, Filters
from workshop.services.overview import PERIODS
from workshop.services.units import workshop_today
from workshop.validators import Id

#: The weeks a chart covers when no span is given.
DEFAULT_WEEKS = 12
#: The days the app can hold figures of: one far outside is a typing slip.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class Day(DateField):
    """A day (or a month) in the given format, with a message that says what is expected."""

    def __init__(self, *args: Any, expected: LazyString, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.expected) from None
        if self.data is not None and not EARLIEST <= self.data <= LATEST:
            self.data = None
            raise ValueError(_l("a day from the year 2000 to 2100"))


def _chosen_id(value: Any) -> Any:
    """A drone type's or a site's id as the form sends it; None for all of them. Text that is no
    number stays as it is: it is then no choice, and says so."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


class ChartFilterForm(FlaskForm):
    """A chart's span, drone type, site and (where the chart offers it) what it shows; the view
    fills in the choices."""

    class Meta:
        csrf = False

    start = Day(
        _l("From"), name="from", validators=[Optional()], expected=_l("a day as YYYY-MM-DD")
    )
    end = Day(_l("To"), name="to", validators=[Optional()], expected=_l("a day as YYYY-MM-DD"))
    drone_type = SelectField(_l("Drone type"), name="type", coerce=_chosen_id, choices=[])
    site = SelectField(_l("Site"), name="site", coerce=_chosen_id, choices=[])
    show = SelectField(_l("Show"), name="show", validators=[Optional()], choices=[])

    def validate_end(self, field: Field) -> None:
        start, end = self.span()
        if start > end:
            raise ValidationError(_l("the span ends before it starts"))
        if (end - start).days >= LONGEST_SPAN_DAYS:
            raise ValidationError(_l("a span of at most %(days)d days", days=LONGEST_SPAN_DAYS))

    def span(self) -> tuple[date, date]:
        """The first and last day asked for: by default the 12 weeks up to today."""
        end = self.end.data or workshop_today()
        start = self.start.data
        if start is None:
            monday = end - timedelta(days=end.weekday())
            start = monday - timedelta(weeks=DEFAULT_WEEKS - 1)
        return start, end

    def filters(self) -> Filters:
        """What a validated form asks for."""
        start, end = self.span()
        return Filters(start, end, self.drone_type.data, self.site.data)


class MonthForm(FlaskForm):
    """The month of a monthly report; the last whole month when left out."""

    class Meta:
        csrf = False

    month = Day(
        _l("Month"),
        name="month",
        format="%Y-%m",
        validators=[Optional()],
        expected=_l("a month as YYYY-MM"),
    )

    def first_day(self) -> date:
        if self.month.data is not None:
            return self.month.data.replace(day=1)
        return (workshop_today().replace(day=1) - timedelta(days=1)).replace(day=1)


class UnitListForm(FlaskForm):
    """Which number of the overview to list the units of: a stage of the board, or an output of
    today or this week; of one drone type or all."""

    class Meta:
        csrf = False

    stage = SelectField(
        _l("Stage"), validators=[Optional()], choices=[(s.value, s.value) for s in WIP_STAGES]
    )
    output = SelectField(
        _l("Output"), validators=[Optional()], choices=[(kind, kind) for kind in OUTPUT_KINDS]
    )
    period = SelectField(
        _l("Period"), validators=[Optional()], choices=[(period, period) for period in PERIODS]
    )
    drone_type = IntegerField(_l("Drone type"), name="type", validators=[Optional(), Id()])
