"""The unit page on a tablet: parts scanned at kitting with no tap, the checklist, finishing."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import VOLUNTEER, demo_unit_at, fresh_unit, log_in
from workshop.extensions import db
from workshop.models import AuditEvent, StageRecord

pytestmark = pytest.mark.browser


def _scan(page: Page, code: str) -> None:
    """A wedge scanner: the keys and Enter, nothing tapped first."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_kitting_records_a_scanned_part_in_place_and_is_ready_for_the_next(
    page: Page, live_server, t
):
    unit = demo_unit_at("kitting")
    serial, type_name = unit.serial, unit.drone_type.name
    first, second = [item for item in unit.drone_type.bom if item.tracked][:2]
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")

    expect(page.locator(".unit-head .meta")).to_have_text(type_name)
    expect(page.locator(".pick-stops .pick-line")).to_have_count(len(unit.drone_type.bom))
    expect(page.locator(".part-row.next")).to_have_attribute("id", f"part-{first.id}")
    _scan(page, "fc-405-a0193")

    expect(page.locator(f"#part-{first.id} .code")).to_have_text("FC-405-A0193")
    expect(page.locator("#kitting-message")).to_have_text(
        t("Part recorded: %(part)s, %(code)s.", part=first.name, code="FC-405-A0193")
    )
    # The page kept its place, nothing took the focus, and the next part is the next scan's.
    assert page.evaluate("() => window.scrollY") > 0
    expect(page.locator("#kitting-scan")).to_be_in_viewport()
    assert page.evaluate("() => document.activeElement === document.body")
    expect(page.locator(".part-row.next")).to_have_attribute("id", f"part-{second.id}")
    _scan(page, "ESC-55-0042")
    expect(page.locator(f"#part-{second.id} .code")).to_have_text("ESC-55-0042")
    assert [p.code for p in fresh_unit(serial).parts] == ["FC-405-A0193", "ESC-55-0042"]


def test_finishing_a_stage_moves_the_unit_on_and_the_history_shows_it(page: Page, live_server, t):
    unit = demo_unit_at("kitting")
    serial = unit.serial
    tracked = [item for item in unit.drone_type.bom if item.tracked]
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))

    # Kitting finishes only when the whole bill is drawn from the shelves and every tracked
    # part has its code: scan the lot each pick line names, then each tracked part, as a
    # scanner types, with no tap between scans.
    pending = page.locator(".pick-stops .pick-line")
    for _ in range(len(unit.drone_type.bom)):
        lot = pending.first.locator(".where .code").first.inner_text()
        _scan(page, lot)
        expect(page.locator("#kitting-message")).to_contain_text(lot)
    expect(pending).to_have_count(0)
    for number, item in enumerate(tracked):
        _scan(page, f"LOT-{number}")
        expect(page.locator(f"#part-{item.id} .code")).to_have_text(f"LOT-{number}")
    # The scans proved the item tied to them; only the item a person sees is ticked by hand.
    expect(page.locator("#finish-form .proof.proved")).to_have_count(1)
    for label in page.locator("#finish-form label.check:has(input[data-required])").all():
        label.click()  # a finger taps the words, not the small box
    page.locator("#finish-form summary").click()
    page.locator("#finish-form textarea[name=note]").fill("Комплект повний")
    page.locator("#finish-button").click()

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
    items = unit.drone_type.checklist_for("kitting")
    required = next(i.text for i in items if i.required and i.proved_by is None)
    optional = next(i.text for i in items if not i.required)
    events_before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))

    page.locator("#finish-form label.check", has_text=optional).click()
    button = page.locator("#finish-button")
    # The button says what is missing and is not the main one yet.
    expect(button).not_to_have_class("finish primary")
    expect(button.locator(".finish-missing")).to_be_visible()
    button.click()

    expect(page.locator(".flash.error")).to_have_text(
        t("Tick every required item first. Still unticked: %(items)s.", items=required)
    )
    expect(page.locator(".stage-line .badge").first).to_have_text(t("Kitting"))
    # The tick the volunteer made is still there to finish the job.
    expect(
        page.locator("#finish-form label.check", has_text=optional).locator("input")
    ).to_be_checked()
    assert fresh_unit(serial).stage == "kitting"
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == events_before
