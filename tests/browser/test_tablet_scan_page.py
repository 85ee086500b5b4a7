"""The scan page on a tablet: log in, the scan box has the focus, a scan opens the unit."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import VOLUNTEER, demo_unit_at, log_in, screenshot

pytestmark = pytest.mark.browser


def test_volunteer_logs_in_and_the_scan_box_has_the_focus(page: Page, live_server, t):
    log_in(page, live_server, VOLUNTEER)

    expect(page).to_have_url(live_server("/"))
    expect(page.locator("#code")).to_be_focused()
    expect(page.locator("label[for=code]")).to_have_text(t("Scan a label or type a serial"))
    screenshot(page, "scan-page")


def test_scanner_typing_a_serial_and_enter_opens_the_unit(page: Page, live_server, t):
    serial = demo_unit_at("soldering").serial
    log_in(page, live_server, VOLUNTEER)

    # A USB scanner types into whatever has the focus and ends with Enter: no click first.
    page.keyboard.type(f"  {serial.lower()} ")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server(f"/u/{serial}"))
    expect(page.locator("h1.serial")).to_have_text(serial)
    expect(page.locator(".stage-line .badge").first).to_have_text(t("Soldering"))


def test_scanning_a_qr_label_url_opens_the_unit(page: Page, live_server):
    serial = demo_unit_at("kitting").serial
    log_in(page, live_server, VOLUNTEER)

    page.keyboard.type(f"http://192.168.1.20:5000/u/{serial}")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server(f"/u/{serial}"))
    expect(page.locator("h1.serial")).to_have_text(serial)


def test_unknown_serial_says_so_and_stays_on_the_scan_page_ready_for_the_next_scan(
    page: Page, live_server, t
):
    log_in(page, live_server, VOLUNTEER)

    page.keyboard.type("FPV7-1999-99999")
    page.keyboard.press("Enter")

    expect(page.locator(".flash.error")).to_have_text(
        t("No unit has the serial %(serial)s.", serial="FPV7-1999-99999")
    )
    expect(page).to_have_url(live_server("/scan"))
    expect(page.locator("#code")).to_be_focused()

    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    expect(page.locator(".flash.error")).to_have_text(
        t("“%(code)s” is not a unit serial. A serial looks like FPV7-2026-00012.", code="HELLO")
    )


def test_a_tapped_button_shows_it_is_working_until_the_answer_comes(page: Page, live_server, t):
    log_in(page, live_server, VOLUNTEER)
    held = []
    # Hold the answer back, as a slow printer or disk would, and look at the button meanwhile
    # (in the page itself: the locators would wait for the navigation to finish).
    page.route("**/units/new", lambda route: held.append(route))
    state = page.evaluate(
        """name => new Promise(done => {
            const button = [...document.querySelectorAll("button")]
                .find(b => b.textContent.trim() === name);
            button.click();
            setTimeout(() => done([button.classList.contains("busy"), button.disabled,
                                   button.getAttribute("aria-busy")]), 50);
        })""",
        t("Start at kitting"),
    )

    assert state == [True, True, "true"]
    # The held request reaches this test's route handler only while Playwright is waiting.
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    held[0].continue_()
    expect(page.locator("h1.serial")).to_be_visible()
