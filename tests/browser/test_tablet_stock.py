"""Stock on a tablet: a volunteer receives parts, prints the new lot's label and kits a unit by
scanning lot labels, with no tap between the scans; what can be built."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.browser.counting import Bench
from tests.browser.tablet import (
    ADMIN,
    VOLUNTEER,
    codes_on,
    count_print_dialogs,
    demo_unit_at,
    log_in,
    page_sizes_mm,
    printed,
    screenshot,
    sized,
)
from workshop.extensions import db
from workshop.models import LedgerEntry, Lot, Place, UnitPart
from workshop.services import demo

pytestmark = pytest.mark.browser


def test_a_lot_received_and_labelled_is_scanned_into_a_kit_with_no_tap_between_scans(
    page: Page, live_server, t
):
    """The issue's walk at 800x1280: parts come in as a lot, its label is printed, and a unit
    is kitted by scanning lot labels (the new lot's among them) and its tracked parts' codes,
    with no tap between the scans."""
    unit = demo_unit_at("kitting")
    serial, bom = unit.serial, list(unit.drone_type.bom)
    tracked = [item for item in bom if item.tracked]
    motors = next(item for item in bom if item.name.startswith("Мотор"))
    db.session.remove()
    shelf = db.session.scalar(sa.select(Place).where(Place.path == demo.SHELVES["motors"]))
    assert shelf is not None
    count_print_dialogs(page)
    log_in(page, live_server, VOLUNTEER)

    # Motors donated today: received onto their shelf, its label scanned into the place box.
    page.goto(live_server("/stock/receive"))
    form = page.locator("#receive-form")
    form.locator("select[name=part]").select_option(label=motors.name)
    form.locator("input[name=quantity]").fill("8")
    form.locator("input[name=place]").fill(live_server(f"/places/{shelf.code}"))
    form.locator("select[name=source]").select_option("donation")
    form.locator("input[name=source_code]").fill("DON-2026-031")
    page.evaluate("() => document.activeElement.blur()")
    screenshot(page, "stock-receive", down_to="#receive-form")
    form.locator("button[type=submit]").click()
    db.session.remove()
    lot = db.session.scalars(sa.select(Lot).order_by(Lot.id.desc())).first()
    assert lot is not None
    assert (lot.part_id, lot.quantity, lot.place_id) == (motors.part_id, 8, shelf.id)
    expect(page).to_have_url(live_server(f"/lots/{lot.code}"))
    expect(page.locator(".flash.success")).to_have_text(t("Lot %(code)s received.", code=lot.code))
    screenshot(page, "stock-lot", down_to=".lot-head")

    # Its label, as the printer gets it: the QR code a scanner reads off the bag of motors.
    with page.context.expect_page() as opened:
        page.locator(".labels-block a", has_text=t("Print label")).click()
    label_page = opened.value
    label_page.wait_for_load_state("load")
    label_page.wait_for_function("() => window.printCalls === 1")
    pdf = printed(label_page)
    assert page_sizes_mm(pdf) == sized(62, 29)
    assert codes_on(pdf) == [live_server(f"/lots/{lot.code}")]
    (label,) = codes_on(pdf)
    label_page.close()

    # The kit: the pick list goes place by place; each scan draws, the page redraws in place.
    page.goto(live_server(f"/u/{serial}"))
    expect(page.locator(".pick-stops .pick-line")).to_have_count(len(bom))
    page.evaluate("() => document.activeElement.blur()")
    screenshot(page, "stock-kit-pick-list", down_to="#kitting-scan")
    bench = Bench(page)
    with bench.stage("kitting") as kitting:
        bench.scan(label)  # the new lot, though the pick list names an older one first
        expect(page.locator("#kitting-message")).to_contain_text(lot.code)
        expect(page.locator(f"#line-{motors.id}.complete")).to_have_count(1)
        pending = page.locator(".pick-stops .pick-line")
        for _ in bom[1:]:
            code = pending.first.locator(".where .code").first.inner_text()
            bench.scan(live_server(f"/lots/{code}"))
            expect(page.locator("#kitting-message")).to_contain_text(code)
        expect(pending).to_have_count(0)
        expect(page.locator(".pick-done")).to_have_text(t("Every part of the kit is drawn."))
        for number, item in enumerate(tracked):
            code = f"SN-{number}-{unit.id:04d}"
            bench.scan(code)
            expect(page.locator(f"#part-{item.id} .code")).to_have_text(code)
    assert kitting.no_tap_between_scans()
    assert (kitting.scans, kitting.taps, kitting.keys) == (len(bom) + len(tracked), 0, 0)
    assert page.evaluate("() => document.activeElement === document.body")
    expect(page.locator("#finish-form .proof.proved")).to_have_count(1)
    page.evaluate("() => document.activeElement.blur()")
    screenshot(page, "stock-kit-drawn", down_to="#kitting-scan")

    db.session.remove()
    drawn = db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.unit_id == unit.id, LedgerEntry.kind == "draw")
    ).all()
    assert sorted(entry.bom_item_id for entry in drawn) == sorted(item.id for item in bom)
    assert sum(entry.unit_change for entry in drawn) == sum(item.quantity for item in bom)
    assert db.session.get(Lot, lot.id).quantity == 8 - motors.quantity
    # Each tracked piece records the lot it was drawn from.
    parts = db.session.scalars(sa.select(UnitPart).where(UnitPart.unit_id == unit.id)).all()
    assert len(parts) == len(tracked) and all(part.lot_id is not None for part in parts)


def test_what_can_we_build_names_the_part_that_holds_a_type_back(page: Page, live_server, t):
    log_in(page, live_server, ADMIN)
    page.goto(live_server("/stock/buildable"))
    ten = page.locator(".buildable", has_text='FPV 10"')
    expect(ten.locator("tr.total")).to_contain_text('Пропелер 10"')
    screenshot(page, "stock-buildable", full_page=True)
    page.goto(live_server("/"))
    expect(page.locator(".low-stock")).to_contain_text('Пропелер 10"')
