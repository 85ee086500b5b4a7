"""Issue 12, point 2: every text field refuses control characters (a NUL byte above all; line
breaks and tabs are fine in a multi-line note) and anything longer than its column holds; a
station's document has a size limit and refuses what is not finite or not plain text. Each
refusal names the field, and nothing is stored."""

import copy
import json

import pytest
import sqlalchemy as sa

from tests.helpers import csrf_token, make_drone_type, make_unit, post, reload, simulator_documents
from tests.integration.support import database_state, english, status_form, text
from workshop.extensions import db
from workshop.models import StageRecord
from workshop.services import stations
from workshop.workflow import Stage

NUL = "Motor\x00 2807"
CONTROL = "it holds a control character (such as a NUL byte); type it again without"


def _attention(response) -> str:
    return text(response).replace("&#34;", '"').replace("&#39;", "'")


def test_a_note_with_a_nul_byte_is_refused_naming_the_note(app, client, volunteer):
    unit = make_unit(builder=volunteer)
    before = database_state()
    response = post(
        client,
        f"/u/{unit.serial}/finish",
        {"version": str(unit.version), "note": "cold joint\x00fixed"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert f"Some fields need attention: Note: {CONTROL}" in _attention(response)
    assert database_state() == before


def test_a_note_keeps_its_line_breaks_and_tabs(app, client, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.SOLDERING)
    note = "Motor 1:\tresoldered\r\nMotor 2:\tok"
    items = [str(i.id) for i in unit.drone_type.checklist_for("soldering") if i.required]
    response = post(
        client,
        f"/u/{unit.serial}/finish",
        {"version": str(unit.version), "note": note, "item": items},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    record = db.session.scalars(sa.select(StageRecord).order_by(StageRecord.id.desc())).first()
    assert record.note == note


@pytest.mark.parametrize(
    ("text_sent", "problem"),
    [("waiting for\x00a motor", CONTROL), ("x" * 501, "at most 500 characters")],
)
def test_a_hold_reason_with_a_nul_byte_or_too_long_is_refused(
    app, client, volunteer, text_sent, problem
):
    unit = make_unit(builder=volunteer)
    before = database_state()
    response = post(client, f"/u/{unit.serial}/status/hold", status_form(unit.version, text_sent))
    assert response.status_code == 400
    assert f"Some fields need attention: Reason: {problem}" in _attention(response)
    assert database_state() == before
    assert reload(unit).status == "active"


def test_a_part_code_with_a_nul_byte_is_refused(app, client, volunteer):
    unit = make_unit(builder=volunteer, with_parts=False)
    item = next(i for i in unit.drone_type.bom if i.tracked)
    before = database_state()
    response = post(
        client,
        f"/u/{unit.serial}/parts",
        {"part-version": str(unit.version), "part-bom_item": str(item.id), "part-code": "LOT\x001"},
    )
    assert response.status_code == 400
    assert f"Serial or lot code: {CONTROL}" in _attention(response)
    assert database_state() == before


@pytest.mark.parametrize("name", ["Sokil\x00", "Sokil\x1b[31m", "Sokil\u0085"])
def test_an_account_name_with_a_control_character_is_refused(app, client, coordinator, name):
    before = database_state()
    response = post(
        client, "/admin/users", {"new-name": name, "new-role": "volunteer", "new-pin": "4821"}
    )
    assert response.status_code == 400
    assert CONTROL in _attention(response)
    assert database_state() == before


def test_a_drone_type_name_with_a_nul_byte_is_refused(app, client, coordinator):
    before = database_state()
    response = post(client, "/admin/types/new", {"name": "FPV\x007", "prefix": "FPV7", "bom": ""})
    assert response.status_code == 400
    assert CONTROL in _attention(response)
    assert database_state() == before


def test_a_bill_of_materials_with_a_nul_byte_is_refused(app, client, coordinator):
    before = database_state()
    response = post(
        client, "/admin/types/new", {"name": "FPV 7", "prefix": "FPV7", "bom": f"4 x {NUL}"}
    )
    assert response.status_code == 400
    assert CONTROL in _attention(response)
    assert database_state() == before


def test_a_limit_with_a_nul_byte_is_refused_naming_the_limit(app, client, coordinator):
    drone_type = make_drone_type()
    before = database_state()
    response = post(
        client,
        f"/admin/types/{drone_type.id}/limits",
        {"firmware.variants": "BTFL", "board.target": "STM32\x00F405"},
    )
    assert response.status_code == 400
    assert f"“Target name (empty: not checked)”: {CONTROL}." in _attention(response)
    assert database_state() == before


def test_a_station_name_with_a_nul_byte_is_refused(app, client, coordinator):
    before = database_state()
    response = post(client, "/admin/stations", {"name": "Bench\x002"})
    assert response.status_code == 400
    assert CONTROL in _attention(response)
    assert database_state() == before


def test_a_batch_of_labels_with_a_nul_byte_is_refused_naming_the_field(app, client, coordinator):
    make_unit()
    response = post(
        client, "/labels", {"kind": "list", "serials": "T7-2026-00001\x00", "stock": "62x29"}
    )
    assert response.status_code == 400
    assert f"Serials, one per line or scanned: {CONTROL}" in _attention(response)


def test_a_scan_with_a_nul_byte_is_refused(app, client, volunteer):
    unit = make_unit(builder=volunteer)
    response = post(client, "/scan", {"code": unit.serial + "\x00"})
    assert response.status_code == 400
    assert "The scan could not be read. Scan again." in text(response)


def test_a_login_name_with_a_nul_byte_is_refused_without_a_lookup(app, client):
    english(client)
    before = database_state()
    response = client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": "Sokil\x00", "pin": "1234"}
    )
    assert response.status_code == 400
    assert CONTROL in _attention(response)
    assert database_state() == before


# A station's run document ------------------------------------------------------------------


@pytest.fixture
def station_post(app, client):
    unit = make_unit(at=Stage.BENCH_TEST)
    _row, token = stations.create_token("Bench 2", None)

    def send(document: dict | None = None, **kwargs):
        body = {"data": json.dumps(document), "content_type": "application/json"}
        return client.post(
            f"/api/units/{unit.serial}/bench-runs",
            headers={"Authorization": f"Bearer {token}"},
            **(kwargs or body),
        )

    return send


def _document(**changes) -> dict:
    return copy.deepcopy(simulator_documents()["bench"]) | {"kind": "bench"} | changes


def test_a_run_reason_of_five_million_characters_is_refused_by_its_size(app, station_post):
    before = database_state()
    response = station_post(_document(reason="x" * 5_000_000))
    assert response.status_code == 413
    assert response.get_json() == {"error": "the body is larger than 1048576 bytes"}
    assert database_state() == before


def test_a_run_reason_longer_than_a_reason_is_refused_naming_it(app, station_post):
    before = database_state()
    response = station_post(_document(reason="x" * 2001))
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "The run document is not valid: reason must be text of at most 2000 characters"
    }
    assert database_state() == before


@pytest.mark.parametrize("time", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_transcript_time_that_is_not_finite_is_refused_naming_it(app, station_post, time):
    document = _document()
    raw = json.dumps(document).replace(
        f'"t": {json.dumps(document["transcript"][0]["t"])}', f'"t": {time}', 1
    )
    before = database_state()
    response = station_post(data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(
        "The run document is not valid: transcript[0].t must be a finite number"
    )
    assert database_state() == before


@pytest.mark.parametrize(
    ("where", "change", "problem"),
    [
        ("reason", lambda d: d.update(reason="no\x00gyro"), "reason must not hold control"),
        (
            "measurement name",
            lambda d: d["measurements"][0].update(name="gyro\x00"),
            "measurements[0].name must not hold control characters",
        ),
        (
            "probe",
            lambda d: d["probe"].update(target="STM32\x00"),
            "probe.target must not hold control characters",
        ),
        (
            "limits",
            lambda d: d["limits"]["board"].update(target="STM32\x1b"),
            "limits.board.target must not hold control characters",
        ),
        (
            "half a surrogate pair",
            lambda d: d["transcript"][0].update(data="\ud800"),
            "transcript[0].data must not hold half a surrogate pair",
        ),
        ("url", lambda d: d.update(url="socket://" + "x" * 300), "url must be text of at most"),
    ],
)
def test_a_run_document_with_control_characters_is_refused_naming_the_field(
    app, station_post, where, change, problem
):
    document = _document()
    change(document)
    before = database_state()
    response = station_post(document)
    assert response.status_code == 400, where
    assert problem in response.get_json()["error"]
    assert database_state() == before


def test_a_transcript_keeps_what_the_wire_said_control_characters_and_all(app, station_post):
    document = _document()
    document["transcript"][0]["data"] = "# \x1b[2K\r\n"
    response = station_post(document)
    assert response.status_code == 201
