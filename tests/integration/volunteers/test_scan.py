"""The scan box: what the scanner or a person types opens the unit, lot, place or bin, or says
why not."""

import pytest

from tests.helpers import PIN, csrf_token, login, make_place, make_unit, make_user, post, receive
from tests.integration.support import database_state, english, text
from workshop.extensions import db


@pytest.fixture
def unit_at_hand(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)
    return unit


def _variants(serial: str) -> list[str]:
    return [
        serial,
        serial.lower(),
        serial.title(),
        f"  {serial}  ",
        f"\t{serial.lower()}\n",
        serial.replace("-", " - "),
        f"http://192.168.1.10:5000/u/{serial}",
        f"HTTP://WORKSHOP.LOCAL:8080/U/{serial.lower()}",
        f"http://localhost:5000/u/{serial}?from=label",
        f" http://10.0.0.2:5000/u/{serial}/ ",
    ]


def test_every_way_of_typing_a_serial_opens_the_unit(unit_at_hand, client):
    for typed in _variants(unit_at_hand.serial):
        response = post(client, "/scan", {"code": typed})
        assert response.status_code == 302, typed
        assert response.headers["Location"].endswith(f"/u/{unit_at_hand.serial}"), typed
        page = text(client.get(response.headers["Location"]))
        assert unit_at_hand.serial in page and "Kitting" in page


def test_an_unknown_serial_says_so_and_stays_on_the_scan_page(unit_at_hand, client):
    before = database_state()
    serial = unit_at_hand.serial[:-5] + "99999"
    response = post(client, "/scan", {"code": serial.lower()})
    assert response.status_code == 404
    page = text(response)
    assert f"No unit has the serial {serial}." in page
    assert 'id="scan-form"' in page
    assert database_state() == before


@pytest.mark.parametrize(
    "typed",
    [
        "hello",
        "FPV7-26-00001",
        "FPV7-2026-0001",
        "TOOLONGPREFIX-2026-00001",
        "ҐҐ7-2026-00001",
        "http://host:5000/x/abc",
        "%%%",
    ],
)
def test_a_malformed_code_says_what_a_serial_looks_like_and_stays(unit_at_hand, client, typed):
    before = database_state()
    response = post(client, "/scan", {"code": typed})
    assert response.status_code == 400
    page = text(response)
    assert "is not a unit serial. A serial looks like FPV7-2026-00012." in page
    assert 'id="scan-form"' in page
    assert database_state() == before


def test_an_empty_scan_asks_for_a_code(unit_at_hand, client):
    response = post(client, "/scan", {"code": "   "})
    assert response.status_code == 400
    assert "Scan a label or type a serial." in text(response)


def test_a_label_url_opens_the_unit_page_directly(unit_at_hand, client):
    response = client.get(f"/u/{unit_at_hand.serial.lower()}")
    assert response.status_code == 200
    assert unit_at_hand.serial in text(response)


def test_opening_an_unknown_unit_address_goes_back_to_the_scan_page_with_the_reason(
    unit_at_hand, client
):
    response = client.get("/u/T7-2020-00042", follow_redirects=True)
    assert response.request.path == "/"
    assert "No unit has the serial T7-2020-00042." in text(response)


def test_scanning_without_the_csrf_token_is_refused_and_changes_nothing(unit_at_hand, client):
    before = database_state()
    response = client.post("/scan", data={"code": unit_at_hand.serial})
    assert response.status_code == 400
    assert "The page expired" in text(response)
    assert database_state() == before


def test_the_scan_box_needs_a_login(app, client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _ukrainian_layout(latin: str) -> str:
    """What a scanner set to a Ukrainian keyboard layout types for `latin` (the keys a label
    URL or serial needs), written out by hand from the layout."""
    keys = dict(zip("hAPVTupl:/.", "рАЗМЕгздЖ.ю", strict=True))
    return "".join(keys.get(c, c) for c in latin)


def test_a_scanner_typing_under_a_ukrainian_layout_still_opens_the_unit(unit_at_hand, client):
    damaged = _ukrainian_layout(unit_at_hand.serial)
    assert damaged != unit_at_hand.serial
    for typed in (damaged, _ukrainian_layout(f"http://192.168.1.10:5000/u/{unit_at_hand.serial}")):
        response = post(client, "/scan", {"code": typed})
        assert response.status_code == 302, typed
        assert response.headers["Location"].endswith(f"/u/{unit_at_hand.serial}"), typed


def test_a_damaged_code_that_names_nothing_tells_the_repaired_serial(unit_at_hand, client):
    response = post(client, "/scan", {"code": "ФПВ7-2026-00001"})
    assert response.status_code == 404
    assert "No unit has the serial AGD7-2026-00001." in text(response)


def test_a_lot_label_opens_the_units_that_hold_a_part_of_the_lot(unit_at_hand, client):
    code = unit_at_hand.parts[0].code
    response = post(client, "/scan", {"code": f"http://192.168.1.10:5000/lots/{code.lower()}"})
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert code in page and unit_at_hand.serial in page


def test_a_lot_no_unit_holds_says_so(unit_at_hand, client):
    before = database_state()
    response = post(client, "/scan", {"code": "http://192.168.1.10:5000/lots/NOSUCHLOT"})
    assert response.status_code == 404
    assert "No lot has the code NOSUCHLOT." in text(response)
    assert database_state() == before


@pytest.mark.parametrize(
    "typed", ["http://192.168.1.10:5000/lots/{code}", "{code}", " д-{digits} "]
)
def test_a_lot_label_or_its_bare_code_opens_the_lot_on_the_shelf(unit_at_hand, client, typed):
    lot = receive("Frame", 12, make_place("Kyiv workshop/Shelf 3"))
    code = typed.format(code=lot.code.lower(), digits=lot.code[2:])
    response = post(client, "/scan", {"code": code})
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == f"/lots/{lot.code}"
    page = text(client.get(response.headers["Location"]))
    assert "Frame" in page and "12 pcs" in page and "Kyiv workshop/Shelf 3" in page


def test_a_place_label_opens_the_place_with_its_lots(unit_at_hand, client):
    place = make_place("Kyiv workshop/Shelf 3/Box 2")
    lot = receive("ESC", 4, place)
    response = post(client, "/scan", {"code": f"http://192.168.1.10:5000/places/{place.code}"})
    assert response.headers["Location"] == f"/places/{place.code}"
    page = text(client.get(response.headers["Location"]))
    assert "Box 2" in page and lot.code in page and "ESC" in page


def test_a_bin_label_printed_before_places_opens_the_place_it_became(unit_at_hand, client):
    place = make_place("Kyiv workshop/Frame #7")
    place.bin_number = 7  # what migration 0010 gives each bin of an existing workshop
    db.session.commit()
    response = post(client, "/scan", {"code": "http://192.168.1.10:5000/bins/7"})
    assert response.headers["Location"] == f"/places/{place.code}"
    opened = client.get("/bins/7", follow_redirects=True)
    assert opened.request.path == f"/places/{place.code}"
    assert "Frame #7" in text(opened)


@pytest.mark.parametrize("number", ["9999", "99999999999999999999999"])
def test_an_unknown_bin_scanned_says_so(unit_at_hand, client, number):
    response = post(client, "/scan", {"code": f"http://192.168.1.10:5000/bins/{number}"})
    assert response.status_code == 404
    assert f"No place has the bin number {number}." in text(response)


def test_an_unknown_bin_opened_says_so(unit_at_hand, client):
    opened = client.get("/bins/9999", follow_redirects=True)
    assert opened.request.path == "/"
    assert "No place has the bin number 9999." in text(opened)
    # A number no row can have (beyond 64 bits) is no address of the app at all.
    assert client.get("/bins/99999999999999999999999").status_code == 404


def test_a_scan_before_login_opens_the_unit_after_it(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    english(client)
    response = client.post("/scan", data={"csrf_token": csrf_token(client), "code": unit.serial})
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    login_page = client.get(response.headers["Location"])
    assert "Log in to continue." in text(login_page)
    landed = client.post(
        response.headers["Location"],
        data={"csrf_token": csrf_token(client), "username": volunteer.name, "pin": PIN},
    )
    assert landed.headers["Location"] == f"/u/{unit.serial}"


def test_a_scan_before_login_tells_nothing_about_what_exists(app, client):
    make_unit(builder=make_user())
    english(client)
    for code in ("FPV7-1999-99999", "http://192.168.1.10:5000/lots/NO-SUCH-LOT"):
        response = client.post("/scan", data={"csrf_token": csrf_token(client), "code": code})
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
        login_page = text(client.get(response.headers["Location"]))
        assert "Log in to continue." in login_page
        assert "No unit" not in login_page
