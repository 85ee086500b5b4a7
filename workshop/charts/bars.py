"""Horizontal bars, one row each: the label over the bar, the value's words at its right, and
optionally a longer value drawn hatched after the bar."""

from workshop.charts.series import BarChart
from workshop.charts.svg import FONT, GRID, WIDTH, Drawing

ROW = 56
SECTION = 34
BAR_TOP = 24
BAR_HEIGHT = 20


def draw_bars(chart: BarChart) -> str:
    """The chart as an `<svg>` element."""
    drawing = Drawing(chart.key, chart.title, chart.summary, 0)
    y = 4.0
    if chart.legend is not None:
        value_name, extent_name = chart.legend
        y += drawing.legend(y, [(drawing.fill(0), value_name), (drawing.fill(1), extent_name)]) + 8
    full = chart.full or max((max(b.value, b.extent or 0) for b in chart.bars), default=0) or 1.0

    def length(value: float) -> float:
        return WIDTH * min(value, full) / full

    section = ""
    for bar in chart.bars:
        if bar.section and bar.section != section:
            section = bar.section
            drawing.text(0, y + 22, section, bold=True, size=FONT + 1)
            y += SECTION
        drawing.text(0, y + 17, bar.label)
        drawing.text(WIDTH, y + 17, bar.text, anchor="end", bold=True)
        if chart.full is not None:
            drawing.rect(0, y + BAR_TOP, WIDTH, BAR_HEIGHT, GRID)
        if bar.extent is not None and bar.extent > bar.value:
            drawing.series_rect(
                1,
                length(bar.value),
                y + BAR_TOP,
                length(bar.extent) - length(bar.value),
                BAR_HEIGHT,
            )
        if bar.value:
            drawing.series_rect(0, 0, y + BAR_TOP, length(bar.value), BAR_HEIGHT)
        y += ROW
    drawing.height = y + 4
    return drawing.svg()
