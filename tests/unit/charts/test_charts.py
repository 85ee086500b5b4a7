"""The chart drawings: well-formed SVG that says what it shows, bars and points where the
numbers put them, series told apart by colour and pattern, and nothing a strict
Content-Security-Policy would refuse."""

from xml.etree import ElementTree

import pytest

from workshop.charts.bars import draw_bars
from workshop.charts.columns import PLOT_HEIGHT, draw_columns
from workshop.charts.runs import draw_run
from workshop.charts.series import Bar, BarChart, ColumnChart, RunChart, RunPoint, Series
from workshop.charts.svg import INK, SERIES_COLOURS, VERMILLION, WIDTH, ticks

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def elements(root: ElementTree.Element, tag: str) -> list[ElementTree.Element]:
    return list(root.iter(f"{SVG}{tag}"))


def texts(root: ElementTree.Element) -> list[str]:
    return [t.text or "" for t in elements(root, "text")]


def bars_of(root: ElementTree.Element, fill: str) -> list[ElementTree.Element]:
    """The bars drawn with `fill` (the legend's swatches are 16 high)."""
    return [r for r in elements(root, "rect") if r.get("fill") == fill and r.get("height") != "16"]


THROUGHPUT = ColumnChart(
    "weeks",
    "Throughput",
    "Units started and delivered each week: 6 started, 1 delivered.",
    ("12 Jan", "19 Jan"),
    (Series("Started", (4, 2)), Series("Delivered", (0, 1))),
    line=Series("In service", (1, 3)),
)


@pytest.mark.parametrize(
    "svg",
    [
        draw_columns(THROUGHPUT),
        draw_bars(BarChart("b", "Yield", "Shares.", (Bar("Kitting", 0.5, "50 %"),), full=1.0)),
        draw_run(RunChart("r", "Noise", "Noise.", (RunPoint("1 Jan", 1, 0.5, 1.5),), upper=2)),
    ],
    ids=["columns", "bars", "run"],
)
def test_a_chart_says_what_it_shows_and_needs_no_inline_style_or_script(svg: str):
    root = parsed(svg)
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None and desc.text
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert root.get("viewBox") == f"0 0 {WIDTH} {root.get('height')}"
    assert "style=" not in svg and "<script" not in svg and "href" not in svg


def test_columns_are_as_tall_as_their_values_and_the_line_goes_through_each_category():
    root = parsed(draw_columns(THROUGHPUT))

    started = bars_of(root, SERIES_COLOURS[0])
    delivered = bars_of(root, "url(#weeks-pattern-1)")
    # The scale runs 0 to 4 over the plot's height: 4 is all of it, 2 half, 1 a quarter.
    assert [float(b.get("height")) for b in started] == [PLOT_HEIGHT, PLOT_HEIGHT / 2]
    assert [float(b.get("height")) for b in delivered] == [PLOT_HEIGHT / 4]  # none for 0
    assert all(b.get("stroke") == SERIES_COLOURS[1] for b in delivered)
    [line] = elements(root, "polyline")
    assert len(line.get("points").split()) == 2 and line.get("stroke") == INK
    assert {"Started", "Delivered", "In service", "12 Jan", "19 Jan"} <= set(texts(root))
    # The value of a wide enough column is written over it.
    assert texts(root).count("4") == 2  # the axis and the column


def test_the_second_series_is_hatched_with_its_pattern_defined_once():
    root = parsed(draw_columns(THROUGHPUT))
    [pattern] = elements(root, "pattern")
    assert pattern.get("id") == "weeks-pattern-1"
    assert root.find(f"{SVG}defs/{SVG}pattern") is pattern


def test_category_labels_thin_out_when_they_would_run_into_each_other():
    weeks = tuple(f"{n} Jan" for n in range(1, 53))
    chart = ColumnChart("year", "Year", "A year.", weeks, (Series("Started", (1,) * 52),))
    shown = [t for t in texts(parsed(draw_columns(chart))) if t.endswith("Jan")]
    assert 4 < len(shown) < 52 and shown[0] == "1 Jan"


def test_bars_are_as_long_as_their_share_of_the_full_value_and_an_extent_follows_the_bar():
    chart = BarChart(
        "times",
        "Times",
        "Hours at each stage.",
        (
            Bar("Kitting", 3, "3 h", section="Work"),
            Bar("Waiting for review", 1.5, "1.5 h · 3 h", extent=3, section="Waiting"),
        ),
        legend=("Median", "Up to the 90th percentile"),
    )
    root = parsed(draw_bars(chart))

    solid = bars_of(root, SERIES_COLOURS[0])
    [extent] = bars_of(root, "url(#times-pattern-1)")
    # The longest value (the extent, 3) fills the width; 1.5 half of it.
    assert [float(b.get("width")) for b in solid] == [WIDTH, WIDTH / 2]
    assert (float(extent.get("x")), float(extent.get("width"))) == (WIDTH / 2, WIDTH / 2)
    assert {"Work", "Waiting", "Kitting", "3 h", "1.5 h · 3 h", "Median"} <= set(texts(root))


def test_shares_are_drawn_against_a_full_track():
    chart = BarChart("fpy", "Yield", "Shares.", (Bar("Soldering", 0.25, "25 %"),), full=1.0)
    root = parsed(draw_bars(chart))
    [track] = [r for r in elements(root, "rect") if float(r.get("width")) == WIDTH]
    [bar] = bars_of(root, SERIES_COLOURS[0])
    assert float(bar.get("width")) == WIDTH / 4 and track.get("y") == bar.get("y")


def test_a_run_chart_draws_the_limit_marks_failures_and_cuts_a_wild_value_at_the_top():
    points = (
        RunPoint("1 Jan", 1.0, 0.8, 1.5),
        RunPoint("2 Jan", 1.2, 0.9, 10.0, failed=True),
    )
    root = parsed(draw_run(RunChart("noise", "Noise", "Gyro noise.", points, upper=2.0)))

    [axis] = [line for line in elements(root, "line") if line.get("stroke-width") == "1.5"]
    [limit] = [
        line
        for line in elements(root, "line")
        if line.get("stroke-dasharray") and line.get("x1") == axis.get("x1")  # not the legend's
    ]
    [top] = [line for line in elements(root, "line") if line.get("stroke") == "#d6d6ce"][-1:]
    bottom, ceiling = float(axis.get("y1")), float(top.get("y1"))
    # The scale stops at 4 (half as much again as the limit, rounded up), not at 10: the
    # limit of 2 sits halfway up, and 10 is written where its whisker is cut.
    assert "4" in texts(root) and "10" in texts(root) and "8" not in texts(root)
    assert float(limit.get("y1")) == pytest.approx((bottom + ceiling) / 2)
    assert limit.get("stroke") == VERMILLION
    # The failing period's median is a diamond, the other a circle (each with the legend's).
    assert [p.get("fill") for p in elements(root, "polygon")] == [VERMILLION] * 2
    assert len(elements(root, "circle")) == 2
    assert {"median", "limit", "failed"} <= set(texts(root))


def test_round_ticks_cover_the_values():
    assert ticks(10) == [0, 2, 4, 6, 8, 10]
    assert ticks(7) == [0, 2, 4, 6, 8]
    assert ticks(17.4, 14) == [14, 15, 16, 17, 18]
    assert ticks(0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
