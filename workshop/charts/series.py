"""What a chart shows, as typed data: everything already worded, nothing drawn yet."""

from collections.abc import Callable
from dataclasses import dataclass


def plain_number(value: float) -> str:
    """A number as Python writes it briefly (a chart's caller passes its reader's own)."""
    return f"{value:g}"


@dataclass(frozen=True)
class Series:
    """Values in the order of the chart's categories, under one name."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class ColumnChart:
    """Columns side by side for each category (a week, a month), and optionally a line over
    them on the same scale."""

    #: Unique on a page: it prefixes the ids inside the drawing.
    key: str
    title: str
    #: The sentence saying what the chart shows (its description for screen readers too).
    summary: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    line: Series | None = None
    number: Callable[[float], str] = plain_number


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: its label, its value and what the row says of it; optionally a
    longer value (a 90th percentile) drawn hatched after the bar."""

    label: str
    value: float
    text: str
    extent: float | None = None
    #: A heading over the rows that share it ("Work", "Waiting").
    section: str = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row each, the label over the bar and the value's words at its
    right: long labels in any language fit an upright tablet."""

    key: str
    title: str
    summary: str
    bars: tuple[Bar, ...]
    #: The value a full bar stands for (1.0 for shares); the largest value by default.
    full: float | None = None
    #: The names of the bar and of its extent, when the bars have extents.
    legend: tuple[str, str] | None = None


@dataclass(frozen=True)
class RunPoint:
    """One period of a run chart: the middle of its values, their extremes, and whether any of
    them failed its limit."""

    label: str
    median: float
    low: float
    high: float
    failed: bool = False


@dataclass(frozen=True)
class RunChart:
    """Values over time, one point per period (the median, with a whisker from the lowest to the
    highest), and the limit's lines: drift shows before units fail."""

    key: str
    title: str
    summary: str
    points: tuple[RunPoint, ...]
    lower: float | None = None
    upper: float | None = None
    #: The names of what is drawn: the median, the extremes, the limit, a period with a failure.
    legend: tuple[str, str, str, str] = ("median", "lowest to highest", "limit", "failed")
    number: Callable[[float], str] = plain_number
