"""One new unit from its creation to its handover, as a volunteer, a reviewer and a coordinator
do it at a tablet in Ukrainian, upright (800x1280) and on its side (1280x800), counting taps,
typed keys and scans per stage against the goal of issue 13:

- no tap between scans at kitting: each part drawn by scanning its lot's label, each tracked
  part's own code scanned;
- no tap for anything the app proves itself: items tied to a run tick themselves;
- beyond the ticks a person must really give, at most one tap for a checklist stage (Finish)
  and at most three for a flight-controller stage (start the run, choose the port, finish);
  the motor check adds its own: open it, spin each motor, save it;
- no typing but codes: the receiving unit's code only when no recent code fits, and the PIN.
"""

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.counting import Bench
from tests.browser.tablet import (
    ADMIN,
    REVIEWER,
    TABLET_LANDSCAPE,
    TABLET_PORTRAIT,
    VOLUNTEER,
    LiveServer,
    demo_unit_at,
    screenshot,
)
from tests.helpers import workshop_today
from workshop.extensions import db
from workshop.models import Unit, User
from workshop.services import accounts, delivery, fc_jobs, motor_checks, review
from workshop.services.stages import StageInput
from workshop.workflow import Action

pytestmark = pytest.mark.browser

HEALTHY_PORT = "Симулятор (справний)"
#: Where the workshop's labels point: what a scanner reads off a lot's label.
LABEL_BASE = "http://192.168.1.20:5000"
RECEIVER = "BRAVO-7"
#: How long a simulated run may take before the test gives up (a run takes about a second).
RUN_WAIT_MS = 30_000


@pytest.fixture
def simulators(live_app: Flask) -> Iterator[None]:
    yield
    with live_app.app_context():
        fc_jobs.runner().close()


def _badge(name: str) -> str:
    db.session.remove()
    person = db.session.scalar(db.select(User).where(User.name == name))
    assert person is not None and person.badge_code, f"the demo gives {name} a badge"
    return person.badge_code


def _log_in_by_badge(bench: Bench, server: LiveServer, account: tuple[str, str]) -> None:
    """Scan the badge at the login page, type the PIN (the workshop asks for it), Enter."""
    bench.page.goto(server("/login"))
    bench.scan(f"{LABEL_BASE}/badge/{_badge(account[0])}")
    expect(bench.page.locator("input[name=pin]")).to_be_focused()
    bench.type(account[1])
    bench.press_enter()
    expect(bench.page.locator(".top .user")).to_have_text(account[0])


def _hand_the_tablet_to(bench: Bench, server: LiveServer, t, account: tuple[str, str]) -> None:
    """The one working here logs out, the next one scans their badge."""
    with bench.stage("log in"):
        bench.tap(bench.page.get_by_role("button", name=t("Log out")))
        _log_in_by_badge(bench, server, account)


def _hand_over_a_unit_before(reviewer: str, coordinator: str) -> None:
    """A handover the workshop made earlier: its receiving unit's code is now a recent one."""
    db.session.remove()
    unit = demo_unit_at("review")
    approver = accounts.find_by_name(reviewer)
    keeper = accounts.find_by_name(coordinator)
    assert approver is not None and keeper is not None
    review.sign_off(unit, approver, Action.APPROVE, StageInput(version=unit.version))
    delivery.hand_over(unit, keeper, RECEIVER, workshop_today(), unit.version)


def _walk(page: Page, server: LiveServer, t, recent_code: bool, upright: bool) -> Bench:
    """The walk; `upright` takes the README's screenshots on the way."""
    bench = Bench(page)
    if recent_code:
        _hand_over_a_unit_before(REVIEWER[0], ADMIN[0])
    with bench.stage("log in"):
        _log_in_by_badge(bench, server, VOLUNTEER)

    with bench.stage("new unit"):
        bench.tap(page.get_by_role("button", name=t("Start at kitting")))
        expect(page.locator(".stage-line .badge").first).to_have_text(t("Kitting"))
    serial = page.locator("h1.serial").inner_text()
    db.session.remove()
    unit = db.session.scalar(db.select(Unit).where(Unit.serial == serial))
    assert unit is not None
    tracked = [item for item in unit.drone_type.bom if item.tracked]

    with bench.stage("kitting") as kitting:
        # The pick list names, at the first place to go to, the lot to take each part from:
        # its label is scanned (reading the list is no tap), and the part is drawn.
        pending = page.locator(".pick-stops .pick-line")
        for _ in unit.drone_type.bom:
            lot = pending.first.locator(".where .code").first.inner_text()
            bench.scan(f"{LABEL_BASE}/lots/{lot}")
            expect(page.locator("#kitting-message")).to_contain_text(lot)
        expect(pending).to_have_count(0)
        for number, item in enumerate(tracked):
            code = f"PART-{number}-A{unit.id:04d}"
            bench.scan(code)
            expect(page.locator(f"#part-{item.id} .code")).to_have_text(code)
            if number == 1 and upright:
                page.evaluate("() => document.activeElement.blur()")
                screenshot(page, "unit-kitting", down_to="#kitting-scan")
        # The kit drawn and its parts scanned prove the item tied to them.
        expect(page.locator("#finish-form .proof.proved")).to_have_count(1)
        for box in page.locator("#finish-form label.check:has(input[data-required])").all():
            bench.tick(box)
        expect(page.locator("#finish-button")).to_have_class("finish primary")
        bench.tap(page.locator("#finish-button"))
        expect(page.locator(".stage-line .badge").first).to_have_text(t("Soldering"))
    assert kitting.no_tap_between_scans()

    with bench.stage("soldering"):
        for box in page.locator("#finish-form label.check:has(input[data-required])").all():
            bench.tick(box)
        bench.tap(page.locator("#finish-button"))
        expect(page.locator(".stage-line .badge").first).to_have_text(t("Flashing"))

    with bench.stage("flashing"):
        bench.tap(page.locator("#fc-read"))
        bench.tap(page.get_by_role("button", name=HEALTHY_PORT))
        expect(page.locator("#fc-verdict")).to_have_text(t("Passed"), timeout=RUN_WAIT_MS)
        # Nothing else is missing: the result page finishes the stage.
        bench.tap(page.locator("#finish-button"))
        expect(page.locator(".stage-line .badge").first).to_have_text(t("Bench test"))
    if not upright:
        screenshot(page, "unit-landscape")

    with bench.stage("bench test"):
        bench.tap(page.locator("#fc-bench"))
        bench.tap(page.get_by_role("button", name=HEALTHY_PORT))
        expect(page.locator("#fc-verdict")).to_have_text(t("Passed"), timeout=RUN_WAIT_MS)
        if upright:
            screenshot(page, "bench-run", full_page=True)
    with bench.stage("motor check"):
        # The passed bench test names what is left: the motor check.
        bench.tap(page.locator("#next-run"))
        bench.tick(page.locator("label:has(input[name=propellers_off])"))
        for motor in range(1, motor_checks.MOTOR_COUNT + 1):
            row = page.locator(f".fc-motor[data-motor='{motor}']")
            bench.tap(row.locator("button.spin"))
            expect(row.locator("input[value=ok]")).to_be_enabled(timeout=RUN_WAIT_MS)
            bench.tick(row.locator("label", has=page.locator("input[value=ok]")))
        bench.tap(page.get_by_role("button", name=t("Save the motor check")))
        expect(page.locator("#fc-verdict")).to_have_text(t("Passed"))
    with bench.stage("bench test"):
        # The items no run proves are ticked on the result page; Finish is the main button.
        for box in page.locator("#finish-form label.check:has(input[data-required])").all():
            bench.tick(box)
        expect(page.locator("#finish-button")).to_have_class("finish primary")
        bench.tap(page.locator("#finish-button"))
        expect(page.locator(".stage-line .badge").first).to_have_text(t("Review"))

    _hand_the_tablet_to(bench, server, t, REVIEWER)
    with bench.stage("review"):
        bench.scan(serial)
        bench.tap(page.get_by_role("link", name=t("Open the review")))
        expect(page.locator("#fc-evidence .fc-evidence")).to_have_count(3)
        if upright:
            page.evaluate("() => document.activeElement.blur()")
            screenshot(page, "review", full_page=True)
        bench.tap(page.get_by_role("button", name=t("Approve"), exact=True))
        expect(page.locator(".stage-line .badge").first).to_have_text(t("Approved"))

    _hand_the_tablet_to(bench, server, t, ADMIN)
    with bench.stage("handover"):
        bench.scan(serial)
        if recent_code:
            bench.tap(page.get_by_role("button", name=RECEIVER, exact=True))
        else:
            bench.tap(page.locator("input[name=deliver-receiver_code]"))
            bench.type(RECEIVER)
        bench.tap(page.get_by_role("button", name=t("Record the handover")))
        expect(page.locator(".stage-line .badge").first).to_have_text(t("Delivered"))
    return bench


def _assert_the_goal(bench: Bench, recent_code: bool) -> None:
    s = bench.stages
    motors = motor_checks.MOTOR_COUNT
    assert s["new unit"].taps == 1 and s["new unit"].keys == 0  # the drone type is preselected
    # A scan of a lot label for each of the eight lines of the bill, one for each of the five
    # tracked parts' own codes, then Finish.
    assert s["kitting"].scans == 8 + 5 and s["kitting"].taps == 1 and s["kitting"].keys == 0
    assert s["soldering"].taps == 1 and s["soldering"].keys == 0
    assert s["flashing"].taps <= 3 and s["flashing"].ticks == 0  # the reading ticks its item
    assert s["bench test"].taps <= 3 and s["bench test"].keys == 0
    # The motor check: open it, spin each motor (a tick for each direction seen), save it.
    assert s["motor check"].taps == 2 + motors and s["motor check"].ticks == 1 + motors
    assert s["review"].taps == 2 and s["review"].keys == 0
    assert s["handover"].taps == 2
    assert s["handover"].keys == (0 if recent_code else len(RECEIVER))
    for name in ("new unit", "kitting", "soldering", "flashing", "bench test", "review"):
        assert s[name].keys == 0, name


@pytest.mark.browser_context_args(viewport=TABLET_PORTRAIT)
def test_a_unit_goes_from_kit_to_handover_in_few_taps_upright(
    page: Page, live_server, simulators, t
):
    bench = _walk(page, live_server, t, recent_code=False, upright=True)
    print(f"\nupright 800x1280, the receiving unit's code typed:\n{bench.table()}")
    _assert_the_goal(bench, recent_code=False)


@pytest.mark.browser_context_args(viewport=TABLET_LANDSCAPE)
def test_a_unit_goes_from_kit_to_handover_in_few_taps_on_its_side(
    page: Page, live_server, simulators, t
):
    bench = _walk(page, live_server, t, recent_code=True, upright=False)
    print(f"\non its side 1280x800, a recent receiving unit's code tapped:\n{bench.table()}")
    _assert_the_goal(bench, recent_code=True)
