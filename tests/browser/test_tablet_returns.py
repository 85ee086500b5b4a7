"""After the handover, on a tablet: a drone comes back without its label; the coordinator
identifies it by its flight controller on the simulator, records the return and sends it for
repair; a volunteer runs the bench test; a second reviewer signs the repair off; the coordinator
hands it over again and prints its passport."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import (
    ADMIN,
    REVIEWER,
    SCREENSHOTS,
    VOLUNTEER,
    fresh_unit,
    log_in,
    screenshot,
)
from workshop.extensions import db
from workshop.models import Unit
from workshop.services import fc_jobs, motor_checks, ports

pytestmark = pytest.mark.browser


def _in_service() -> Unit:
    db.session.remove()
    unit = db.session.scalar(
        db.select(Unit).where(Unit.stage == "delivered", Unit.status == "active").order_by(Unit.id)
    )
    assert unit is not None, "the demo data has no unit in service"
    return unit


def _as(page: Page, live_server, account) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, account)


def test_a_returned_drone_is_identified_by_its_board_repaired_reviewed_and_handed_over_again(
    page: Page, live_server, simulators, t
):
    serial = _in_service().serial
    healthy = next(p for p in ports.list_ports() if p.url == "sim://healthy")
    # The drone's own flight controller, plugged into the bench port (the label is torn off).
    fc_jobs.runner().boards.url_for(healthy.url, "healthy", serial)

    _as(page, live_server, ADMIN)
    page.goto(live_server("/"))
    identify = page.locator("#identify")
    expect(identify.locator("h2")).to_have_text(t("Identify by flight controller"))
    screenshot(page, "identify-by-board", down_to="#identify")
    identify.get_by_role("button", name=healthy.name).click()

    expect(page.locator("h1.serial")).to_have_text(serial, timeout=30_000)
    page.locator("#return-card summary").click()
    form = page.locator("#return-form")
    expect(form.locator("input[name=return-receiver_code]")).to_have_value("BRAVO-7")
    form.locator("select[name=return-reason]").select_option("no_video")
    form.locator("textarea[name=return-notes]").fill("Відео пропадає після удару")
    form.locator("button[type=submit]").click()

    expect(page.locator(".flash.success")).to_have_text(
        t("Return recorded. Decide what happens to the unit.")
    )
    expect(page.locator(".stage-line .badge").first).to_have_text(t("Returned"))
    screenshot(page, "return-decision", down_to="#decide-card")
    page.locator("#decide-form select[name=decide-stage]").select_option("bench_test")
    page.locator("#decide-repair").click()
    expect(page.locator(".flash.success")).to_have_text(t("The unit is in for repair."))
    expect(page.locator(".stage-line .badge.repair")).to_have_text(t("Repair"))
    assert (fresh_unit(serial).stage, fresh_unit(serial).repair) == ("bench_test", True)

    _as(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))
    page.locator("#fc-bench").click()
    page.get_by_role("button", name=healthy.name).click()
    expect(page.locator("#fc-verdict")).to_have_text(t("Passed"), timeout=30_000)
    # The type's bench checklist asks for the motors seen turning the right way, too.
    page.locator("#next-run").click()
    page.locator("label:has(input[name=propellers_off])").click()
    for motor in range(1, motor_checks.MOTOR_COUNT + 1):
        row = page.locator(f".fc-motor[data-motor='{motor}']")
        row.locator("button.spin").click()
        expect(row.locator("input[value=ok]")).to_be_enabled(timeout=30_000)
        row.locator("label", has=page.locator("input[value=ok]")).click()
    page.get_by_role("button", name=t("Save the motor check")).click()
    expect(page.locator("#fc-verdict")).to_have_text(t("Passed"))
    page.goto(live_server(f"/u/{serial}"))
    for label in page.locator("#finish-form label.check:has(input[data-required])").all():
        label.click()
    page.locator("#finish-form button[type=submit]").click()
    expect(page.locator(".flash.success")).to_have_text(t("Stage finished."))
    assert fresh_unit(serial).stage == "review"

    # The reviewer did none of the repair (nor the build): she signs it off.
    _as(page, live_server, REVIEWER)
    page.goto(live_server(f"/review/{serial}"))
    expect(page.locator(".records .field-return")).to_contain_text(t("No video"))
    page.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(page.locator(".flash.success")).to_have_text(t("Approved and signed off."))

    _as(page, live_server, ADMIN)
    page.goto(live_server(f"/u/{serial}"))
    page.locator("input[name=deliver-receiver_code]").fill("BRAVO-7")
    page.get_by_role("button", name=t("Record the handover")).click()
    expect(page.locator(".flash.success")).to_have_text(t("Handed over."))
    unit = fresh_unit(serial)
    assert (unit.stage, unit.repair, len(unit.deliveries)) == ("delivered", False, 2)
    records = page.locator(".records > li")
    expect(records.last).to_contain_text(t("Repair %(number)s", number="1"))
    # The unit's life from its handover on: the return, the repair loop, the new handover.
    page.locator("section.card:has(.records)").screenshot(
        path=str(SCREENSHOTS / "unit-life.png"), animations="disabled"
    )

    with page.context.expect_page() as opened:
        page.locator("#passport-print").click()
    passport = opened.value
    passport.wait_for_load_state()
    expect(passport.locator("#passport .serial")).to_have_text(serial)
    expect(passport.locator("#passport .facts")).to_contain_text(t("Repaired"))
    passport.set_viewport_size({"width": 800, "height": 1280})
    screenshot(passport, "passport-print", full_page=True)
