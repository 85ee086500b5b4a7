"""Issue 12, point 5, in the browser: every page is served with the Content-Security-Policy and
the other security headers, Chromium refuses nothing the app's own pages ask for (the scanner's
WebAssembly included, see test_tablet_scan), and it does refuse what the policy is there for:
an injected inline script, and the app inside another site's frame."""

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.tablet import ADMIN, VOLUNTEER, demo_unit_at, log_in, watch_csp
from workshop.views.headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser


def _pages(serial: str) -> list[str]:
    return [
        "/",
        f"/u/{serial}",
        f"/u/{serial}/runs",
        f"/u/{serial}/label/print?stock=a4-3x8",
        "/parts",
        "/print-jobs",
        "/labels",
        "/admin/types",
        "/admin/users",
        "/admin/labels",
        "/admin/audit",
        "/admin/ports",
        "/admin/stations",
        "/review/",
    ]


def test_every_page_carries_the_policy_and_the_browser_refuses_nothing_of_it(
    page: Page, live_server
):
    serial = demo_unit_at("bench_test").serial
    log_in(page, live_server, ADMIN)
    for path in _pages(serial):
        response = page.goto(live_server(path))
        assert response is not None and response.status == 200, path
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert headers["cache-control"] == "no-store", path
        page.wait_for_load_state("load")
    # The `page` fixture fails the test if the console reported any refusal.


def test_an_injected_inline_script_is_refused(context: BrowserContext, live_server):
    page = context.new_page()
    refused = watch_csp(page)
    log_in(page, live_server, VOLUNTEER)
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
        }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    expect(page.locator(".top .user")).to_be_visible()
    assert any("script-src" in message for message in refused), refused


def test_another_site_cannot_show_the_app_in_a_frame(context: BrowserContext, live_server):
    page = context.new_page()
    refused = watch_csp(page)
    page.set_content(f'<iframe src="{live_server("/login")}"></iframe>')
    page.wait_for_timeout(500)
    frame = page.frames[-1]
    assert "login" not in frame.content().lower()
    assert any("frame-ancestors" in message for message in refused), refused
