"""The stock API: parts on hand by place, what can be built, a lot and the units that drew from
it; for a logged-in session or a bench station's token, nobody else."""

import pytest

from tests.helpers import login, make_place, make_user, receive
from tests.integration.stock_support import open_shop
from workshop.services import draws, stations


@pytest.fixture
def shop(app):
    opened = open_shop()
    receive("Motor 2807", 8, make_place("Lviv warehouse/Rack 1"), opened.coordinator)
    unit = opened.unit
    draws.draw(unit, opened.line("Motor 2807"), opened.motors.code, 4, opened.volunteer, 1)
    return opened


def test_the_stock_lists_every_part_with_what_is_on_hand_by_place(shop, client):
    login(client, make_user())
    parts = {row["part"]: row for row in client.get("/api/stock").get_json()}
    assert parts["Motor 2807"] == {
        "part": "Motor 2807",
        "tracked": False,
        "unit": "pcs",
        "on_hand": 14,
        "by_place": {"Kyiv workshop/Box 2": 6, "Lviv warehouse/Rack 1": 8},
    }
    assert parts["ESC 4in1"]["tracked"] is True


def test_what_can_be_built_per_drone_type_with_its_limit_and_lines(shop, client):
    login(client, make_user())
    [quad] = client.get("/api/buildable").get_json()
    # The unit at kitting still needs its frame and ESC: those are not free.
    assert (quad["drone_type"], quad["buildable"], quad["limited_by"]) == (
        "Quad Q7",
        3,
        "Motor 2807",
    )
    assert quad["lines"] == [
        {"part": "Frame", "per_unit": 1, "on_hand": 9},
        {"part": "Motor 2807", "per_unit": 4, "on_hand": 14},
        {"part": "ESC 4in1", "per_unit": 1, "on_hand": 4},
    ]
    assert [site["site"] for site in quad["sites"]] == ["Kyiv workshop", "Lviv warehouse"]


def test_a_lot_and_the_units_that_drew_from_it_by_station_token(shop, client):
    _row, token = stations.create_token("Bench 2", None)
    answer = client.get(
        f"/api/lots/{shop.motors.code.lower()}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    assert answer.get_json() == {
        "code": shop.motors.code,
        "part": "Motor 2807",
        "quantity": 6,
        "place": "Kyiv workshop/Box 2",
        "source": "donation",
        "source_code": "DON-1",
        "units": [shop.unit.serial],
    }
    unknown = client.get("/api/lots/L-404404", headers={"Authorization": f"Bearer {token}"})
    assert unknown.status_code == 404 and unknown.get_json() == {
        "error": "No lot has the code L-404404."
    }


@pytest.mark.parametrize("path", ["/api/stock", "/api/buildable", "/api/lots/{code}"])
def test_without_a_session_or_with_a_bad_token_the_stock_api_answers_401(shop, client, path):
    path = path.format(code=shop.motors.code)
    assert client.get(path).status_code == 401
    bad = client.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401 and shop.motors.code not in bad.get_data(as_text=True)
