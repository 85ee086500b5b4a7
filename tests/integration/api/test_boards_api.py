"""GET /api/boards/<uid>: which unit a flight controller belongs to, for a logged-in person or a
bench station's token."""

import pytest

from tests.helpers import board_uid, login, make_unit, make_user
from workshop.services import stations
from workshop.workflow import Role, Stage


def test_a_bound_board_answers_its_unit_to_a_session_and_to_a_station(app, client):
    unit = make_unit(at=Stage.BENCH_TEST)  # its flashing reading bound the board
    uid = board_uid(unit.serial)
    login(client, make_user())
    assert client.get(f"/api/boards/{uid.upper()}").get_json() == {
        "fc_uid": uid,
        "serial": unit.serial,
    }
    _row, token = stations.create_token("Bench 2", make_user(Role.ADMIN))
    answer = app.test_client().get(
        f"/api/boards/{uid}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200 and answer.get_json()["serial"] == unit.serial


def test_a_board_no_unit_has_is_404_naming_the_board(app, client):
    login(client, make_user())
    answer = client.get("/api/boards/00112233445566778899aabb")
    assert answer.status_code == 404
    assert answer.get_json()["fc_uid"] == "00112233445566778899aabb"
    assert answer.get_json()["error"].startswith("No unit has the board 00112233445566778899aabb")


@pytest.mark.parametrize("uid", ["not-a-board", "zz112233", "ab"])
def test_what_is_no_board_id_is_400(app, client, uid):
    login(client, make_user())
    answer = client.get(f"/api/boards/{uid}")
    assert answer.status_code == 400
    assert "is not a board's unique id" in answer.get_json()["error"]


def test_without_a_login_or_with_a_revoked_token_nothing_is_told(app, client):
    unit = make_unit(at=Stage.BENCH_TEST)
    uid = board_uid(unit.serial)
    assert client.get(f"/api/boards/{uid}").status_code == 401
    row, token = stations.create_token("Old laptop", None)
    stations.revoke(row.id, make_user(Role.ADMIN))
    answer = client.get(f"/api/boards/{uid}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and "serial" not in answer.get_json()
