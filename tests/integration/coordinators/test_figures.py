"""Each figure of the overview on the small hand-built history of `conftest.history`, compared
with the numbers worked out by hand."""

from datetime import date

import pytest

from tests.helpers import make_place
from tests.integration.coordinators.conftest import WEEK
from workshop.extensions import db
from workshop.models import Unit
from workshop.services.metrics import field, flow, quality
from workshop.services.metrics.periods import Filters
from workshop.services.metrics.sql import HOUR


def test_throughput_counts_each_weeks_started_delivered_and_scrapped_units(history):
    seven, ten = history
    (week,) = flow.throughput(WEEK)
    assert (week.started, week.delivered, week.scrapped) == (4, 1, 1)
    (of_ten,) = flow.throughput(Filters(WEEK.start, WEEK.end, ten.id))
    assert (of_ten.started, of_ten.delivered, of_ten.scrapped) == (1, 0, 1)


def test_the_site_filter_counts_only_the_units_kitted_there(history):
    site_id = make_place("Kyiv workshop/Shelf 1").site_id
    a, _b, c, _d = db.session.scalars(db.select(Unit).order_by(Unit.id))
    a.site_id = c.site_id = site_id
    db.session.commit()
    (week,) = flow.throughput(Filters(WEEK.start, WEEK.end, site_id=site_id))
    assert (week.started, week.delivered, week.scrapped) == (2, 1, 1)
    board = {(cell.stage, cell.count) for cell in flow.board(site_id=site_id)}
    # A waits for the decision on its return, C was scrapped; B and D are not kitted there.
    assert board == {("returned", 1)}


def test_first_pass_yield_counts_first_visits_passed_at_once_and_rolls_them(history):
    yields = {y.stage: (y.units, y.passed) for y in quality.first_pass_yield(WEEK)}
    assert yields == {
        "kitting": (3, 3),
        "soldering": (3, 2),  # B failed its first soldering; C's hold is no failure
        "flashing": (3, 2),  # C was scrapped there
        "bench_test": (1, 1),
        "review": (1, 1),
    }
    rolled = quality.rolled_yield(quality.first_pass_yield(WEEK))
    assert rolled == pytest.approx(4 / 9)


def test_rework_reasons_name_the_cause_and_the_stage_sent_back_to(history):
    (cause,) = quality.rework_reasons(WEEK)
    assert (cause.key, cause.count, cause.actions) == ("cold_joint", 1, (("soldering", 1),))


def test_field_failures_come_from_the_returns_of_the_span(history):
    (cause,) = quality.field_failures(WEEK)
    assert (cause.key, cause.count, cause.actions) == ("no_video", 1, (("", 1),))
    assert quality.field_failures(Filters(date(2026, 3, 6), date(2026, 3, 8))) == []


def test_cycle_time_per_stage_is_the_median_and_90th_percentile_of_its_visits(history):
    times = flow.stage_times(WEEK)

    def hours(key: str) -> tuple[int, float, float]:
        spread = times[key]
        # SQLite counts in days, as floating point: a second is some millionths of a day.
        return spread.count, round(spread.median / HOUR, 3), round(spread.p90 / HOUR, 3)

    assert hours("kitting") == (3, 2, 3)  # 1 h, 2 h, 3 h
    assert hours("soldering") == (4, 2, 6)  # 2 h, 2 h, 2 h (rework), 6 h (a hold within)
    assert hours("flashing") == (2, 1, 1)  # C's scrapped visit is no cycle
    assert hours("review") == (1, 20, 20)  # waiting for the sign-off
    assert hours("approved") == (1, 26, 26)  # waiting for the handover
    assert hours("on_hold") == (1, 4, 4)


def test_lead_time_runs_from_the_kit_to_the_first_handover(history):
    seven, _ten = history
    leads = flow.lead_times(WEEK)
    assert set(leads) == {flow.ALL_TYPES, seven.name}
    assert leads[flow.ALL_TYPES].count == 1
    assert leads[flow.ALL_TYPES].median / HOUR == pytest.approx(51)


def test_the_board_counts_active_units_by_stage_with_the_longest_waiting(history):
    cells = {(c.stage, c.count, c.oldest_serial) for c in flow.board()}
    rows = db.session.execute(db.select(Unit.stage, Unit.serial).where(Unit.status == "active"))
    serials = {stage: serial for stage, serial in rows}
    assert cells == {
        ("bench_test", 1, serials["bench_test"]),
        ("kitting", 1, serials["kitting"]),
        ("returned", 1, serials["returned"]),
    }


def test_the_field_months_count_handovers_returns_and_units_still_in_service(history):
    (march,) = field.field_months(WEEK)
    assert (march.delivered, march.returned, march.lost, march.in_service) == (1, 1, 0, 0)
    (until_wednesday,) = field.field_months(Filters(date(2026, 3, 2), date(2026, 3, 4)))
    assert (until_wednesday.delivered, until_wednesday.returned) == (1, 0)
    assert until_wednesday.in_service == 1


def test_bench_measurements_are_drawn_per_day_with_their_limit(history):
    series = quality.bench_series(WEEK, "battery")
    # A's bench test on Monday is the week's only one: the simulator's 16.2 V, within limits.
    (point,) = series.points
    assert (point.period.first, point.spread.count, point.spread.median) == (WEEK.start, 1, 16.2)
    assert point.failed == 0 and series.unit == "V"
    assert series.lower is not None and series.lower < 16.2
    assert quality.bench_failures(WEEK) == []
