"""The coordinator on a tablet: a bench station's token, shown once and usable at once."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import ADMIN, log_in
from workshop.extensions import db
from workshop.services import stations

pytestmark = pytest.mark.browser

FITS_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_a_new_station_token_is_shown_once_fits_the_tablet_and_works(page: Page, live_server, t):
    log_in(page, live_server, ADMIN)
    page.goto(live_server("/admin/stations"))
    page.locator("input[name=name]").fill("Bench 2 laptop")
    page.locator("main form.stack button[type=submit]").click()

    token_box = page.locator("textarea#token")
    expect(token_box).to_be_visible()
    token = token_box.input_value()
    assert len(token) >= 40
    expect(page.locator("main")).to_contain_text(
        t("Copy it to the station now: it is shown only this once.")
    )
    assert page.evaluate(FITS_JS), "the token page scrolls sideways on an upright tablet"
    db.session.remove()  # read what the server committed, not this thread's memory
    assert stations.authenticate(token).name == "Bench 2 laptop"

    page.goto(live_server("/admin/stations"))
    expect(page.locator("main table")).to_contain_text("Bench 2 laptop")
    assert token not in page.content()  # never shown again
