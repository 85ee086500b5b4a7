"""Kitting from stock: the pick list says where each part lies; a scanned lot or place label
draws from the lot in the same transaction that records it; refusals change nothing."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.helpers import make_place, make_unit, post, receive, reload
from tests.integration.stock_support import REFUSED, Shop, draw, lot_quantity
from tests.integration.support import (
    audit_events,
    database_state,
    finish,
    page_version,
    text,
)
from workshop.extensions import db
from workshop.models import LedgerEntry, UnitPart
from workshop.services import draws, kitting, refusals, stock, stock_moves, units
from workshop.services.kitting_scan import Draw, Refusal


def test_the_pick_list_shows_where_each_part_lies_the_oldest_lot_first(shop, client):
    newer = receive("Motor 2807", 30, make_place("Kyiv workshop/Shelf 9"), shop.coordinator)
    page = text(client.get(f"/u/{shop.unit.serial}"))
    assert "Kitted at Kyiv workshop" in page
    assert page.index(shop.motors.code) < page.index(newer.code)  # the oldest lot first
    assert "Kyiv workshop/Box 2" in page and "On hand: 40" in page
    assert "0 / 4" in page and "Motor 2807" in page


def test_a_scanned_lot_label_draws_what_the_line_needs_in_one_transaction(shop, client):
    label = f"http://192.168.1.10:5000/lots/{shop.motors.code}"
    response = draw(client, shop.unit, label)
    assert response.status_code == 302, text(response)
    assert "4 × Motor 2807 drawn from lot" in text(client.get(response.headers["Location"]))
    assert lot_quantity(shop.motors) == 6
    entry = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.kind == "draw")).one()
    assert (entry.lot_id, entry.lot_change, entry.unit_id, entry.unit_change) == (
        shop.motors.id,
        -4,
        shop.unit.id,
        4,
    )
    assert entry.user_id == shop.volunteer.id
    event = audit_events(shop.unit.serial, "unit.draw")[-1]
    assert event.after == {"part": "Motor 2807", "lot": shop.motors.code, "quantity": 4}
    assert stock.disagreements() == []
    assert "4 / 4" in text(client.get(f"/u/{shop.unit.serial}"))


def test_a_short_lot_gives_what_it_holds_and_another_lot_the_rest(shop, client):
    few = receive("Motor 2807", 3, make_place("Kyiv workshop/Shelf 7"), shop.coordinator)
    assert draw(client, shop.unit, few.code).status_code == 302
    assert lot_quantity(few) == 0
    assert draw(client, shop.unit, shop.motors.code).status_code == 302
    assert lot_quantity(shop.motors) == 9
    drawn = stock.in_unit(stock.unit_holdings(shop.unit.id))
    assert drawn[shop.line("Motor 2807")] == 4


def test_a_scanned_place_draws_the_next_needed_part_lying_there(shop, client):
    # Box 2 holds motors and ESCs; the motors come first in the bill.
    assert draw(client, shop.unit, shop.box.code).status_code == 302
    assert draw(client, shop.unit, f"http://h/places/{shop.box.code}").status_code == 302
    assert (lot_quantity(shop.motors), lot_quantity(shop.escs)) == (6, 4)
    response = draw(client, shop.unit, shop.box.code)
    assert response.status_code == 400
    assert "Nothing this unit still needs lies at Kyiv workshop/Box 2." in text(response)


def test_a_typed_quantity_draws_that_many(shop, client):
    assert draw(client, shop.unit, shop.motors.code, quantity="2").status_code == 302
    assert lot_quantity(shop.motors) == 8
    assert "2 / 4" in text(client.get(f"/u/{shop.unit.serial}"))


QUANTITIES = {
    "0": "Quantity: a whole number from 1 to 100000 is needed, not “0”.",
    "-2": "Quantity: a whole number from 1 to 100000 is needed, not “-2”.",
    "1.5": "Quantity: a whole number from 1 to 100000 is needed, not “1.5”.",
    "lots": "Quantity: a whole number from 1 to 100000 is needed, not “lots”.",
    "100001": "Quantity: a whole number from 1 to 100000 is needed, not “100001”.",
    "5": "Motor 2807: only 4 pcs more are needed, not 5.",
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_code_that_cannot_serve_the_unit_is_refused_and_changes_nothing(shop, client, case):
    assert draw(client, shop.unit, shop.frames.code).status_code == 302
    code, says = REFUSED[case](shop)
    before = database_state()
    response = draw(client, shop.unit, code)
    assert response.status_code == 400, text(response)[-2000:]
    assert says in text(response)
    assert database_state() == before


@pytest.mark.parametrize("typed", QUANTITIES)
def test_a_bad_quantity_is_refused_naming_the_field_and_changes_nothing(shop, client, typed):
    before = database_state()
    response = draw(client, shop.unit, shop.motors.code, quantity=typed)
    assert response.status_code == 400
    assert QUANTITIES[typed] in text(response)
    assert database_state() == before


def test_a_page_older_than_the_unit_draws_nothing(shop, client):
    stale = page_version(client, shop.unit.serial)
    assert draw(client, shop.unit, shop.frames.code).status_code == 302
    before = database_state()
    response = draw(client, shop.unit, shop.motors.code, version=stale)
    assert response.status_code == 409
    assert "Someone else changed this unit a moment ago." in text(response)
    assert database_state() == before


def test_drawing_without_a_lot_needs_a_reason_and_is_a_stock_discrepancy(shop, client):
    form = {
        "nolot-version": str(reload(shop.unit).version),
        "nolot-bom_item": str(shop.line("Motor 2807")),
        "nolot-quantity": "4",
        "nolot-reason": "",
    }
    before = database_state()
    response = post(client, f"/u/{shop.unit.serial}/draw-without-lot", form)
    assert response.status_code == 400 and "Why is there no lot?" in text(response)
    assert database_state() == before
    form["nolot-reason"] = "a box of motors on the bench, no label"
    response = post(client, f"/u/{shop.unit.serial}/draw-without-lot", form)
    assert response.status_code == 302
    assert lot_quantity(shop.motors) == 10  # no lot gave them
    entry = db.session.scalars(sa.select(LedgerEntry)).all()[-1]
    assert (entry.kind, entry.lot_id, entry.unit_change) == ("draw", None, 4)
    assert stock.in_unit(stock.unit_holdings(shop.unit.id))[shop.line("Motor 2807")] == 4
    assert [e.id for e in stock_moves.discrepancies()] == [entry.id]


def test_a_tracked_piece_records_the_lot_it_was_drawn_from(shop, client):
    assert draw(client, shop.unit, shop.escs.code).status_code == 302
    part = units.record_part(
        reload(shop.unit),
        shop.line("ESC 4in1"),
        "esc-0042",
        shop.volunteer,
        reload(shop.unit).version,
    )
    assert (part.code, part.lot_id, part.part_id) == ("ESC-0042", shop.escs.id, shop.escs.part_id)
    assert f"from lot {shop.escs.code}" in text(client.get(f"/u/{shop.unit.serial}"))


def test_kitting_finishes_only_once_the_whole_bill_is_drawn(shop, client):
    unit = shop.unit
    units.record_part(unit, shop.line("ESC 4in1"), "ESC-1", shop.volunteer, unit.version)
    response = finish(client, unit, [])
    assert response.status_code == 403
    assert (
        "Draw every part of the kit first. Still to draw: 1 × Frame, 4 × Motor 2807, 1 × ESC 4in1."
        in text(response)
    )
    for code in (shop.frames.code, shop.box.code, shop.box.code):
        assert draw(client, unit, code).status_code == 302
    assert finish(client, unit, []).status_code == 302
    assert reload(unit).stage == "soldering"


def give_back(client, shop: Shop, line: str, lot_id: int | None, quantity: str, destination: str):
    return post(
        client,
        f"/u/{shop.unit.serial}/give-back",
        {
            "back-version": str(reload(shop.unit).version),
            "back-bom_item": str(shop.line(line)),
            "back-lot": str(lot_id or ""),
            "back-quantity": quantity,
            "back-destination": destination,
        },
    )


def test_parts_taken_out_at_rework_go_back_to_their_lot_or_to_waste(shop, client):
    assert draw(client, shop.unit, shop.motors.code).status_code == 302
    assert give_back(client, shop, "Motor 2807", shop.motors.id, "1", "lot").status_code == 302
    assert lot_quantity(shop.motors) == 7
    assert give_back(client, shop, "Motor 2807", shop.motors.id, "1", "waste").status_code == 302
    assert lot_quantity(shop.motors) == 7  # a damaged motor does not go back on the shelf
    assert stock.in_unit(stock.unit_holdings(shop.unit.id))[shop.line("Motor 2807")] == 2
    kinds = [e.kind for e in db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id))]
    assert kinds[-3:] == ["draw", "return", "waste"]
    assert stock.disagreements() == []
    # More than the unit holds from that lot is refused, and changes nothing.
    before = database_state()
    response = give_back(client, shop, "Motor 2807", shop.motors.id, "3", "lot")
    assert response.status_code == 400
    assert f"Only 2 of Motor 2807 from lot {shop.motors.code} are in this unit." in text(response)
    assert database_state() == before


@pytest.mark.parametrize(("destination", "back_on_shelf"), [("lot", 5), ("waste", 4), ("", 4)])
def test_a_tracked_piece_taken_out_goes_where_the_volunteer_says(
    shop, client, destination, back_on_shelf
):
    assert draw(client, shop.unit, shop.escs.code).status_code == 302
    part = units.record_part(
        reload(shop.unit), shop.line("ESC 4in1"), "ESC-7", shop.volunteer, reload(shop.unit).version
    )
    response = post(
        client,
        f"/u/{shop.unit.serial}/parts/{part.id}/remove",
        {"part-version": str(reload(shop.unit).version), "part-destination": destination},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(UnitPart, part.id).removed_at is not None
    assert lot_quantity(shop.escs) == back_on_shelf
    held = stock.in_unit(stock.unit_holdings(shop.unit.id)).get(shop.line("ESC 4in1"), 0)
    assert held == (1 if destination == "" else 0)  # a wrong code: the piece stays in the unit


def test_a_unit_started_before_stock_is_kitted_where_its_first_draw_comes_from(app, client):
    unit = make_unit(with_parts=False)  # no site exists yet
    assert unit.site_id is None
    lot = receive("Frame", 3, make_place("Lviv warehouse/Rack 1"))
    draws.draw(unit, unit.drone_type.bom[0].id, lot.code, 1, unit.created_by, unit.version)
    assert reload(unit).site.name == "Lviv warehouse"


def test_what_a_scan_at_kitting_is_for(shop):
    unit = shop.unit
    assert kitting.resolve_scan(unit, "FPV7-2026-00001") is None
    assert kitting.resolve_scan(unit, "sn-0042-abc") is None
    decided = kitting.resolve_scan(unit, f"http://h/lots/{shop.motors.code}")
    assert isinstance(decided, Draw) and (decided.lot.code, decided.quantity) == (
        shop.motors.code,
        4,
    )
    decided = kitting.resolve_scan(unit, "P-999999")
    assert decided == Refusal("unknown_place", {"code": "P-999999"})
    with force_locale("en"):
        assert refusals.explain_scan(decided) == "No place has the code P-999999."
