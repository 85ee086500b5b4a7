"""Moving stock by scanning the lot, then the place; counting a place, each difference an
adjustment with its reason; writing damaged stock off as waste."""

import pytest
import sqlalchemy as sa

from tests.helpers import make_place, post
from tests.integration.stock_support import Shop, lot_quantity
from tests.integration.support import audit_events, database_state, text
from workshop.extensions import db
from workshop.models import LedgerEntry, Lot
from workshop.services import stock, stock_levels, stock_moves


def move(client, lot: str, place: str, quantity: str = ""):
    return post(client, "/stock/move", {"lot": lot, "quantity": quantity, "place": place})


def test_a_whole_lot_moves_by_scanning_the_lot_then_the_place(shop, client):
    rack = make_place("Lviv warehouse/Rack 1")
    response = move(client, f"http://h/lots/{shop.motors.code}", f"http://h/places/{rack.code}")
    assert response.status_code == 302
    db.session.expire_all()
    lot = db.session.get(Lot, shop.motors.id)
    assert (lot.place_id, lot.quantity) == (rack.id, 10)
    entry = db.session.scalars(sa.select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()
    assert (entry.kind, entry.lot_change, entry.place_id) == ("move", 0, rack.id)
    event = audit_events(lot.code, "lot.move")[-1]
    assert (event.before["place"], event.after["place"]) == (
        "Kyiv workshop/Box 2",
        "Lviv warehouse/Rack 1",
    )
    assert "now lies at Lviv warehouse/Rack 1" in text(client.get(response.headers["Location"]))


def test_part_of_a_lot_becomes_a_lot_of_its_own_of_the_same_receipt(shop, client):
    rack = make_place("Lviv warehouse/Rack 1")
    response = move(client, shop.motors.code, rack.code, quantity="6")
    assert response.status_code == 302
    moved = db.session.scalars(sa.select(Lot).order_by(Lot.id.desc())).first()
    assert response.headers["Location"] == f"/lots/{moved.code}"
    assert (moved.quantity, moved.place_id, moved.origin_id) == (6, rack.id, shop.motors.id)
    assert (moved.source, moved.source_code) == ("donation", "DON-1")
    assert lot_quantity(shop.motors) == 4
    assert stock.disagreements() == []


def refused_moves(shop: Shop) -> dict[str, tuple[str, str, str, str]]:
    """What cannot be moved: (lot, place, quantity, what the person is told)."""
    motors, box = shop.motors.code, shop.box.code
    return {
        "the same place": (motors, box, "", "lies at Kyiv workshop/Box 2 already."),
        "more than it holds": (motors, "P-000001", "11", "holds 10 pcs, fewer than 11 pcs"),
        "an unknown lot": ("L-999999", "P-000001", "", "No lot has the code L-999999."),
        "an unknown place": (motors, "P-999999", "", "No place has the code P-999999."),
        "a fraction": (motors, "P-000001", "0.5", "Quantity (empty: the whole lot): a whole"),
    }


@pytest.mark.parametrize(
    "case",
    ["the same place", "more than it holds", "an unknown lot", "an unknown place", "a fraction"],
)
def test_a_move_that_cannot_be_is_refused_and_changes_nothing(shop, client, case):
    lot, place, quantity, says = refused_moves(shop)[case]
    before = database_state()
    response = move(client, lot, place, quantity)
    assert response.status_code in (400, 404)
    assert says in text(response)
    assert database_state() == before


def count(client, shop: Shop, counts: dict, reason: str = "", extra: tuple[str, str] = ("", "")):
    form = {"reason": reason, "extra_lot": extra[0], "extra_count": extra[1]}
    for lot, (seen, counted) in counts.items():
        form |= {f"expected-{lot.code}": str(seen), f"count-{lot.code}": counted}
    return post(client, f"/places/{shop.box.code}/count", form)


def test_counting_a_place_corrects_each_difference_with_the_reason(shop, client):
    page = text(client.get(f"/places/{shop.box.code}/count"))
    assert shop.motors.code in page and shop.escs.code in page
    response = count(
        client, shop, {shop.motors: (10, "8"), shop.escs: (5, "5")}, reason="two motors fell"
    )
    assert response.status_code == 302
    assert "Counted. 1 lot differed from the books and was corrected." in text(
        client.get(response.headers["Location"])
    )
    assert (lot_quantity(shop.motors), lot_quantity(shop.escs)) == (8, 5)
    entry = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.kind == "adjust")).one()
    assert (entry.lot_id, entry.lot_change, entry.reason) == (shop.motors.id, -2, "two motors fell")
    event = audit_events(shop.motors.code, "lot.adjust")[-1]
    assert (event.before, event.after["quantity"]) == ({"quantity": 10}, 8)
    assert stock.disagreements() == []


def test_a_lot_found_at_the_place_it_is_not_booked_at_moves_there_with_its_count(shop, client):
    response = count(
        client, shop, {}, reason="found on the wrong shelf", extra=(shop.frames.code, "7")
    )
    assert response.status_code == 302
    db.session.expire_all()
    frames = db.session.get(Lot, shop.frames.id)
    assert (frames.place_id, frames.quantity) == (shop.box.id, 7)


@pytest.mark.parametrize(
    ("counts", "reason", "says", "status"),
    [
        ("differs", "", "Write a few words about the reason.", 400),
        ("stale", "recount", "changed while it was counted: count it again.", 409),
        ("bad", "recount", "a whole number from 0 to 100000 is needed, not “1.5”.", 400),
        ("nothing", "recount", "Count at least one lot.", 400),
    ],
)
def test_a_count_that_cannot_be_trusted_changes_nothing(shop, client, counts, reason, says, status):
    given = {
        "differs": {shop.motors: (10, "9")},
        "stale": {shop.motors: (12, "9")},  # the page said 12; the books say 10 by now
        "bad": {shop.motors: (10, "1.5")},
        "nothing": {},
    }[counts]
    before = database_state()
    response = count(client, shop, given, reason=reason)
    assert response.status_code == status
    assert says in text(response)
    assert database_state() == before


def test_damaged_stock_is_written_off_as_waste_with_a_reason(shop, client):
    form = {"quantity": "3", "reason": "bent shafts"}
    response = post(client, f"/lots/{shop.motors.code}/waste", form)
    assert response.status_code == 302
    assert lot_quantity(shop.motors) == 7
    entry = db.session.scalars(sa.select(LedgerEntry).where(LedgerEntry.kind == "waste")).one()
    assert (entry.lot_change, entry.reason) == (-3, "bent shafts")
    before = database_state()
    response = post(
        client,
        f"/lots/{shop.motors.code}/waste",
        {"quantity": "8", "reason": "x y z"},
        follow_redirects=True,
    )
    assert "holds 7 pcs, fewer than 8 pcs: nothing was taken." in text(response)
    assert database_state() == before


def test_the_discrepancy_list_is_empty_until_something_is_drawn_without_a_lot(shop):
    assert stock_moves.discrepancies() == []


def test_a_lot_moved_to_another_site_counts_there_and_its_site_is_always_its_places(shop, client):
    rack = make_place("Lviv warehouse/Rack 1")
    assert move(client, shop.motors.code, rack.code).status_code == 302
    assert move(client, shop.escs.code, rack.code, quantity="2").status_code == 302
    on_hand = stock_levels.on_hand_by_site()
    part = shop.motors.part_id
    assert (on_hand.get((part, shop.box.site_id)), on_hand[(part, rack.site_id)]) == (None, 10)
    assert on_hand[(shop.escs.part_id, rack.site_id)] == 2
    assert on_hand[(shop.escs.part_id, shop.box.site_id)] == 3
    # The database itself refuses a lot whose site is not its place's.
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.update(Lot).where(Lot.id == shop.frames.id).values(site_id=rack.site_id)
        )
        db.session.commit()
    db.session.rollback()
