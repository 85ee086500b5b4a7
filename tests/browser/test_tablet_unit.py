"""The unit page on a tablet: the pick list, tracked parts, the checklist, finishing a stage."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import VOLUNTEER, demo_unit_at, fresh_unit, log_in, screenshot
from workshop.extensions import db
from workshop.models import AuditEvent, StageRecord

pytestmark = pytest.mark.browser


def test_kitting_shows_the_pick_list_and_records_a_scanned_part(page: Page, live_server, t):
    unit = demo_unit_at("kitting")
    serial, type_name = unit.serial, unit.drone_type.name
    controller = next(item.name for item in unit.drone_type.bom if item.tracked)
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))

    expect(page.locator(".unit-head .meta")).to_have_text(type_name)
    expect(page.locator(".unit-head .next")).to_contain_text(
        t("Pick the parts, scan the tracked ones, tick the checklist.")
    )
    expect(page.locator(".picklist li")).to_have_count(len(unit.drone_type.bom))
    part_row = page.locator(".part-row", has_text=controller)
    part_row.locator("input[name=part-code]").fill("fc-405-a0193")
    part_row.locator("form:has(input[name=part-code]) button").click()

    expect(page.locator(".flash.success")).to_have_text(t("Part recorded."))
    expect(page.locator(".part-row", has_text=controller).locator(".code")).to_have_text(
        "FC-405-A0193"
    )
    assert [p.code for p in fresh_unit(serial).parts] == ["FC-405-A0193"]
    # The first required checklist item ticked, as it is mid-way through kitting.
    page.locator("#finish-form label.check").first.click()
    page.evaluate("() => document.activeElement.blur()")  # no focus ring in the picture
    screenshot(page, "unit-kitting", down_to="#finish-form")


def test_finishing_a_stage_moves_the_unit_on_and_the_history_shows_it(page: Page, live_server, t):
    unit = demo_unit_at("kitting")
    serial = unit.serial
    tracked = [item.name for item in unit.drone_type.bom if item.tracked]
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))

    # Kitting finishes only when the whole bill is drawn from the shelves: take each part from
    # the lot the pick list names, as the scanner types the lot's code into the draw box.
    pending = page.locator(".pick-line:not(.complete)")
    for _ in range(len(unit.drone_type.bom)):
        lot = pending.first.locator(".shelf .code").first.inner_text()
        page.locator("#draw-form input[name=draw-code]").fill(lot)
        page.locator("#draw-form input[name=draw-code]").press("Enter")
        expect(page.locator(".flash.success")).to_contain_text(lot)
    expect(pending).to_have_count(0)
    # ...and every tracked part has its code: scan them as a scanner types.
    for number, name in enumerate(tracked):
        row = page.locator(".part-row", has_text=name)
        row.locator("input[name=part-code]").fill(f"lot-{number}")
        row.locator("input[name=part-code]").press("Enter")
        expect(page.locator(".flash.success")).to_have_text(t("Part recorded."))

    for label in page.locator("#finish-form label.check").all():
        label.click()  # a finger taps the words, not the small box
    page.locator("#finish-form textarea[name=note]").fill("Комплект повний")
    page.locator("#finish-form button[type=submit]").click()

    expect(page).to_have_url(live_server(f"/u/{serial}"))
    expect(page.locator(".flash.success")).to_have_text(t("Stage finished."))
    expect(page.locator(".stage-line .badge").first).to_have_text(t("Soldering"))
    last = page.locator(".history li").last
    expect(last).to_contain_text(VOLUNTEER[0])
    expect(last).to_contain_text(t("finished a stage"))
    expect(last).to_contain_text(f"{t('Kitting')} → {t('Soldering')}")
    expect(page.locator(".records .note")).to_have_text("Комплект повний")

    unit = fresh_unit(serial)
    assert unit.stage == "soldering"
    record = db.session.scalars(db.select(StageRecord).where(StageRecord.unit_id == unit.id)).one()
    assert (record.stage, record.outcome, record.user.name) == ("kitting", "done", VOLUNTEER[0])


def test_a_stage_with_a_required_item_unticked_does_not_finish(page: Page, live_server, t):
    unit = demo_unit_at("kitting")
    serial = unit.serial
    required = [item.text for item in unit.drone_type.checklist_for("kitting") if item.required]
    events_before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))

    page.locator("#finish-form label.check", has_text=required[0]).click()
    page.locator("#finish-form button[type=submit]").click()

    expect(page.locator(".flash.error")).to_have_text(
        t(
            "Tick every required item first. Still unticked: %(items)s.",
            items=", ".join(required[1:]),
        )
    )
    expect(page.locator(".stage-line .badge").first).to_have_text(t("Kitting"))
    # The tick the volunteer made is still there to finish the job.
    expect(
        page.locator("#finish-form label.check", has_text=required[0]).locator("input")
    ).to_be_checked()
    assert fresh_unit(serial).stage == "kitting"
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == events_before
