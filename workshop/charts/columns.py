"""Columns side by side per category (a week, a month), and a line over them on one scale."""

import math

from workshop.charts.series import ColumnChart
from workshop.charts.svg import GRID, INK, MUTED, SMALL, WIDTH, Drawing, text_width, ticks

LEFT = 56
RIGHT = 8
PLOT_HEIGHT = 260
#: A column narrower than this carries no value above it: the numbers would run together.
LABELLED_WIDTH = 18


def draw_columns(chart: ColumnChart) -> str:
    """The chart as an `<svg>` element."""
    drawing = Drawing(chart.key, chart.title, chart.summary, 0)
    entries = [(drawing.fill(n), s.name) for n, s in enumerate(chart.series)]
    if chart.line is not None:
        entries.append((f"circle:{INK}", chart.line.name))
    top = drawing.legend(4, entries) + 20
    bottom = top + PLOT_HEIGHT
    drawing.height = bottom + 34

    values = [v for s in chart.series for v in s.values]
    values += list(chart.line.values) if chart.line else []
    marks = ticks(max(values, default=0))
    highest = marks[-1]

    def y_of(value: float) -> float:
        return bottom - PLOT_HEIGHT * value / highest

    for mark in marks:
        drawing.line(LEFT, y_of(mark), WIDTH - RIGHT, y_of(mark), GRID)
        drawing.text(LEFT - 8, y_of(mark) + 5, chart.number(mark), anchor="end", size=SMALL)
    drawing.line(LEFT, bottom, WIDTH - RIGHT, bottom, INK, 1.5)

    count = max(len(chart.categories), 1)
    group = (WIDTH - RIGHT - LEFT) / count
    width = group * 0.8 / max(len(chart.series), 1)
    for n, series in enumerate(chart.series):
        for k, value in enumerate(series.values):
            x = LEFT + group * k + group * 0.1 + width * n
            if value:
                drawing.series_rect(n, x, y_of(value), width, bottom - y_of(value))
            if value and width >= LABELLED_WIDTH:
                drawing.text(
                    x + width / 2,
                    y_of(value) - 4,
                    chart.number(value),
                    anchor="middle",
                    size=SMALL - 1,
                )

    if chart.line is not None:
        centres = [LEFT + group * (k + 0.5) for k in range(len(chart.line.values))]
        points = " ".join(
            f"{x:.1f},{y_of(v):.1f}" for x, v in zip(centres, chart.line.values, strict=True)
        )
        drawing.add(f'<polyline points="{points}" fill="none" stroke="{INK}" stroke-width="2.5"/>')
        for x, value in zip(centres, chart.line.values, strict=True):
            drawing.marker(x, y_of(value), "circle", INK)

    widest = max((text_width(c, SMALL) for c in chart.categories), default=0) + 10
    step = max(1, math.ceil(widest / group))
    for k, category in enumerate(chart.categories):
        if k % step == 0:
            x = LEFT + group * (k + 0.5)
            drawing.text(x, bottom + 20, category, anchor="middle", size=SMALL, fill=MUTED)
    return drawing.svg()
