"""The bench scan box: whatever the scanner or a person types opens the unit, or says why not."""

import pytest

from tests.helpers import login, make_unit, make_user, post
from tests.integration.support import database_state, english, text


@pytest.fixture
def bench(app, client):
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


def test_every_way_of_typing_a_serial_opens_the_unit(bench, client):
    for typed in _variants(bench.serial):
        response = post(client, "/scan", {"code": typed})
        assert response.status_code == 302, typed
        assert response.headers["Location"].endswith(f"/u/{bench.serial}"), typed
        page = text(client.get(response.headers["Location"]))
        assert bench.serial in page and "Kitting" in page


def test_an_unknown_serial_says_so_and_stays_on_the_bench(bench, client):
    before = database_state()
    serial = bench.serial[:-5] + "99999"
    response = post(client, "/scan", {"code": serial.lower()})
    assert response.status_code == 404
    page = text(response)
    assert f"No unit has the serial {serial}." in page
    assert 'id="scan-form"' in page
    assert database_state() == before


@pytest.mark.parametrize(
    "typed",
    ["hello", "FPV7-26-00001", "FPV7-2026-0001", "TOOLONGPREFIX-2026-00001", "ФПВ7-2026-00001", "http://host:5000/x/abc", "%%%"],
)
def test_a_malformed_code_says_what_a_serial_looks_like_and_stays(bench, client, typed):
    before = database_state()
    response = post(client, "/scan", {"code": typed})
    assert response.status_code == 400
    page = text(response)
    assert "is not a unit serial. A serial looks like FPV7-2026-00012." in page
    assert 'id="scan-form"' in page
    assert database_state() == before


def test_an_empty_scan_asks_for_a_code(bench, client):
    response = post(client, "/scan", {"code": "   "})
    assert response.status_code == 400
    assert "Scan a label or type a serial." in text(response)


def test_a_label_url_opens_the_unit_page_directly(bench, client):
    response = client.get(f"/u/{bench.serial.lower()}")
    assert response.status_code == 200
    assert bench.serial in text(response)


def test_opening_an_unknown_unit_address_goes_back_to_the_bench_with_the_reason(bench, client):
    response = client.get("/u/T7-2020-00042", follow_redirects=True)
    assert response.request.path == "/"
    assert "No unit has the serial T7-2020-00042." in text(response)


def test_scanning_without_the_csrf_token_is_refused_and_changes_nothing(bench, client):
    before = database_state()
    response = client.post("/scan", data={"code": bench.serial})
    assert response.status_code == 400
    assert "The page expired" in text(response)
    assert database_state() == before


def test_the_scan_box_needs_a_login(app, client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
