"""Labels on a tablet: the unit page's Print label opens a page the browser prints at the stock's
exact size, with a QR code that scans back to the unit; the coordinator's A4 batch."""

import pypdfium2
import pytest
import zxingcpp
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
from workshop.models import AuditEvent, Unit

pytestmark = pytest.mark.browser


def test_print_label_opens_a_page_printed_at_the_label_size_that_scans_to_the_unit(
    page: Page, live_server, t
):
    serial = demo_unit_at("kitting").serial
    count_print_dialogs(page)
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))
    button = page.locator(".labels-block a", has_text=t("Print label"))
    expect(button).to_be_visible()
    page.evaluate("() => document.activeElement.blur()")
    screenshot(page, "unit-label-buttons", down_to=".unit-head")

    with page.context.expect_page() as opened:
        button.click()
    label_page = opened.value
    label_page.wait_for_load_state("load")
    expect(label_page.locator(".sheet svg")).to_have_count(1)
    # The label's own typeface, served by the app itself, is what the browser drew with.
    assert label_page.evaluate(
        "() => document.fonts.ready"
        ".then(() => document.fonts.check('bold 12px \"DejaVu Sans Condensed\"'))"
    )
    # It opened the print dialog by itself, once.
    label_page.wait_for_function("() => window.printCalls === 1")
    screenshot(label_page, "label-print-page", down_to=".sheet")
    pdf = printed(label_page)
    assert page_sizes_mm(pdf) == sized(62, 29)
    assert codes_on(pdf) == [live_server(f"/u/{serial}")]

    db.session.remove()
    events = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.entity_key == serial, AuditEvent.action == "unit.label_printed"
        )
    ).all()
    assert [event.after for event in events] == [{"via": "browser"}]


def test_another_stock_from_the_unit_page(page: Page, live_server, t):
    serial = demo_unit_at("soldering").serial
    count_print_dialogs(page)
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server(f"/u/{serial}"))
    block = page.locator(".labels-block")
    block.locator("summary").click()
    block.locator("select[name=stock]").select_option("17x54")
    with page.context.expect_page() as opened:
        block.locator("form button", has_text=t("Print label")).click()
    label_page = opened.value
    label_page.wait_for_load_state("load")
    pdf = printed(label_page)
    assert page_sizes_mm(pdf) == sized(54, 17)
    assert codes_on(pdf) == [live_server(f"/u/{serial}")]


def test_coordinator_prints_a_range_on_a_half_used_a4_sheet(page: Page, live_server, t):
    db.session.remove()
    serials = sorted(
        db.session.scalars(db.select(Unit.serial).where(Unit.serial.startswith("FPV7-"))).all()
    )
    first, last = serials[0], serials[2]
    count_print_dialogs(page)
    log_in(page, live_server, ADMIN)
    page.goto(live_server("/labels"))
    form = page.locator("#label-batch")
    form.locator("input[name=kind][value=range]").check()
    form.locator("input[name=first]").fill(first)
    form.locator("input[name=last]").fill(last)
    form.locator("select[name=stock]").select_option("a4-3x8")
    form.locator("input[name=start]").fill("5")
    form.locator("input[name=output][value=print]").check()
    page.evaluate("() => document.activeElement.blur()")
    screenshot(page, "labels-batch", full_page=True)
    form.locator("button[type=submit]").click()

    expect(page.locator(".sheet svg")).to_have_count(3)
    pdf = printed(page)
    assert page_sizes_mm(pdf) == sized(210, 297)
    assert sorted(codes_on(pdf, dpi=200)) == [live_server(f"/u/{s}") for s in serials[:3]]
    # Position 5 is the middle label of the second row: the first serial's code is there.
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=200 / 72).to_pil().convert("L")
    corner = next(
        code.position.top_left
        for code in zxingcpp.read_barcodes(image)
        if code.text.endswith(first)
    )
    x, y = corner.x * 25.4 / 200, corner.y * 25.4 / 200
    assert 70 < x < 140 and 37.5 < y < 74.5
