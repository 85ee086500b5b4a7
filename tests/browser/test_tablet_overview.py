"""The overview on a tablet held upright, on the demo data with its weeks of history: the board
fits the screen, a chart opens with its sentence, drawing and table, and its CSV downloads; what
limits the build is shown per site."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.browser.tablet import VOLUNTEER, log_in, screenshot, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.demo_history]

FITS_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_a_volunteer_opens_the_overview_and_a_chart_and_downloads_its_csv(
    page: Page, live_server, t
):
    refused = watch_csp(page)
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server("/overview/"))
    expect(page.locator("h1")).to_have_text(t("Work in progress"))
    expect(page.locator("table.board tfoot a.count").first).to_be_visible()
    assert page.evaluate(FITS_JS), "the overview is wider than the tablet"
    screenshot(page, "overview", down_to="table.output")

    page.get_by_role("link", name=t("Cycle time and waiting")).click()
    expect(page.locator("figure svg")).to_be_visible()
    assert page.evaluate(FITS_JS), "the chart is wider than the tablet"
    screenshot(page, "chart-stage-times", down_to="table.figures")

    page.goto(live_server("/overview/"))
    page.get_by_role("link", name=t("Throughput per week")).click()
    figure = page.locator("figure.chart-figure")
    expect(figure.locator("figcaption")).not_to_be_empty()  # what the chart shows, in words
    expect(figure.locator("svg")).to_be_visible()
    rows = page.locator("table.figures tbody tr")
    assert rows.count() == 12  # the last twelve weeks
    screenshot(page, "chart-throughput", down_to="table.figures")

    with page.expect_download() as download:
        page.get_by_role("link", name=t("Download CSV")).click()
    assert download.value.suggested_filename.startswith("throughput-")
    table = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert table[0] == [t("Week from"), t("Started"), t("Delivered"), t("Scrapped")]
    assert len(table) == 13
    assert sum(int(row[1]) for row in table[1:]) > 0  # the demo's weeks started units
    assert refused == []


def test_what_limits_the_build_is_charted_for_all_sites_and_for_one(page: Page, live_server, t):
    log_in(page, live_server, VOLUNTEER)
    page.goto(live_server("/overview/"))
    page.get_by_role("link", name=t("What limits the build")).click()
    expect(page.locator("figure svg")).to_be_visible()
    rows = page.locator("table.figures tbody tr")
    expect(rows).to_have_count(2)  # the demo's two drone types
    everywhere = rows.first.locator("td").first.inner_text()
    assert page.evaluate(FITS_JS), "the chart is wider than the tablet"
    screenshot(page, "chart-build-limits", down_to="table.figures")

    sites = page.locator("select[name=site] option")
    page.locator("select[name=site]").select_option(label=sites.nth(1).inner_text())
    page.get_by_role("button", name=t("Show"), exact=True).click()
    expect(page.locator("figcaption")).to_contain_text(sites.nth(1).inner_text())
    at_one = int(page.locator("table.figures tbody tr").first.locator("td").first.inner_text())
    assert at_one <= int(everywhere)  # one site's shelves cover no more than all of them
