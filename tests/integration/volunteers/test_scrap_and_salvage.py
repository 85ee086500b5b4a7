"""Scrapping a unit salvages its good parts into salvage lots; nothing comes out of thin air."""

import pytest
import sqlalchemy as sa

from tests.helpers import login, make_place, make_unit, post, reload
from tests.integration.stock_support import Shop, draw, lot_quantity, open_shop
from tests.integration.support import audit_events, database_state, english, status_form, text
from workshop.extensions import db
from workshop.models import LedgerEntry, Lot, UnitPart
from workshop.services import salvage, stock, units
from workshop.services.errors import Invalid
from workshop.services.salvage import SalvagedPart


@pytest.fixture
def kitted(app, client) -> Shop:
    """A unit that drew a frame, four motors and an ESC (with its serial recorded)."""
    shop = open_shop()
    login(client, shop.volunteer)
    english(client)
    for code in (shop.frames.code, shop.motors.code, shop.escs.code):
        assert draw(client, shop.unit, code).status_code == 302
    unit = reload(shop.unit)
    units.record_part(unit, shop.line("ESC 4in1"), "ESC-0042", shop.volunteer, unit.version)
    return shop


def scrap(client, shop: Shop, salvaged: dict[str, str], place: str = ""):
    form = status_form(reload(shop.unit).version, "frame cracked in a drop test")
    form |= {f"salvage-{shop.line(name)}": typed for name, typed in salvaged.items()}
    form["salvage-place"] = place
    return post(client, f"/u/{shop.unit.serial}/status/scrap", form)


def salvage_lots() -> list[Lot]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Lot).where(Lot.source == "salvage").order_by(Lot.id)))


def test_scrapping_salvages_good_parts_into_lots_where_they_came_from(kitted, client):
    version = reload(kitted.unit).version
    response = scrap(client, kitted, {"Motor 2807": "3", "ESC 4in1": "1", "Frame": ""})
    assert response.status_code == 302, text(response)[-2000:]
    unit = reload(kitted.unit)
    assert unit.status == "scrapped" and unit.version == version + 1
    motors, esc = salvage_lots()
    assert (motors.part.name, motors.quantity, motors.place_id) == ("Motor 2807", 3, kitted.box.id)
    assert (esc.part.name, esc.quantity, esc.source_code) == ("ESC 4in1", 1, unit.serial)
    assert f"Salvaged into {motors.code}, {esc.code}." in text(client.get(f"/u/{unit.serial}"))
    held = stock.in_unit(stock.unit_holdings(unit.id))
    assert (held[kitted.line("Motor 2807")], held[kitted.line("Frame")]) == (1, 1)
    assert kitted.line("ESC 4in1") not in held
    # The tracked ESC left the unit with its serial.
    assert db.session.scalars(sa.select(UnitPart)).one().removed_at is not None
    assert [e.action for e in audit_events(unit.serial)][-3:] == [
        "unit.salvage",
        "unit.salvage",
        "unit.scrap",
    ]
    assert stock.disagreements() == []
    # The original lots are untouched: salvage makes new lots, it does not undo draws.
    assert (lot_quantity(kitted.motors), lot_quantity(kitted.escs)) == (6, 4)


def test_salvage_goes_to_a_scanned_place_when_one_is_given(kitted, client):
    bench = make_place("Kyiv workshop/Salvage bin")
    response = scrap(client, kitted, {"Motor 2807": "4"}, place=f"http://h/places/{bench.code}")
    assert response.status_code == 302
    [motors] = salvage_lots()
    assert motors.place_id == bench.id


@pytest.mark.parametrize(
    ("salvaged", "says"),
    [
        ({"Motor 2807": "5"}, "Motor 2807: only 4 are in this unit, not 5."),
        ({"Motor 2807": "2.5"}, "Motor 2807: a whole number from 0 to 100000 is needed"),
        ({"Motor 2807": "many"}, "not “many”"),
    ],
)
def test_salvaging_more_than_the_unit_holds_scraps_nothing(kitted, client, salvaged, says):
    before = database_state()
    response = scrap(client, kitted, salvaged)
    assert response.status_code == 400
    assert says in text(response)
    assert database_state() == before
    assert reload(kitted.unit).status == "active"


def test_a_unit_scrapped_earlier_salvages_through_the_one_service(kitted, client):
    scrap(client, kitted, {})
    unit = reload(kitted.unit)
    [lot] = salvage.salvage_unit(unit, kitted.volunteer, [SalvagedPart(kitted.line("Frame"), 1)])
    assert (lot.quantity, lot.source, lot.place_id) == (1, "salvage", kitted.shelf.id)
    # And from the page a scrapped unit offers it on.
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Salvage good parts" in page
    response = post(
        client,
        f"/u/{unit.serial}/salvage",
        {f"salvage-{kitted.line('Motor 2807')}": "4", "salvage-place": ""},
    )
    assert response.status_code == 302
    assert [lot.quantity for lot in salvage_lots()] == [1, 4]


def test_an_active_unit_is_not_salvaged(kitted):
    with pytest.raises(Invalid):
        salvage.salvage_unit(
            reload(kitted.unit), kitted.volunteer, [SalvagedPart(kitted.line("Frame"), 1)]
        )


def test_a_unit_that_drew_nothing_salvages_nothing(app, client):
    unit = make_unit(with_parts=False)  # built before stock: no draws in the ledger
    login(client, unit.created_by)
    english(client)
    item = unit.drone_type.bom[0]
    before = database_state()
    response = post(
        client,
        f"/u/{unit.serial}/status/scrap",
        status_form(unit.version, "burnt") | {f"salvage-{item.id}": "1"},
    )
    assert response.status_code == 400
    assert f"{item.name}: only 0 are in this unit, not 1." in text(response)
    assert database_state() == before


def test_a_salvage_lot_is_drawn_again_and_its_recall_names_both_units(kitted, client):
    scrap(client, kitted, {"Motor 2807": "4"})
    [motors] = salvage_lots()
    second = units.create_unit(kitted.drone_type.id, kitted.volunteer)
    assert draw(client, second, motors.code).status_code == 302
    page = text(client.get(f"/lots/{motors.code}"))
    assert second.serial in page and kitted.unit.serial in page  # drawn by, salvaged from
    kinds = db.session.scalars(
        sa.select(LedgerEntry.kind).where(LedgerEntry.lot_id == motors.id).order_by(LedgerEntry.id)
    ).all()
    assert kinds == ["salvage", "draw"]
