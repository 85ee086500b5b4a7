"""Tablet fit: no sideways scrolling upright or on its side, touch targets of 48 px and more."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.browser.tablet import ADMIN, TABLET_LANDSCAPE, demo_unit_at, log_in
from workshop.extensions import db
from workshop.models import Lot
from workshop.services import units

pytestmark = pytest.mark.browser

MIN_TARGET = 48  # px, the smallest a gloved or hurried finger hits reliably

#: Everything a finger taps; a checkbox counts by its label, which takes the tap too.
TARGETS_JS = """
() => {
  const selector = [
    'button', 'a.button', 'summary', 'select', 'textarea',
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio])',
    '.top a', '.menu-list a', 'label:has(> input[type=checkbox])', 'table a', 'a.proof',
    '.unit-link', 'label.reason',
  ].join(',');
  return [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .map(el => {
      const box = el.getBoundingClientRect();
      const name = (el.innerText || el.getAttribute('aria-label') || el.name || '').trim();
      return {tag: el.tagName.toLowerCase(), name: name.slice(0, 40),
              width: Math.round(box.width), height: Math.round(box.height)};
    });
}
"""

OVERFLOW_JS = """
() => [...document.querySelectorAll('body *')]
  .filter(el => el.getClientRects().length > 0)
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))
  .slice(0, 5)
"""


def _main_pages() -> list[str]:
    """The pages a volunteer, reviewer and coordinator spend their shift on (all filled in)."""
    unit = demo_unit_at("kitting")
    if not unit.parts:  # a recorded part, so the recall search has a row to show
        controller = next(item for item in unit.drone_type.bom if item.tracked)
        units.record_part(unit, controller.id, "FC-405-A0193", unit.created_by, unit.version)
    kitting = unit.serial
    review = demo_unit_at("review").serial
    bench_test = demo_unit_at("bench_test").serial
    lot = db.session.scalar(sa.select(Lot).order_by(Lot.id))  # drawn by the demo's built units
    assert lot is not None
    return [
        "/",
        f"/u/{kitting}",
        f"/u/{bench_test}",
        "/parts?q=A0193",
        "/review/",
        f"/review/{review}",
        "/admin/types",
        "/admin/types/1",
        "/admin/users",
        "/admin/audit",
        "/admin/types/1/limits",
        "/admin/types/1/golden",
        "/admin/stations",
        "/admin/ports",
        "/admin/conflicts",
        "/stock",
        "/stock/receive",
        f"/lots/{lot.code}",
        f"/places/{lot.place.code}",
        f"/places/{lot.place.code}/count",
        "/stock/move",
        "/stock/buildable",
        f"/stock/request?n-{unit.drone_type_id}=10",
        "/stock/parts",
        "/stock/places",
        "/stock/discrepancies",
    ]


def _open_everything(page: Page) -> None:
    """Fold-out forms count too: open every <details>."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")


def _small_targets(page: Page) -> list[dict]:
    _open_everything(page)
    return [
        target
        for target in page.evaluate(TARGETS_JS)
        if target["width"] < MIN_TARGET or target["height"] < MIN_TARGET
    ]


def test_touch_targets_on_the_main_pages_are_at_least_48_px(page: Page, live_server):
    small = {}
    page.goto(live_server("/login"))
    small["/login"] = _small_targets(page)
    log_in(page, live_server, ADMIN)
    for path in _main_pages():
        page.goto(live_server(path))
        expect(page.locator("main")).to_be_visible()
        small[path] = _small_targets(page)

    too_small = [
        f"{path}: <{found['tag']}> {found['name']!r} {found['width']}x{found['height']}"
        for path, targets in small.items()
        for found in targets
    ]
    assert too_small == [], "\n".join(too_small)


def _pages_overflowing(page: Page, live_server) -> dict[str, list[str]]:
    overflowing = {}
    log_in(page, live_server, ADMIN)
    for path in _main_pages():
        page.goto(live_server(path))
        _open_everything(page)
        found = page.evaluate(OVERFLOW_JS)
        if found:
            overflowing[path] = found
    return overflowing


def test_main_pages_fit_the_upright_tablet_without_sideways_scrolling(page: Page, live_server):
    assert _pages_overflowing(page, live_server) == {}


@pytest.mark.browser_context_args(viewport=TABLET_LANDSCAPE)
def test_main_pages_fit_the_tablet_on_its_side_and_the_scan_still_works(page: Page, live_server, t):
    assert page.viewport_size == TABLET_LANDSCAPE
    assert _pages_overflowing(page, live_server) == {}

    serial = demo_unit_at("kitting").serial
    page.goto(live_server("/"))
    expect(page.locator("#code")).to_be_focused()
    expect(page.locator("#code")).to_be_in_viewport()
    page.keyboard.type(serial)
    page.keyboard.press("Enter")
    expect(page.locator("h1.serial")).to_have_text(serial)
    # On its side the checklist's Finish button is in view beside what to scan first: the demo
    # workshop keeps stock, so the first stop of the pick list, its lot to scan.
    finish = page.locator("#finish-button")
    expect(finish).to_contain_text(t("Finish %(stage)s", stage=t("Kitting")))
    expect(finish).to_be_in_viewport()
    expect(page.locator("#kitting .pick-stop.next .where .code").first).to_be_in_viewport()
