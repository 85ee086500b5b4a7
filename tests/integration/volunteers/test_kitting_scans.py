"""A code scanned at kitting at a workshop that keeps no stock: it goes to the next tracked part
without one, while another unit's label or a badge still opens; kitting.js gets JSON, a page
without JavaScript a redirect back to the part list. (Lot and place labels drawing from the
shelves: test_kitting_scans_from_stock.py.)"""

import pytest

from tests.helpers import (
    JSON,
    LABEL_BASE,
    csrf_token,
    login,
    make_unit,
    make_user,
    reload,
    scan_at_kitting,
)
from tests.integration.support import audit_events, database_state, english, text
from workshop.services import accounts
from workshop.workflow import Role


@pytest.fixture
def volunteer(app, client):
    person = make_user()
    login(client, person)
    english(client)
    return person


@pytest.fixture
def unit(volunteer):
    return make_unit(builder=volunteer, with_parts=False)


def tracked(unit):
    return [item for item in unit.drone_type.bom if item.tracked]


def test_each_scan_goes_to_the_next_tracked_part_without_a_code(client, unit):
    first, second = tracked(unit)

    answer = scan_at_kitting(client, unit, "fc-405-a0193")

    assert answer.status_code == 200
    body = answer.get_json()
    assert body["category"] == "success"
    assert body["message"] == f"Part recorded: {first.name}, FC-405-A0193."
    assert body["version"] == reload(unit).version
    assert "FC-405-A0193" in body["parts_html"] and 'id="stage-work"' in body["work_html"]
    # The next scan's part is marked, and the Finish button says one code is left to scan.
    assert f'class="part-row next" id="part-{second.id}"' in body["parts_html"]
    assert "1 part code to scan" in body["work_html"]

    scan_at_kitting(client, unit, "ESC-55-0042")

    assert [(p.bom_item_id, p.code) for p in reload(unit).parts] == [
        (first.id, "FC-405-A0193"),
        (second.id, "ESC-55-0042"),
    ]
    assert [e.after["code"] for e in audit_events(unit.serial, "unit.part")] == [
        "FC-405-A0193",
        "ESC-55-0042",
    ]


def test_without_javascript_a_typed_code_is_recorded_and_the_page_comes_back_at_its_parts(
    client, unit
):
    answer = scan_at_kitting(client, unit, "FC-1", json=False)

    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/u/{unit.serial}#kitting"
    page = text(client.get(answer.headers["Location"]))
    assert f"Part recorded: {tracked(unit)[0].name}, FC-1." in page


def test_a_lot_label_scanned_at_kitting_records_its_lot_code(client, unit):
    scan_at_kitting(client, unit, f"{LABEL_BASE}/lots/lot-2026-07")

    assert [p.code for p in reload(unit).parts] == ["LOT-2026-07"]


def test_a_code_shaped_like_a_serial_no_unit_has_is_a_parts_code(client, unit):
    scan_at_kitting(client, unit, "ABC-2025-00017")

    assert [p.code for p in reload(unit).parts] == ["ABC-2025-00017"]


def test_another_units_label_opens_that_unit_and_records_nothing(client, unit, volunteer):
    other = make_unit(drone_type=unit.drone_type, builder=volunteer)
    before = database_state()

    answer = scan_at_kitting(client, unit, f"{LABEL_BASE}/u/{other.serial}")

    assert answer.get_json() == {"open": f"/u/{other.serial}"}
    assert database_state() == before
    plain = scan_at_kitting(client, unit, other.serial, json=False)
    assert plain.status_code == 302 and plain.headers["Location"] == f"/u/{other.serial}"


def test_a_badge_scanned_at_kitting_opens_the_badge(client, unit):
    keeper = make_user(Role.ADMIN)
    code = accounts.issue_badge(make_user().id, keeper).badge_code

    answer = scan_at_kitting(client, unit, f"{LABEL_BASE}/badge/{code}")

    assert answer.get_json() == {"open": f"/badge/{code}"}
    assert reload(unit).parts == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("{own}", "That is this unit's own label. Scan the codes of its parts."),
        (f"{LABEL_BASE}/badge/AAAAAAAAAAAAAAAA", "This badge is not valid any more."),
        (f"{LABEL_BASE}/bins/999999", "No place has the bin number 999999."),
        ("X" * 65, "lot code (at most 64 characters)."),
    ],
)
def test_a_scan_that_fits_nothing_says_why_and_changes_nothing(client, unit, code, message):
    before = database_state()

    answer = scan_at_kitting(client, unit, code.replace("{own}", f"{LABEL_BASE}/u/{unit.serial}"))

    assert answer.status_code in (400, 404)
    assert answer.get_json()["category"] == "error"
    assert message in answer.get_json()["message"]
    assert database_state() == before


def test_a_scan_after_every_part_has_its_code_is_refused(client, unit):
    for code in ("FC-1", "ESC-1"):
        scan_at_kitting(client, unit, code)
    before = database_state()

    answer = scan_at_kitting(client, unit, "SPARE-9")

    assert answer.status_code == 400
    assert answer.get_json()["message"] == (
        "Every tracked part already has its code. To replace one, remove it first, then scan again."
    )
    assert database_state() == before


def test_a_scan_from_a_stale_page_is_told_and_changes_nothing(client, unit):
    stale = reload(unit).version
    scan_at_kitting(client, unit, "FC-1")
    before = database_state()

    answer = scan_at_kitting(client, unit, "ESC-1", version=stale)

    assert answer.status_code == 409
    assert "Someone else changed this unit a moment ago" in answer.get_json()["message"]
    assert database_state() == before


def test_removing_a_part_answers_kitting_js_with_the_list_redrawn(client, unit):
    scan_at_kitting(client, unit, "WRONG-1")
    part = reload(unit).parts[0]

    answer = client.post(
        f"/u/{unit.serial}/parts/{part.id}/remove",
        data={
            "csrf_token": csrf_token(client, f"/u/{unit.serial}"),
            "part-version": str(reload(unit).version),
        },
        headers=JSON,
    )

    body = answer.get_json()
    assert body["category"] == "warning" and "WRONG-1" not in body["parts_html"]
    assert reload(unit).parts[0].removed_at is not None
