"""A run chart: a measurement over time, one point per period (the median, and a whisker from
the lowest value to the highest), with the limit's lines drawn in."""

import math

from workshop.charts.series import RunChart
from workshop.charts.svg import (
    GRID,
    INK,
    MUTED,
    SERIES_COLOURS,
    SMALL,
    VERMILLION,
    WIDTH,
    Drawing,
    text_width,
    ticks,
)

LEFT = 64
RIGHT = 8
PLOT_HEIGHT = 260
MEDIAN = SERIES_COLOURS[0]


def draw_run(chart: RunChart) -> str:
    """The chart as an `<svg>` element."""
    drawing = Drawing(chart.key, chart.title, chart.summary, 0)
    median, extremes, limit, failed = chart.legend
    entries = [(f"circle:{MEDIAN}", median), (f"line:{MUTED}", extremes)]
    limits = [v for v in (chart.lower, chart.upper) if v is not None]
    if limits:
        entries.append((f"dash:{VERMILLION}", limit))
    if any(p.failed for p in chart.points):
        entries.append((f"diamond:{VERMILLION}", failed))
    top = drawing.legend(4, entries) + 20
    bottom = top + PLOT_HEIGHT
    drawing.height = bottom + 34

    values = [v for p in chart.points for v in (p.low, p.high)] + limits
    lowest, highest = min(values, default=0.0), max(values, default=1.0)
    # One wild value must not flatten the rest: the scale stops at half as much again as the
    # medians and limits reach, and a whisker beyond it is cut, its value written at the cut.
    usual = max([p.median for p in chart.points] + limits, default=highest)
    if highest > 2 * usual > 0:
        highest = 1.5 * usual
    room = (highest - lowest) * 0.1 or abs(highest) * 0.1 or 1.0
    marks = ticks(highest + room, max(lowest - room, 0.0) if lowest >= 0 else lowest - room)

    def y_of(value: float) -> float:
        return bottom - PLOT_HEIGHT * (min(value, marks[-1]) - marks[0]) / (marks[-1] - marks[0])

    for mark in marks:
        drawing.line(LEFT, y_of(mark), WIDTH - RIGHT, y_of(mark), GRID)
        drawing.text(LEFT - 8, y_of(mark) + 5, chart.number(mark), anchor="end", size=SMALL)
    drawing.line(LEFT, bottom, WIDTH - RIGHT, bottom, INK, 1.5)
    for value in limits:
        drawing.line(LEFT, y_of(value), WIDTH - RIGHT, y_of(value), VERMILLION, 2.5, "8 5")

    count = max(len(chart.points), 1)
    step_x = (WIDTH - RIGHT - LEFT) / count
    centres = [LEFT + step_x * (k + 0.5) for k in range(len(chart.points))]
    for x, point in zip(centres, chart.points, strict=True):
        drawing.line(x, y_of(point.low), x, y_of(point.high), MUTED, 2)
        drawing.marker(x, y_of(point.low), "bar", MUTED)
        if point.high > marks[-1]:
            drawing.text(x, top - 4, chart.number(point.high), anchor="middle", size=SMALL - 1)
        else:
            drawing.marker(x, y_of(point.high), "bar", MUTED)
    if chart.points:
        path = " ".join(
            f"{x:.1f},{y_of(p.median):.1f}" for x, p in zip(centres, chart.points, strict=True)
        )
        drawing.add(f'<polyline points="{path}" fill="none" stroke="{MEDIAN}" stroke-width="2"/>')
    for x, point in zip(centres, chart.points, strict=True):
        if point.failed:
            drawing.marker(x, y_of(point.median), "diamond", VERMILLION)
        else:
            drawing.marker(x, y_of(point.median), "circle", MEDIAN)

    widest = max((text_width(p.label, SMALL) for p in chart.points), default=0) + 10
    every = max(1, math.ceil(widest / step_x))
    for k, (x, point) in enumerate(zip(centres, chart.points, strict=True)):
        if k % every == 0:
            drawing.text(x, bottom + 20, point.label, anchor="middle", size=SMALL, fill=MUTED)
    return drawing.svg()
