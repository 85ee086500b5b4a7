"""Stock on a tablet: a coordinator receives parts and prints the new lot's label, which scans
back to the lot; a volunteer draws a unit's kit from the lot labels; what can be built."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

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
from workshop.models import LedgerEntry, Lot, Place
from workshop.services import demo

pytestmark = pytest.mark.browser


def test_a_coordinator_receives_parts_and_the_lots_label_scans_back_to_the_lot(
    page: Page, live_server, t
):
    db.session.remove()
    shelf = db.session.scalar(sa.select(Place).where(Place.path == demo.SHELVES["props"]))
    assert shelf is not None
    count_print_dialogs(page)
    log_in(page, live_server, ADMIN)
    page.goto(live_server("/stock/receive"))
    form = page.locator("#receive-form")
    form.locator("select[name=part]").select_option(label='Пропелер 10"')
    form.locator("input[name=quantity]").fill("40")
    form.locator("input[name=place]").fill(live_server(f"/places/{shelf.code}"))  # scanned
    form.locator("select[name=source]").select_option("donation")
    form.locator("input[name=source_code]").fill("DON-2026-031")
    page.evaluate("() => document.activeElement.blur()")
    screenshot(page, "stock-receive", down_to="#receive-form")
    form.locator("button[type=submit]").click()

    db.session.remove()
    lot = db.session.scalars(sa.select(Lot).order_by(Lot.id.desc())).first()
    assert (lot.quantity, lot.place_id, lot.source_code) == (40, shelf.id, "DON-2026-031")
    expect(page).to_have_url(live_server(f"/lots/{lot.code}"))
    expect(page.locator(".flash.success")).to_have_text(t("Lot %(code)s received.", code=lot.code))
    screenshot(page, "stock-lot", down_to=".lot-head")

    with page.context.expect_page() as opened:
        page.locator(".labels-block a", has_text=t("Print label")).click()
    label_page = opened.value
    label_page.wait_for_load_state("load")
    label_page.wait_for_function("() => window.printCalls === 1")
    pdf = printed(label_page)
    assert page_sizes_mm(pdf) == sized(62, 29)
    assert codes_on(pdf) == [live_server(f"/lots/{lot.code}")]


def test_a_volunteer_draws_the_kit_from_lot_labels_and_the_stock_leaves_the_shelf(
    page: Page, live_server, t
):
    unit = demo_unit_at("kitting")
    serial, bom = unit.serial, list(unit.drone_type.bom)
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))
    expect(page.locator(".pick-line")).to_have_count(len(bom))
    draw_box = page.locator("#draw-form input[name=draw-code]")
    # Phase 1: the plain form. The volunteer scans the lot named under the first part left.
    for _ in bom:
        lot = page.locator(".pick-line:not(.complete) .shelf .code").first.inner_text()
        draw_box.fill(live_server(f"/lots/{lot}"))  # what the lot's label holds
        draw_box.press("Enter")
        expect(page.locator(".flash.success")).to_contain_text(lot)
    expect(page.locator(".pick-line.complete")).to_have_count(len(bom))
    page.evaluate("() => document.activeElement.blur()")
    screenshot(page, "stock-kit-drawn", down_to=".stock-picklist")

    db.session.remove()
    drawn = db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.unit_id == unit.id, LedgerEntry.kind == "draw")
    ).all()
    assert sorted(entry.bom_item_id for entry in drawn) == sorted(item.id for item in bom)
    assert sum(entry.unit_change for entry in drawn) == sum(item.quantity for item in bom)


def test_what_can_we_build_names_the_part_that_holds_a_type_back(page: Page, live_server, t):
    log_in(page, live_server, ADMIN)
    page.goto(live_server("/stock/buildable"))
    ten = page.locator(".buildable", has_text='FPV 10"')
    expect(ten.locator("tr.total")).to_contain_text('Пропелер 10"')
    screenshot(page, "stock-buildable", full_page=True)
    page.goto(live_server("/"))
    expect(page.locator(".low-stock")).to_contain_text('Пропелер 10"')
