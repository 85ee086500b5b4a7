"""Recall: a lot's page lists every unit that drew from it (and from the lots split from the same
receipt), tracked part or not, with stage, status and the receiving unit's code; also as CSV."""

import csv
import io

from tests.helpers import make_place, receive, workshop_today
from tests.integration.stock_support import open_shop
from tests.integration.support import text
from workshop.extensions import db
from workshop.models import Delivery, Unit
from workshop.services import draws, stages, stock_moves, units
from workshop.services.stages import StageInput
from workshop.workflow import Action


def kit_from(unit: Unit, line: int, code: str, quantity: int, who) -> None:
    draws.draw(unit, line, code, quantity, who, unit.version)


def test_a_lots_page_lists_every_unit_that_drew_from_its_receipt(app, client, coordinator):
    shop = open_shop()
    who = shop.volunteer
    motors, escs = shop.motors, shop.escs
    first = shop.unit
    second = units.create_unit(shop.drone_type.id, who)
    third = units.create_unit(shop.drone_type.id, who)
    elsewhere = units.create_unit(shop.drone_type.id, who)
    # Half the ESC lot moves to another shelf as a lot of its own: the same receipt.
    split = stock_moves.move(escs.code, 2, make_place("Kyiv workshop/Shelf 9").code, coordinator)
    kit_from(first, shop.line("ESC 4in1"), escs.code, 1, who)
    units.record_part(first, shop.line("ESC 4in1"), "ESC-0001", who, first.version)
    kit_from(second, shop.line("ESC 4in1"), split.code, 1, who)
    kit_from(third, shop.line("Motor 2807"), motors.code, 4, who)  # another lot
    kit_from(third, shop.line("ESC 4in1"), escs.code, 1, who)
    other = receive("ESC 4in1", 3, shop.box, coordinator)
    kit_from(elsewhere, shop.line("ESC 4in1"), other.code, 1, who)
    # The second unit was delivered; the third scrapped.
    second.stage = "delivered"
    db.session.add(
        Delivery(
            unit=second,
            receiver_code="BRAVO-7",
            delivered_on=workshop_today(),
            handed_over_by_id=coordinator.id,
        )
    )
    db.session.commit()
    stages.change_status(third, who, Action.SCRAP, StageInput(third.version, text="burnt"))

    page = text(client.get(f"/lots/{escs.code}"))
    for unit in (first, second, third):
        assert unit.serial in page
    assert elsewhere.serial not in page
    assert "ESC-0001" in page and "BRAVO-7" in page and "Scrapped" in page
    assert split.code in page  # the lots of the same receipt
    response = client.get("/stock/recall.csv", query_string={"lot": split.code})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Unit",
        "Drone type",
        "Stage",
        "Status",
        "Drawn",
        "Part serials",
        "Receiving unit",
    ]
    assert sorted(rows[1:]) == sorted(
        [
            [first.serial, "Quad Q7", "Kitting", "Active", "1", "ESC-0001", ""],
            [second.serial, "Quad Q7", "Delivered", "Active", "1", "", "BRAVO-7"],
            [third.serial, "Quad Q7", "Kitting", "Scrapped", "1", "", ""],
        ]
    )


def test_an_unknown_lot_for_the_csv_goes_back_with_the_reason(app, client, coordinator):
    response = client.get("/stock/recall.csv?lot=L-404404", follow_redirects=True)
    assert response.request.path == "/stock"
    assert "No lot has the code L-404404." in text(response)


def test_the_lots_ledger_shows_each_movement_and_who(app, client, coordinator):
    shop = open_shop()
    kit_from(shop.unit, shop.line("Motor 2807"), shop.motors.code, 4, shop.volunteer)
    page = text(client.get(f"/lots/{shop.motors.code}"))
    assert "Received" in page and "Drawn for a unit" in page and "-4" in page
    assert shop.volunteer.name in page and shop.unit.serial in page
