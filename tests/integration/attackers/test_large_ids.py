"""Issue 12, point 1: an id beyond 64 bits (in an address, a form field or a station's document)
and a JSON body nested 100,000 levels deep get a 404 or a 400 that says why, never a 500, and
change nothing."""

import copy

import pytest

from tests.helpers import make_unit, post, simulator_documents
from tests.integration.support import database_state, english, text
from workshop.services import ports, printing, stations
from workshop.workflow import Stage

HUGE = "99999999999999999999"  # 10**20: more than SQLite's and PostgreSQL's 64-bit integers

PAGES = [
    f"/runs/{HUGE}",
    f"/runs/{HUGE}/transcript.txt",
    f"/admin/types/{HUGE}",
    f"/admin/types/{HUGE}/limits",
    f"/admin/types/{HUGE}/golden",
    f"/bins/{HUGE}",
    "/runs/0",
    "/runs/-1",
    f"/runs/{'9' * 400}",
]

ADMIN_POSTS = [
    f"/admin/users/{HUGE}",
    f"/admin/types/{HUGE}",
    f"/admin/types/{HUGE}/limits",
    f"/admin/types/{HUGE}/golden",
    f"/admin/types/{HUGE}/golden/read",
    f"/admin/stations/{HUGE}/revoke",
    f"/admin/ports/{HUGE}/use",
    f"/admin/ports/{HUGE}/remove",
    f"/admin/conflicts/{HUGE}/accept",
    f"/admin/printers/{HUGE}",
    f"/admin/printers/{HUGE}/remove",
    f"/print-jobs/{HUGE}/retry",
    f"/accounts/{HUGE}/badge",
    f"/accounts/{HUGE}/badge/revoke",
]


@pytest.mark.parametrize("path", PAGES)
def test_an_address_with_an_id_beyond_64_bits_is_not_found(app, client, coordinator, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "There is nothing at this address." in text(response)


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_an_admin_post_with_an_id_beyond_64_bits_is_not_found_and_changes_nothing(
    app, client, coordinator, path
):
    make_unit()
    before = database_state()
    assert post(client, path, {}).status_code == 404
    assert database_state() == before


def test_a_part_for_a_bill_of_materials_line_beyond_64_bits_is_refused(app, client, volunteer):
    unit = make_unit(builder=volunteer, with_parts=False)
    before = database_state()
    response = post(
        client,
        f"/u/{unit.serial}/parts",
        {"part-version": str(unit.version), "part-bom_item": HUGE, "part-code": "LOT-1"},
    )
    assert response.status_code == 400
    assert "Some fields need attention: the page expired; reload it and try again" in text(response)
    assert database_state() == before


def test_a_part_removed_by_an_id_beyond_64_bits_is_not_found(app, client, volunteer):
    unit = make_unit(builder=volunteer)
    before = database_state()
    response = post(
        client, f"/u/{unit.serial}/parts/{HUGE}/remove", {"part-version": str(unit.version)}
    )
    assert response.status_code == 404
    assert database_state() == before


def test_a_page_version_beyond_64_bits_is_refused(app, client, volunteer):
    unit = make_unit(builder=volunteer)
    before = database_state()
    response = post(client, f"/u/{unit.serial}/status/hold", {"status-version": HUGE})
    assert response.status_code == 400
    assert "the page expired" in text(response)
    assert database_state() == before


@pytest.mark.parametrize("kind", ["identity", "apply"])
def test_a_bench_port_beyond_64_bits_in_a_flight_controller_form_is_refused(
    app, client, volunteer, kind
):
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    ports.add_port("Simulator", "sim://healthy", None)
    before = database_state()
    response = post(
        client, f"/u/{unit.serial}/fc/{kind}", {"port": HUGE, "board": "x", "confirm": "y"}
    )
    assert response.status_code == 400
    assert "Some fields need attention" in text(response)
    assert database_state() == before


def test_a_motor_spin_on_a_port_beyond_64_bits_is_refused_in_json(app, client, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    response = post(
        client,
        f"/u/{unit.serial}/fc/motors/spin",
        {"port": HUGE, "motor": "1", "propellers_off": "y"},
    )
    assert response.status_code == 400 and "page expired" in response.get_json()["error"]


def test_a_label_sent_to_a_printer_beyond_64_bits_is_refused(app, client, coordinator):
    unit = make_unit()
    printing.add_printer(
        printing.PrinterFields("Zebra", "zpl", "127.0.0.1:9", "", "50x30"), coordinator
    )
    before = database_state()
    response = post(client, f"/u/{unit.serial}/label/send", {"printer": HUGE})
    assert response.status_code == 302
    assert "The page expired" in text(client.get(response.headers["Location"]))
    assert database_state() == before


def test_an_audit_page_beyond_reason_is_refused_with_the_reason(app, client, coordinator):
    response = client.get(f"/admin/audit?page={HUGE}")
    assert response.status_code == 400
    assert "Page: a page number from 1 to 1000000" in text(response)
    assert client.get("/admin/audit?page=2").status_code == 200


def test_a_new_unit_of_a_drone_type_beyond_64_bits_is_refused(app, client, volunteer):
    make_unit()
    before = database_state()
    response = post(client, "/units/new", {"drone_type": HUGE})
    assert response.status_code == 302
    assert "Choose a drone type." in text(client.get(response.headers["Location"]))
    assert database_state() == before


# The station API ---------------------------------------------------------------------------


@pytest.fixture
def station_post(app, client):
    unit = make_unit(at=Stage.BENCH_TEST)
    _row, token = stations.create_token("Bench 2", None)
    english(client)

    def send(body=None, **kwargs):
        return client.post(
            f"/api/units/{unit.serial}/bench-runs",
            headers={"Authorization": f"Bearer {token}"},
            **({"json": body} if body is not None else kwargs),
        )

    return send


def _document() -> dict:
    return copy.deepcopy(simulator_documents()["bench"]) | {"kind": "bench"}


@pytest.mark.parametrize("field", ["limits_version", "golden_version"])
@pytest.mark.parametrize("number", [10**20, 0, -1, 2**63])
def test_a_station_version_beyond_64_bits_is_refused_naming_the_field(
    app, station_post, field, number
):
    before = database_state()
    response = station_post(_document() | {field: number})
    assert response.status_code == 400
    assert response.get_json() == {
        "error": f"{field} must be the number of a saved version or null."
    }
    assert database_state() == before


def test_a_station_body_nested_100000_levels_deep_is_refused_before_it_is_parsed(app, station_post):
    before = database_state()
    response = station_post(data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "the JSON nests deeper than 32 levels"}
    deep_inside = station_post(
        data='{"probe": ' + '{"a": ' * 50_000 + "1" + "}" * 50_001,
        content_type="application/json",
    )
    assert deep_inside.status_code == 400
    assert database_state() == before


def test_a_station_body_that_is_not_json_says_so(app, station_post):
    before = database_state()
    for body in (b"not json", b'{"reason": "\xff"}', b"[" + b"1" * 5000 + b"]"):
        response = station_post(data=body, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"].startswith("the body is not JSON")
    assert database_state() == before
