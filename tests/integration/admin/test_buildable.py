"""What can we build: per drone type, per site and in total, the limiting part, the request list
for donors, parts running low on the coordinator's start page, and stock discrepancies."""

import csv
import io

import pytest
import sqlalchemy as sa

from tests.helpers import login, make_place, make_user, post, receive
from tests.integration.stock_support import quad
from tests.integration.support import database_state, english, text
from workshop.extensions import db
from workshop.models import Lot
from workshop.services import buildable, draws, parts, units
from workshop.services.drone_types import BomLine


@pytest.fixture
def network(app, coordinator):
    """Two quads sharing their frame and ESC; stock at a workshop and a warehouse."""
    seven = quad("Q7")  # Frame, 4 x Motor 2807, ESC 4in1 *
    ten = quad("Q10", [BomLine("Frame"), BomLine("Motor 3115", 4), BomLine("ESC 4in1", 1, True)])
    shop = make_place("Kyiv workshop/Shelf 1")
    store = make_place("Lviv warehouse/Rack 1")
    for name, at_shop, at_store in (
        ("Frame", 10, 10),
        ("Motor 2807", 12, 30),
        ("Motor 3115", 40, 0),
        ("ESC 4in1", 6, 2),
    ):
        receive(name, at_shop, shop, coordinator)
        if at_store:
            receive(name, at_store, store, coordinator)
    return seven, ten, shop, store


def by_type() -> dict[str, tuple]:
    return {total.drone_type.name: (total, sites) for total, sites in buildable.overview().types}


def test_how_many_can_be_built_per_type_per_site_and_in_total_and_what_limits_it(network):
    total, sites = by_type()["Quad Q7"]
    assert (total.buildable, total.limited_by.name) == (8, "ESC 4in1")
    assert [(s.site.name, s.buildable, s.limited_by.name) for s in sites] == [
        ("Kyiv workshop", 3, "Motor 2807"),
        ("Lviv warehouse", 2, "ESC 4in1"),
    ]
    total, sites = by_type()["Quad Q10"]
    assert (total.buildable, total.limited_by.name) == (8, "ESC 4in1")
    assert (sites[1].buildable, sites[1].limited_by.name) == (0, "Motor 3115")


def test_the_page_shows_each_type_with_its_limit(network, client):
    page = text(client.get("/stock/buildable"))
    assert "Quad Q7" in page and "Quad Q10" in page and "Motor 3115" in page
    assert "All sites" in page and "Lviv warehouse" in page


def test_units_being_kitted_hold_what_they_still_need(network):
    seven, _ten, shop, _store = network
    volunteer = make_user()
    started = units.create_unit(seven.id, volunteer, site_id=shop.site_id)
    # It still needs a frame, four motors and an ESC at the workshop: 8 motors are free there.
    assert by_type()["Quad Q7"][1][0].buildable == 2
    # Drawing them moves the motors from promised to gone: as many are free as before.
    motors = next(item for item in seven.bom if item.name == "Motor 2807")
    lot = db.session.scalar(
        sa.select(Lot).where(Lot.part_id == motors.part_id, Lot.place_id == shop.id)
    )
    draws.draw(started, motors.id, lot.code, 4, volunteer, started.version)
    assert by_type()["Quad Q7"][1][0].buildable == 2


def test_the_request_list_asks_once_for_parts_that_types_share(network):
    seven, ten, *_ = network
    lines = {
        line.part.name: (line.needed, line.on_hand, line.missing)
        for line in buildable.request_list({seven.id: 10, ten.id: 5})
    }
    assert lines == {
        "Frame": (15, 20, 0),
        "Motor 2807": (40, 42, 0),
        "Motor 3115": (20, 40, 0),
        "ESC 4in1": (15, 8, 7),
    }
    at_the_store = buildable.request_list({seven.id: 10}, site_id=network[3].site_id)
    assert [(line.part.name, line.missing) for line in at_the_store][:2] == [
        ("ESC 4in1", 8),
        ("Motor 2807", 10),
    ]


def test_the_request_list_as_a_page_and_as_csv_for_donors(network, client):
    seven, ten, *_ = network
    query = {f"n-{seven.id}": "10", f"n-{ten.id}": "5"}
    page = text(client.get("/stock/request", query_string=query))
    assert "ESC 4in1" in page and "7 pcs" in page
    response = client.get("/stock/request.csv", query_string=query)
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        ["Part", "Category", "Measure", "Needed", "On hand", "To ask for"],
        ["ESC 4in1", "", "pcs", "15", "8", "7"],
    ]


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("-1", "How many more: a whole number from 0 to 100000 is needed, not “-1”."),
        ("1.5", "not “1.5”."),
        ("lots", "not “lots”."),
        ("50000", "At most 10000 units of a type at a time."),
    ],
)
def test_a_bad_count_makes_no_list_and_says_why(network, client, typed, says):
    seven = network[0]
    page = text(client.get("/stock/request", query_string={f"n-{seven.id}": typed}))
    assert says in page
    assert "To ask for" not in page


def test_parts_under_their_threshold_stand_on_the_coordinators_start_page(app, client):
    coordinator = make_user("admin")
    quad()
    receive("ESC 4in1", 3, make_place(), coordinator)
    esc = parts.find("ESC 4in1")
    parts.update_part(esc.id, parts.PartFields(esc.name, "", "pcs", True, 10), coordinator)
    login(client, coordinator)
    english(client)
    page = text(client.get("/"))
    assert "Running low" in page and "ESC 4in1" in page and "3 pcs" in page
    bench = make_user()
    other = client.application.test_client()
    login(other, bench)
    english(other)
    assert "Running low" not in text(other.get("/"))


def test_a_draw_without_a_lot_waits_for_the_coordinator_until_settled(network, client):
    seven, _ten, shop, _store = network
    volunteer = make_user()
    unit = units.create_unit(seven.id, volunteer, site_id=shop.site_id)
    motors = next(item for item in seven.bom if item.name == "Motor 2807")
    entry = draws.draw_without_lot(
        unit, motors.id, 4, "unlabelled box on the bench", volunteer, unit.version
    )
    page = text(client.get("/stock/discrepancies"))
    assert unit.serial in page and "unlabelled box on the bench" in page
    assert post(client, f"/stock/discrepancies/{entry.id}/settle").status_code == 302
    assert "No discrepancy waits." in text(client.get("/stock/discrepancies"))
    before = database_state()
    response = post(client, f"/stock/discrepancies/{entry.id}/settle", follow_redirects=True)
    assert "This stock discrepancy is settled already." in text(response)
    assert database_state() == before
