"""A bench station's API: a bearer token reads a unit and its limits, posts runs; nothing else."""

import copy

import pytest

from firmware_checks.bench_run import run_check
from firmware_checks.limits import limits_from_mapping
from firmware_checks.simulator import SimulatorServer, uid_for
from tests.helpers import board_uid, login, make_unit, make_user, simulator_documents
from tests.integration.support import audit_events, database_state
from workshop.extensions import db
from workshop.models import BenchRun, StationToken
from workshop.services import fc_config, stations
from workshop.workflow import Role, Stage


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def station(app):
    row, token = stations.create_token("Bench 2 laptop", None)
    return row, token


def test_a_station_reads_the_limits_runs_the_board_and_posts_the_run(app, client, station):
    row, token = station
    unit = make_unit(at=Stage.BENCH_TEST)
    limits = fc_config.save_limits(unit.drone_type, {"gyro": {"max_std_dps": 2.5}}, None)
    golden = fc_config.save_golden(
        unit.drone_type, "set gyro_lpf1_static_hz = 250", ["mcu_id"], "pasted", None
    )

    answer = client.get(f"/api/units/{unit.serial.lower()}/limits", headers=_auth(token))
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["serial"], body["kind"], body["drone_type"]) == (
        unit.serial,
        "bench",
        unit.drone_type.name,
    )
    assert (body["limits_version"], body["golden_version"]) == (limits.id, golden.id)
    assert body["golden"] == "set gyro_lpf1_static_hz = 250"
    station_limits = limits_from_mapping(body["limits"])
    assert station_limits.gyro.max_std_dps == 2.5 and station_limits.config.ignore == ("mcu_id",)

    server = SimulatorServer(
        "127.0.0.1", 0, "healthy", boot_time=0.05, uid=uid_for(unit.serial)
    ).start()
    try:
        document = run_check(server.url, station_limits, body["golden"]).document().to_json()
    finally:
        server.stop()
    posted = client.post(
        f"/api/units/{unit.serial}/bench-runs",
        json=document
        | {
            "kind": body["kind"],
            "limits_version": body["limits_version"],
            "golden_version": body["golden_version"],
        },
        headers=_auth(token),
    )

    assert posted.status_code == 201, posted.get_data(as_text=True)
    reply = posted.get_json()
    assert reply["verdict"] == document["verdict"] and reply["unit_url"].endswith(
        f"/u/{unit.serial}"
    )
    detail = client.get(f"/api/units/{unit.serial}", headers=_auth(token)).get_json()
    assert detail["fc_uid"] == board_uid(unit.serial)
    latest = detail["bench_runs"][0]
    assert (latest["id"], latest["kind"], latest["station"], latest["by"]) == (
        reply["id"],
        "bench",
        "Bench 2 laptop",
        None,
    )
    assert [m["name"] for m in latest["measurements"]] == [
        m["name"] for m in document["measurements"]
    ]
    assert latest["measurements"][0].keys() == {
        "name",
        "value",
        "unit",
        "limit",
        "passed",
        "detail",
    }
    assert latest["at"].endswith("+00:00")
    event = audit_events(unit.serial, "unit.run_bench")[-1]
    assert event.user_id is None and event.after["station"] == "Bench 2 laptop"
    db.session.expire_all()
    assert db.session.get(StationToken, row.id).last_used_at is not None


PATHS = [
    ("get", "/api/units/{serial}"),
    ("get", "/api/units/{serial}/limits"),
    ("post", "/api/units/{serial}/bench-runs"),
]


@pytest.mark.parametrize(("method", "path"), PATHS)
@pytest.mark.parametrize("token", ["missing", "revoked", "wrong", "not bearer"])
def test_without_a_valid_token_the_station_api_answers_401_and_changes_nothing(
    app, client, station, method, path, token
):
    row, plain = station
    unit = make_unit(at=Stage.FLASHING)
    if token == "revoked":
        stations.revoke(row.id, make_user(Role.ADMIN))
    headers = {
        "missing": {},
        "revoked": _auth(plain),
        "wrong": _auth(plain[:-2] + "xx"),
        "not bearer": {"Authorization": f"Basic {plain}"},
    }[token]
    before = database_state()
    kwargs = (
        {"json": simulator_documents()["identity"] | {"kind": "identity"}}
        if method == "post"
        else {}
    )
    response = getattr(client, method)(path.format(serial=unit.serial), headers=headers, **kwargs)
    assert response.status_code == 401
    assert set(response.get_json()) == {"error"} and unit.serial not in response.get_data(
        as_text=True
    )
    assert database_state() == before


def test_a_token_opens_nothing_else(app, client, station):
    _row, token = station
    unit = make_unit()
    assert client.get("/api/units", headers=_auth(token)).status_code == 401
    page = client.get(f"/u/{unit.serial}", headers=_auth(token))
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert client.get("/admin/stations", headers=_auth(token)).status_code == 302


def test_a_logged_in_person_reads_a_unit_but_cannot_post_runs(app, client):
    person = make_user(Role.ADMIN)
    unit = make_unit(at=Stage.BENCH_TEST, builder=person)
    login(client, person)
    detail = client.get(f"/api/units/{unit.serial}").get_json()
    assert [r["kind"] for r in detail["bench_runs"]] == ["identity"] and detail["bench_runs"][0][
        "by"
    ] == person.name
    before = database_state()
    response = client.post(
        f"/api/units/{unit.serial}/bench-runs",
        json=simulator_documents()["bench"] | {"kind": "bench"},
    )
    assert response.status_code == 401
    assert database_state() == before


def test_refusals_say_why_in_english_and_store_nothing(app, client, station):
    _row, token = station
    flashing = make_unit(at=Stage.FLASHING)
    good = copy.deepcopy(simulator_documents()["identity"]) | {"kind": "identity"}
    before = database_state()
    cases = [
        ("/api/units/T7-1999-00009/bench-runs", good, 404, "No unit has the serial"),
        (
            f"/api/units/{flashing.serial}/bench-runs",
            good | {"kind": "bench"},
            409,
            "not at the stage",
        ),
        (
            f"/api/units/{flashing.serial}/bench-runs",
            good | {"verdict": "great"},
            400,
            "verdict must be one of",
        ),
        (
            f"/api/units/{flashing.serial}/bench-runs",
            good | {"limits_version": "1"},
            400,
            "limits_version must be the number of a saved version or null",
        ),
        (f"/api/units/{flashing.serial}/bench-runs", good | {"kind": "smoke"}, 400, "unknown kind"),
        (
            f"/api/units/{flashing.serial}/bench-runs",
            good | {"measurements": [good["measurements"][0] | {"value": float("nan")}]},
            400,
            "measurements[0].value must be a finite number",
        ),
        (
            f"/api/units/{flashing.serial}/bench-runs",
            good | {"limits_version": 999},
            400,
            "version",
        ),
    ]
    for path, body, status, words in cases:
        response = client.post(path, json=body, headers=_auth(token))
        assert response.status_code == status, (path, response.get_data(as_text=True))
        assert words in response.get_json()["error"]
    not_json = client.post(
        f"/api/units/{flashing.serial}/bench-runs", data="verdict=pass", headers=_auth(token)
    )
    assert not_json.status_code == 400
    kitting = make_unit()
    limits = client.get(f"/api/units/{kitting.serial}/limits", headers=_auth(token))
    assert (
        limits.status_code == 409 and "not at flashing or bench test" in limits.get_json()["error"]
    )
    assert client.get("/api/units/T7-1999-00009", headers=_auth(token)).status_code == 404
    assert database_state()["counts"]["bench_runs"] == before["counts"]["bench_runs"]


def test_a_station_of_the_version_before_posts_limits_in_words_and_is_recorded(
    app, client, station
):
    """Its measurements have no limit_spec or detail_spec: stored as they came, words only."""
    _row, token = station
    unit = make_unit(at=Stage.FLASHING)
    old = copy.deepcopy(simulator_documents()["identity"]) | {"kind": "identity"}
    old["probe"]["uid"] = board_uid(unit.serial)
    for m in old["measurements"]:
        m.pop("limit_spec")
        m.pop("detail_spec", None)

    response = client.post(f"/api/units/{unit.serial}/bench-runs", json=old, headers=_auth(token))

    assert response.status_code == 201, response.get_json()
    run = db.session.get(BenchRun, response.get_json()["id"])
    assert [(m.name, m.limit) for m in run.measurements] == [
        (m["name"], m["limit"]) for m in old["measurements"]
    ]
    assert all(m.limit_spec is None and m.detail_spec is None for m in run.measurements)
