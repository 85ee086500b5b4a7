"""Kitting by scanning alone, at a workshop that keeps stock: a lot's or a place's label scanned
into the kitting scan (kitting.js, JSON) draws what the unit still needs from it, the answer
redraws the kit and carries the unit's new version, and the scanner is ready for the next code;
a tracked part's own code then records the lot its piece came from. A label that cannot serve
the unit says why, and nothing is drawn."""

import pytest
import sqlalchemy as sa

from tests.helpers import LABEL_BASE, make_place, receive, reload, scan_at_kitting
from tests.integration.stock_support import REFUSED, Shop, lot_quantity
from tests.integration.support import audit_events, database_state, finish, text
from workshop.extensions import db
from workshop.models import LedgerEntry, Place
from workshop.services import stock


def test_a_lot_label_scanned_draws_its_line_and_answers_with_the_kit_redrawn(shop: Shop, client):
    version = reload(shop.unit).version

    answer = scan_at_kitting(client, shop.unit, f"{LABEL_BASE}/lots/{shop.motors.code}")

    assert answer.status_code == 200
    body = answer.get_json()
    assert body["category"] == "success"
    assert body["message"] == f"4 × Motor 2807 drawn from lot {shop.motors.code}."
    # The answer carries the version the draw left, so the next scan is not refused as stale.
    assert body["version"] == reload(shop.unit).version == version + 1
    motors = shop.line("Motor 2807")
    assert f'<li class="pick-line complete" id="line-{motors}">' in body["parts_html"]
    assert f'id="line-{motors}"' in body["parts_html"].split("drawn-lines")[1]
    assert "1 line to draw" not in body["work_html"] and "2 lines to draw" in body["work_html"]
    assert lot_quantity(shop.motors) == 6
    entry = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.kind == "draw")).one()
    assert (entry.lot_id, entry.lot_change, entry.unit_change, entry.user_id) == (
        shop.motors.id,
        -4,
        4,
        shop.volunteer.id,
    )
    assert audit_events(shop.unit.serial, "unit.draw")[-1].after == {
        "part": "Motor 2807",
        "lot": shop.motors.code,
        "quantity": 4,
    }
    assert stock.disagreements() == []


def test_a_place_label_scanned_draws_the_next_part_the_unit_needs_that_lies_there(
    shop: Shop, client
):
    # Box 2 holds motors and ESCs: the motors come first in the bill, then the ESC.
    first = scan_at_kitting(client, shop.unit, f"{LABEL_BASE}/places/{shop.box.code}").get_json()
    second = scan_at_kitting(client, shop.unit, shop.box.code).get_json()

    assert first["message"] == f"4 × Motor 2807 drawn from lot {shop.motors.code}."
    assert second["message"] == f"1 × ESC 4in1 drawn from lot {shop.escs.code}."
    assert (lot_quantity(shop.motors), lot_quantity(shop.escs)) == (6, 4)
    third = scan_at_kitting(client, shop.unit, shop.box.code)
    assert third.status_code == 400
    assert third.get_json() == {
        "category": "error",
        "message": "Nothing this unit still needs lies at Kyiv workshop/Box 2.",
    }


def test_a_bin_label_from_before_places_draws_from_the_place_it_became(shop: Shop, client):
    db.session.get(Place, shop.shelf.id).bin_number = 7
    db.session.commit()

    answer = scan_at_kitting(client, shop.unit, f"{LABEL_BASE}/bins/7")

    assert answer.get_json()["message"] == f"1 × Frame drawn from lot {shop.frames.code}."
    assert lot_quantity(shop.frames) == 9


#: The stock codes the draw form refuses; a serial scanned at kitting is no draw (it opens that
#: unit, or is a part's own code).
LABELS_REFUSED = [case for case in REFUSED if case != "a unit serial"]


@pytest.mark.parametrize("case", LABELS_REFUSED)
def test_a_label_that_cannot_serve_the_unit_says_why_and_draws_nothing(shop: Shop, client, case):
    assert scan_at_kitting(client, shop.unit, shop.frames.code).status_code == 200
    code, says = REFUSED[case](shop)
    before = database_state()

    answer = scan_at_kitting(
        client, shop.unit, f"{LABEL_BASE}/lots/{code}" if code.startswith("L-") else code
    )

    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json() == {"category": "error", "message": says}
    assert database_state() == before


def test_a_tracked_parts_own_code_after_its_lot_records_the_lot_it_came_from(shop: Shop, client):
    scan_at_kitting(client, shop.unit, shop.escs.code)

    answer = scan_at_kitting(client, shop.unit, "esc-0042")

    assert answer.get_json()["message"] == "Part recorded: ESC 4in1, ESC-0042."
    part = reload(shop.unit).parts[0]
    assert (part.code, part.lot_id) == ("ESC-0042", shop.escs.id)
    assert f"from lot {shop.escs.code}" in answer.get_json()["parts_html"]


def test_a_unit_is_kitted_by_scans_alone_then_finishes(shop: Shop, client):
    for code in (
        f"{LABEL_BASE}/lots/{shop.frames.code}",
        f"{LABEL_BASE}/places/{shop.box.code}",
        f"{LABEL_BASE}/lots/{shop.escs.code}",
        "ESC-0001",
    ):
        answer = scan_at_kitting(client, shop.unit, code)
        assert answer.status_code == 200 and answer.get_json()["category"] == "success", code
    assert "Every part of the kit is drawn." in answer.get_json()["parts_html"]

    assert finish(client, shop.unit, []).status_code == 302
    assert reload(shop.unit).stage == "soldering"
    assert stock.in_unit(stock.unit_holdings(shop.unit.id)) == {
        shop.line("Frame"): 1,
        shop.line("Motor 2807"): 4,
        shop.line("ESC 4in1"): 1,
    }


def test_without_javascript_a_scanned_lot_draws_and_the_page_comes_back_at_its_kit(
    shop: Shop, client
):
    answer = scan_at_kitting(client, shop.unit, shop.frames.code, json=False)

    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/u/{shop.unit.serial}#kitting"
    page = text(client.get(answer.headers["Location"]))
    assert f"1 × Frame drawn from lot {shop.frames.code}." in page


def test_a_scan_from_a_stale_page_draws_nothing(shop: Shop, client):
    stale = reload(shop.unit).version
    scan_at_kitting(client, shop.unit, shop.frames.code)
    before = database_state()

    answer = scan_at_kitting(client, shop.unit, shop.motors.code, version=stale)

    assert answer.status_code == 409
    assert "Someone else changed this unit a moment ago" in answer.get_json()["message"]
    assert database_state() == before


def test_the_pick_list_goes_place_by_place_and_names_the_lot_to_scan(shop: Shop, client):
    newer = receive("Motor 2807", 30, make_place("Kyiv workshop/Box 2/Tray 1"), shop.coordinator)

    page = text(client.get(f"/u/{shop.unit.serial}"))

    stops = page.split('<li class="pick-stop')[1:]
    assert len(stops) == 2
    # Box 2 before Shelf 1 (by path); the first stop is marked as the next.
    assert stops[0].startswith(' next">') and "Kyiv workshop/Box 2" in stops[0]
    assert "Motor 2807" in stops[0] and "ESC 4in1" in stops[0] and "Frame" not in stops[0]
    assert "Kyiv workshop/Shelf 1" in stops[1] and "Frame" in stops[1]
    # The oldest lot is the one to scan; the newer lot's place is named after it.
    motors = stops[0].split(f'id="line-{shop.line("Motor 2807")}"')[1].split("</li>")[0]
    assert motors.index(shop.motors.code) < motors.index(newer.code)
    assert "Kyiv workshop/Box 2/Tray 1" in motors and "On hand: 40" in motors
