"""Ukrainian by default; the switch to English sticks across pages and a reload."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import VOLUNTEER, demo_unit_at, log_in

pytestmark = pytest.mark.browser


def test_ukrainian_by_default_and_english_sticks_after_the_switch(page: Page, live_server, t):
    assert t("Log in", "uk") != "Log in", "the Ukrainian catalog does not translate the login page"
    serial = demo_unit_at("flashing").serial

    page.goto(live_server("/login"))
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("main h1")).to_have_text(t("Log in", "uk"))
    # One chip: the other language, in its own words.
    expect(page.locator(".lang button")).to_have_text("English")
    log_in(page, live_server, VOLUNTEER)
    page.locator(".menu > summary").click()
    expect(page.locator(".menu-list")).to_contain_text(t("Bench", "uk"))

    page.locator(".lang button[value=en]").click()

    expect(page).to_have_url(live_server("/"))  # the switch keeps the person where they were
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".lang button")).to_have_text("Українська")
    expect(page.locator("label[for=code]")).to_have_text("Scan a label or type a serial")

    page.goto(live_server(f"/u/{serial}"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".unit-head .next")).to_contain_text("Next:")
    expect(page.locator(".stage-line .badge").first).to_have_text("Flashing")

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".stage-line .badge").first).to_have_text("Flashing")

    page.locator(".menu > summary").click()
    page.get_by_role("link", name="Parts", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Which units hold this part?")

    page.locator(".menu > summary").click()
    page.locator(".lang button[value=uk]").click()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("main h1")).to_have_text(t("Which units hold this part?", "uk"))
