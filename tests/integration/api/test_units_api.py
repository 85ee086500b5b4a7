"""The JSON read API: units and one unit's history, for a logged-in session only."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import login, make_drone_type, make_unit, make_user, post, reload, required_ids
from tests.integration.support import finish
from workshop.workflow import Role, Stage

PATHS = [
    "/api/units",
    "/api/units?stage=review",
    "/api/units/{serial}",
    "/api/units/{serial_lower}",
    "/api/units/NOPE-2020-00001",
]


@pytest.mark.parametrize("path", PATHS)
def test_without_a_session_the_api_answers_401_and_never_data(app, client, path):
    unit = make_unit(at=Stage.REVIEW)
    response = client.get(path.format(serial=unit.serial, serial_lower=unit.serial.lower()))
    assert response.status_code == 401
    assert response.is_json and response.get_json() == {"error": "login required"}
    assert unit.serial not in response.get_data(as_text=True)


def test_a_forged_or_foreign_session_cookie_gets_401(app, client):
    unit = make_unit()
    client.set_cookie("session", "eyJfdXNlcl9pZCI6IjEifQ.forged.signature")
    response = client.get(f"/api/units/{unit.serial}")
    assert response.status_code == 401 and unit.serial not in response.get_data(as_text=True)


def test_after_logging_out_the_api_answers_401(app, client):
    user = make_user()
    unit = make_unit(builder=user)
    login(client, user)
    assert client.get("/api/units").status_code == 200
    assert post(client, "/logout").status_code == 302
    response = client.get(f"/api/units/{unit.serial}")
    assert response.status_code == 401 and unit.serial not in response.get_data(as_text=True)


def test_the_list_gives_serial_type_stage_and_status_and_filters_by_stage(app, client):
    volunteer = make_user()
    seven = make_drone_type("FPV7", "FPV 7")
    at_kitting = make_unit(seven, volunteer)
    at_review = make_unit(seven, volunteer, at=Stage.REVIEW)
    also_review = make_unit(seven, volunteer, at=Stage.REVIEW)
    login(client, volunteer)
    units = client.get("/api/units").get_json()["units"]
    assert [u["serial"] for u in units] == [at_kitting.serial, at_review.serial, also_review.serial]
    assert units[0] == {
        "serial": at_kitting.serial,
        "type": "FPV 7",
        "stage": "kitting",
        "status": "active",
        "rework": False,
    }
    review = client.get("/api/units", query_string={"stage": "review"}).get_json()["units"]
    assert [u["serial"] for u in review] == [at_review.serial, also_review.serial]
    assert client.get("/api/units", query_string={"stage": "delivered"}).get_json() == {"units": []}
    bad = client.get("/api/units", query_string={"stage": "garage"})
    assert bad.status_code == 400 and "garage" in bad.get_json()["error"]
    assert "kitting" in bad.get_json()["stages"]


def test_one_unit_gives_its_parts_and_history(app, client):
    volunteer = make_user(name="Sokil")
    unit = make_unit(builder=volunteer, with_parts=False)
    login(client, volunteer)
    for name, code in (("Flight controller", "fc-77"), ("ESC", "esc-lot-5")):
        item = next(i for i in unit.drone_type.bom if i.name == name)
        data = {
            "part-version": str(reload(unit).version),
            "part-bom_item": str(item.id),
            "part-code": code,
        }
        assert post(client, f"/u/{unit.serial}/parts", data).status_code == 302
    assert finish(client, unit, required_ids(reload(unit)), "kit ok").status_code == 302
    body = client.get(f"/api/units/ {unit.serial.lower()} ").get_json()
    assert (
        body["serial"] == unit.serial
        and body["stage"] == "soldering"
        and body["status"] == "active"
    )
    assert body["version"] == reload(unit).version
    assert body["parts"] == [
        {"part": "Flight controller", "code": "FC-77", "in_unit": True},
        {"part": "ESC", "code": "ESC-LOT-5", "in_unit": True},
    ]
    assert [h["action"] for h in body["history"]] == [
        "unit.create",
        "unit.part",
        "unit.part",
        "unit.finish",
    ]
    assert all(h["who"] == "Sokil" for h in body["history"])
    last = body["history"][-1]
    assert last["before"]["stage"] == "kitting" and last["after"]["stage"] == "soldering"
    assert last["after"]["note"] == "kit ok"


def test_an_unknown_unit_is_404(app, client):
    login(client, make_user(Role.REVIEWER))
    response = client.get("/api/units/T7-2020-00042")
    assert response.status_code == 404
    assert response.is_json and list(response.get_json()) == ["error"]
    assert "T7-2020-00042" in response.get_json()["error"]


def test_every_time_in_the_api_is_utc_with_its_offset_on_any_database(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    login(client, volunteer)
    body = client.get(f"/api/units/{unit.serial}").get_json()
    stamps = [body["created_at"]] + [entry["at"] for entry in body["history"]]
    assert len(stamps) >= 4
    for stamp in stamps:
        assert stamp.endswith("+00:00"), stamp
        assert datetime.fromisoformat(stamp).utcoffset() == timedelta(0)
    stored = reload(unit).created_at  # naive from SQLite, aware from PostgreSQL; UTC either way
    assert datetime.fromisoformat(body["created_at"]) == (
        stored if stored.tzinfo else stored.replace(tzinfo=UTC)
    )
