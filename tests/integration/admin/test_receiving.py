"""Receiving on the tablet: parts that come in become a lot with its own code, in a place, with
its label printed at once where the workshop has a default printer."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.helpers import make_drone_type, make_place, post, workshop_today
from tests.integration.printing.support import add_printer, decoded, zpl_label
from tests.integration.support import audit_events, database_state, text
from tests.unit.printing.listener import printer_listening
from workshop.extensions import db
from workshop.models import LedgerEntry, Lot
from workshop.services import parts, settings


@pytest.fixture
def shelf(app, coordinator):
    make_drone_type()
    return make_place("Kyiv workshop/Shelf 3")


def receipt(shelf, **changes) -> dict:
    return {
        "part": str(parts.find("ESC").id),
        "quantity": "50",
        "place": f"http://192.168.1.10:5000/places/{shelf.code}",
        "source": "donation",
        "source_code": "DON-2026-014",
        "received_on": workshop_today().isoformat(),
        "cost": "1250,50",
        "currency": "EUR",
    } | changes


def test_receiving_makes_a_lot_with_its_own_code_in_the_place_and_the_ledger(
    shelf, client, coordinator
):
    response = post(client, "/stock/receive", receipt(shelf))
    lot = db.session.scalars(sa.select(Lot)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/lots/{lot.code}"
    assert lot.code == "L-000001"
    assert (lot.part.name, lot.quantity, lot.place_id, lot.source, lot.source_code) == (
        "ESC",
        50,
        shelf.id,
        "donation",
        "DON-2026-014",
    )
    assert (str(lot.cost), lot.currency, lot.created_by_id) == ("1250.50", "EUR", coordinator.id)
    entry = db.session.scalars(sa.select(LedgerEntry)).one()
    assert (entry.kind, entry.lot_id, entry.lot_change, entry.place_id) == (
        "receive",
        lot.id,
        50,
        shelf.id,
    )
    event = audit_events(lot.code, "lot.receive")[-1]
    assert event.after["place"] == "Kyiv workshop/Shelf 3" and event.after["quantity"] == 50
    page = text(client.get(response.headers["Location"]))
    assert "Lot L-000001 received." in page and "50 pcs" in page and "DON-2026-014" in page


def test_a_default_printer_prints_the_new_lots_label_at_once(shelf, client, coordinator):
    with printer_listening() as listener:
        printer = add_printer(coordinator, listener.address)
        settings.update(
            settings.WorkshopSettings(
                label_base_url="http://192.168.1.10:5000", default_printer_id=printer.id
            ),
            coordinator,
        )
        response = post(client, "/stock/receive", receipt(shelf))
        (received,) = listener.wait_for(1)
    lot = db.session.scalars(sa.select(Lot)).one()
    assert decoded(zpl_label(received)) == [f"http://192.168.1.10:5000/lots/{lot.code}"]
    # The page did not wait for the printer: the print worker sent the label.
    assert "The label is on its way to Zebra" in text(client.get(response.headers["Location"]))


def test_without_a_default_printer_the_lot_page_offers_its_label(shelf, client, coordinator):
    response = post(client, "/stock/receive", receipt(shelf))
    lot = db.session.scalars(sa.select(Lot)).one()
    page = text(client.get(response.headers["Location"]))
    assert f"/lots/{lot.code}/label/print" in page
    label = text(client.get(f"/lots/{lot.code}/label/print"))
    assert lot.code in label and "ESC" in label


REFUSED = {
    "quantity 0": ({"quantity": "0"}, "Quantity: a whole number from 1 to 100000 is needed"),
    "a negative quantity": ({"quantity": "-5"}, "not “-5”"),
    "a fraction": ({"quantity": "1.5"}, "not “1.5”"),
    "words": ({"quantity": "a box"}, "not “a box”"),
    "an absurd quantity": ({"quantity": "1000000"}, "not “1000000”"),
    "an unknown place": ({"place": "P-999999"}, "No place has the code P-999999."),
    "no place": ({"place": ""}, "Place (scan its label): This field is required."),
    "a phone number": ({"source_code": "+380 67 123 45 67"}, "never a person"),
    "a local phone number": ({"source_code": "067 123 45 67"}, "never a person"),
    "an e-mail address": ({"source_code": "olena@example.org"}, "never a person"),
    "a bad cost": ({"cost": "12.345"}, "Cost: an amount such as 1250.50 is needed"),
    "a negative cost": ({"cost": "-3"}, "Cost: an amount such as 1250.50 is needed"),
    "a future day": (
        {"received_on": (workshop_today() + timedelta(days=3)).isoformat()},
        "The date received cannot be in the future.",
    ),
    "an unknown part": ({"part": "9999"}, "Not a valid choice"),
    "an unknown source": ({"source": "found"}, "Not a valid choice"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_receipt_is_refused_naming_the_problem_and_changes_nothing(
    shelf, client, coordinator, case
):
    changes, says = REFUSED[case]
    before = database_state()
    response = post(client, "/stock/receive", receipt(shelf, **changes))
    assert response.status_code in (400, 404), text(response)[-2000:]
    assert says in text(response)
    assert database_state() == before


def test_a_volunteer_receives_parts_too(app, client, volunteer):
    make_drone_type()
    shelf = make_place("Kyiv workshop/Shelf 3")
    response = post(client, "/stock/receive", receipt(shelf, cost="", currency="UAH"))
    assert response.status_code == 302
    lot = db.session.scalars(sa.select(Lot)).one()
    assert (lot.cost, lot.currency, lot.created_by_id) == (None, None, volunteer.id)
