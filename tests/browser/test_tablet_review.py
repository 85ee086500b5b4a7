"""The reviewer on a tablet: the queue, the whole traveler, sign-off by a second person only."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import REVIEWER, demo_unit_at, fresh_unit, log_in
from tests.helpers import make_unit
from workshop.services import accounts
from workshop.workflow import Stage

pytestmark = pytest.mark.browser


def test_reviewer_is_refused_sign_off_on_a_unit_they_built_and_the_page_says_why(
    page: Page, live_server, t
):
    reviewer = accounts.find_by_name(REVIEWER[0])
    serial = make_unit(builder=reviewer, at=Stage.REVIEW).serial
    log_in(page, live_server, REVIEWER)

    page.goto(live_server("/review/"))
    page.locator("a.button", has_text=serial).click()

    expect(page).to_have_url(live_server(f"/review/{serial}"))
    expect(page.locator(".flash.error")).to_have_text(
        t("You worked on this unit, so you cannot sign it off. Another reviewer must do it.")
    )
    expect(page.get_by_role("button", name=t("Approve"), exact=True)).to_have_count(0)
    assert fresh_unit(serial).stage == "review"


def test_reviewer_approves_a_unit_another_volunteer_built(page: Page, live_server, t):
    serial = demo_unit_at("review").serial
    log_in(page, live_server, REVIEWER)

    page.get_by_role("link", name=t("Review"), exact=True).click()
    expect(page.locator("table a.button").first).to_have_text(serial)
    page.locator("table a.button", has_text=serial).click()
    expect(page.locator(".records > li")).to_have_count(4)  # kitting to bench test, all done

    page.locator("textarea[name=approve-text]").fill("Пайка акуратна")
    page.get_by_role("button", name=t("Approve"), exact=True).click()

    expect(page).to_have_url(live_server(f"/u/{serial}"))
    expect(page.locator(".flash.success")).to_have_text(t("Approved and signed off."))
    expect(page.locator(".stage-line .badge").first).to_have_text(t("Approved"))
    expect(page.locator(".unit-head .frozen")).to_have_text(
        t("Signed off: the build record is frozen.")
    )
    assert fresh_unit(serial).stage == "approved"
