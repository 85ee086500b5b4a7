"""The stock figures on a small hand-built history (real services, each move at a set moment):

- Kyiv workshop holds 10 frames, 10 motors and 5 ESCs; Lviv warehouse 5 frames, 40 motors and
  5 ESCs. The quad takes a frame, four motors and a tracked ESC.
- Unit 1 (Kyiv) draws a frame and four motors on 2 March and gives one motor back to its lot on
  3 March; unit 2 (Kyiv) draws a frame and four motors on 1 April; unit 3 (Lviv) the same on
  2 April. No unit has drawn its ESC yet.
"""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from tests.helpers import make_place, receive, reload
from tests.integration.stock_support import open_shop
from workshop.models.timestamps import clock_at
from workshop.services import draws, units
from workshop.services.figures import figure
from workshop.services.metrics import stock
from workshop.services.metrics.periods import Filters, months
from workshop.services.metrics.summary import summary
from workshop.services.monthly_report import report

SPRING = Filters(date(2026, 3, 1), date(2026, 4, 30))


def _on(day: date, step):
    with clock_at(datetime(day.year, day.month, day.day, 10, tzinfo=UTC)):
        return step()


@pytest.fixture
def history(app):
    shop = open_shop()
    lviv = make_place("Lviv warehouse/Rack 1")
    far = {
        name: receive(name, n, lviv, shop.coordinator)
        for name, n in (("Frame", 5), ("Motor 2807", 40), ("ESC 4in1", 5))
    }
    frame, motor = shop.line("Frame"), shop.line("Motor 2807")

    def kit(unit, frames, motors, day: date) -> None:
        def step():
            draws.draw(unit, frame, frames.code, 1, shop.volunteer, reload(unit).version)
            draws.draw(unit, motor, motors.code, 4, shop.volunteer, reload(unit).version)

        _on(day, step)

    first = shop.unit
    kit(first, shop.frames, shop.motors, date(2026, 3, 2))
    _on(
        date(2026, 3, 3),
        lambda: draws.give_back(
            first, motor, shop.motors.id, 1, False, shop.volunteer, reload(first).version
        ),
    )
    second = units.create_unit(shop.drone_type.id, shop.volunteer, site_id=shop.shelf.site_id)
    kit(second, shop.frames, shop.motors, date(2026, 4, 1))
    third = units.create_unit(shop.drone_type.id, shop.volunteer, site_id=lviv.site_id)
    kit(third, far["Frame"], far["Motor 2807"], date(2026, 4, 2))
    return shop, shop.shelf.site_id, lviv.site_id


def _by_part(filters: Filters) -> dict[str, tuple[int, ...]]:
    return {use.name: use.per_period for use in stock.consumed(filters, months(filters))}


def test_parts_consumed_are_what_went_into_units_less_what_came_back_per_month(history):
    assert _by_part(SPRING) == {"Motor 2807": (3, 8), "Frame": (1, 2)}


def test_the_site_filter_counts_only_the_units_kitted_there(history):
    _shop, kyiv, lviv = history
    assert _by_part(Filters(SPRING.start, SPRING.end, site_id=kyiv)) == {
        "Motor 2807": (3, 4),
        "Frame": (1, 1),
    }
    assert _by_part(Filters(SPRING.start, SPRING.end, site_id=lviv)) == {
        "Motor 2807": (0, 4),
        "Frame": (0, 1),
    }


def test_what_limits_the_build_is_the_free_stock_at_the_site_or_everywhere(history):
    # Free = on the shelf less what the units at kitting still have to draw (a motor for unit 1,
    # an ESC each): Kyiv 8 frames, 2 motors, 3 ESCs; Lviv 4, 36, 4; all sites 12, 38, 7.
    _shop, kyiv, lviv = history
    found = {
        site: [
            (b.buildable, b.limited_by.name)
            for b in stock.build_limits(Filters(SPRING.start, SPRING.end, site_id=site))
        ]
        for site in (kyiv, lviv, None)
    }
    assert found == {kyiv: [(0, "Motor 2807")], lviv: [(4, "Frame")], None: [(7, "ESC 4in1")]}


def test_the_stock_charts_draw_table_and_sentence_the_same_numbers(history):
    with force_locale("en"):
        consumed = figure("parts-consumed", SPRING)
        limits = figure("build-limits", SPRING)
    assert "<svg" in consumed.svg and "14 pieces in all" in consumed.summary
    assert [row[1:] for row in consumed.table.values] == [
        ("Motor 2807", "", 3, "pcs"),
        ("Frame", "", 1, "pcs"),
        ("Motor 2807", "", 8, "pcs"),
        ("Frame", "", 2, "pcs"),
    ]
    assert limits.table.values == (("Quad Q7", 7, "ESC 4in1"),)
    assert "ESC 4in1" in limits.svg


def test_the_monthly_report_and_the_api_give_the_parts_consumed(history, app):
    with force_locale("en"):
        april = report(date(2026, 4, 1))
    section = next(s for s in april.sections if s.heading == "Parts consumed")
    assert section.rows == (("Motor 2807", "", "8 pcs"), ("Frame", "", "2 pcs"))
    figures = summary(SPRING)
    assert figures["parts_consumed"] == [
        {"part": "Motor 2807", "category": "", "quantity": 11, "measure": "pcs"},
        {"part": "Frame", "category": "", "quantity": 3, "measure": "pcs"},
    ]
