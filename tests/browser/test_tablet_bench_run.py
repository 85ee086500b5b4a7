"""The flight controller at the bench on a tablet: a volunteer runs the bench test from the unit
page and reads the verdict; the motor check will not spin without the propellers-off box."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import ADMIN, VOLUNTEER, demo_unit_at, log_in
from tests.browser.test_tablet_layout import MIN_TARGET, OVERFLOW_JS, TARGETS_JS
from workshop.extensions import db
from workshop.models import DroneType
from workshop.services import bench_runs, fc_config, fc_jobs

pytestmark = pytest.mark.browser

#: The demo's simulated bench ports, named in the workshop's language.
HEALTHY, NOISY = "Симулятор (справний)", "Симулятор (шумний гіроскоп)"


def test_volunteer_runs_the_bench_test_from_the_unit_page_and_sees_the_verdict(
    page: Page, live_server, simulators, t
):
    serial = demo_unit_at("bench_test").serial
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))

    page.locator("#fc-bench").click()
    with page.expect_response(lambda r: "/fc/jobs/" in r.url and "/state" not in r.url) as shown:
        page.get_by_role("button", name=HEALTHY).click()

    # The progress view (a bar and the seven steps) is followed until the result page opens.
    progress = shown.value.text()
    assert '<progress id="fc-bar" max="7"' in progress and progress.count("data-step=") == 7
    expect(page.locator("#fc-verdict")).to_have_text(t("Passed"), timeout=30_000)
    # Every measurement of the demo limits, the board and target included.
    expect(page.locator("#fc-measurements tbody tr")).to_have_count(12)
    expect(page.locator("#fc-measurements tr.bad")).to_have_count(0)
    expect(page.locator("#fc-measurements tr[data-name=battery] .fc-outcome")).to_contain_text(
        t("pass")
    )
    # The demo type's bench checklist also asks for a motor check: the page leads on to it.
    expect(page.locator("#still-needed")).to_contain_text(t("a passing motor check"))
    page.locator("#next-run").click()
    expect(page.locator("h1")).to_have_text(t("Motor check"))


def test_a_board_with_a_noisy_gyro_fails_and_rework_is_offered(
    page: Page, live_server, simulators, t
):
    serial = demo_unit_at("bench_test").serial
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}/fc/bench"))

    page.get_by_role("button", name=NOISY).click()

    expect(page.locator("#fc-verdict")).to_have_text(t("Failed"), timeout=30_000)
    expect(page.locator("#fc-measurements tr.bad")).to_have_count(3)
    # The run failed: its reason is a fact, not a guess, so it is the one chosen.
    expect(page.locator("#rework-form input[value=failed_bench_test]")).to_be_checked()
    expect(page.locator("#rework-form textarea[name=fail-text]")).to_contain_text(
        t("Gyro noise, roll")
    )


def test_the_motor_check_refuses_to_spin_without_the_propellers_off_confirmation(
    page: Page, live_server, live_app, simulators, t
):
    serial = demo_unit_at("bench_test").serial
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}/fc/motors"))
    first = page.locator(".fc-motor[data-motor='1']")

    first.locator("button.spin").click()

    expect(page.locator("#motor-message")).to_have_text(
        t("Confirm first that the propellers are off.")
    )
    expect(first.locator("input[value=ok]")).to_be_disabled()
    with live_app.app_context():
        assert fc_jobs.runner().busy_port("sim://healthy") is None
        assert not fc_jobs.runner()._jobs  # nothing was started

    page.locator("input[name=propellers_off]").check()
    first.locator("button.spin").click()

    expect(first.locator("input[value=ok]")).to_be_enabled(timeout=30_000)
    expect(page.locator("#motor-message")).to_be_hidden()
    first.locator("label", has=page.locator("input[value=ok]")).click()
    page.get_by_role("button", name=t("Save the motor check")).click()
    expect(page.locator("#fc-verdict")).to_have_text(t("Passed"))
    expect(page.locator("#fc-measurements tr[data-name=motor_1_direction]")).to_contain_text(
        t("pass")
    )


def test_the_flight_controller_pages_fit_the_tablet_with_big_enough_targets(
    page: Page, live_server, live_app, simulators
):
    unit = demo_unit_at("bench_test")
    serial = unit.serial
    with live_app.app_context():
        [run] = [r for r in bench_runs.runs_for(demo_unit_at("review")) if r.kind == "bench"]
    log_in(page, live_server, VOLUNTEER)
    problems = {}
    for path in (
        f"/u/{serial}/fc/bench",
        f"/u/{serial}/fc/motors",
        f"/runs/{run.id}",
        f"/u/{demo_unit_at('review').serial}/runs",
    ):
        page.goto(live_server(path))
        small = [t for t in page.evaluate(TARGETS_JS) if min(t["width"], t["height"]) < MIN_TARGET]
        overflowing = page.evaluate(OVERFLOW_JS)
        if small or overflowing:
            problems[path] = {"small": small, "overflowing": overflowing}
    assert problems == {}


def test_coordinator_reads_the_golden_configuration_from_a_good_board(
    page: Page, live_server, live_app, simulators, t
):
    log_in(page, live_server, ADMIN)
    page.goto(live_server("/admin/types/1/golden"))
    reader = page.locator("#read-golden")

    reader.get_by_role("button", name=HEALTHY).click()

    expect(page.locator("#read-text")).to_contain_text("set p_roll = 48", timeout=30_000)
    expect(reader.locator("li.done")).to_have_count(3)
    page.get_by_role("button", name=t("Save what was read as a new version")).click()
    expect(page.locator(".flash.success")).to_be_visible()
    with live_app.app_context():
        [newest, *_] = fc_config.golden_versions(db.session.get(DroneType, 1))
        assert newest.source == "read" and "set p_roll = 48" in newest.text
