"""The coordinator on a tablet: a drone type's bill of materials and stage checklists."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import ADMIN, demo_unit_at, log_in, screenshot

pytestmark = pytest.mark.browser


def test_coordinator_adds_a_kitting_item_and_the_next_unit_page_asks_for_it(
    page: Page, live_server, t
):
    unit = demo_unit_at("kitting")
    serial, type_name = unit.serial, unit.drone_type.name
    tracked = next(item.name for item in unit.drone_type.bom if item.tracked)
    first_kitting_item = unit.drone_type.checklist_for("kitting")[0].text
    log_in(page, live_server, ADMIN)

    page.locator(".menu > summary").click()
    page.get_by_role("link", name=t("Drone types"), exact=True).click()
    page.locator("table a.button", has_text=type_name).click()
    bom = page.locator("textarea[name=bom]")
    expect(bom).to_contain_text(f"{tracked} *")  # a tracked part ends with *
    kitting = page.locator("textarea[name=checklist_kitting]")
    expect(kitting).to_contain_text(first_kitting_item)
    screenshot(page, "admin-drone-type", full_page=True)

    kitting.fill(kitting.input_value() + "\nПропелери окремо в пакеті")
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".flash.success")).to_have_text(t("Drone type saved."))
    page.goto(live_server(f"/u/{serial}"))
    expect(
        page.locator("#finish-form label.check", has_text="Пропелери окремо в пакеті")
    ).to_be_visible()
