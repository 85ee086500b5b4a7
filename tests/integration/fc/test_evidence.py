"""Checklist items tied to evidence tick themselves from what the app proved (the parts scanned,
a passing reading, bench test or motor check), say which run proves them, and cannot be ticked
by hand; a passed run's page finishes the stage or starts the run still needed."""

import re

import pytest

from firmware_checks.run_document import RunKind
from tests.helpers import (
    login,
    make_unit,
    make_user,
    post,
    record_passing_run,
    reload,
    required_ids,
)
from tests.integration.fc.runs import start_from_page, stored
from tests.integration.support import database_state, english, finish, text
from workshop.extensions import db
from workshop.models import StageRecord
from workshop.services import drone_types
from workshop.services.drone_types import BomLine
from workshop.workflow import Role, Stage

CHECKLISTS = {
    "kitting": "Every part on the tray\nSerials scanned #parts",
    "soldering": "Joints shiny",
    "flashing": "Firmware written #reading\n? Golden configuration #golden",
    "bench_test": "Gyro answers #bench\nVideo in the goggles\nMotors turn the right way #motors",
}


@pytest.fixture
def proved_type(app):
    bom = [BomLine("Frame"), BomLine("Flight controller", 1, True)]
    checklists = drone_types.parse_checklists(CHECKLISTS)
    return drone_types.save_type(None, "Type P7", "P7", True, bom, checklists, None)


@pytest.fixture
def volunteer(app, client, proved_type):
    person = make_user()
    login(client, person)
    english(client)
    return person


def item(unit, text_: str):
    return next(i for i in unit.drone_type.checklist if i.text == text_)


def test_the_editor_reads_the_marks_and_writes_them_back(proved_type):
    bench = [i for i in proved_type.checklist_for("bench_test")]
    assert [(i.text, i.evidence) for i in bench] == [
        ("Gyro answers", "bench_passed"),
        ("Video in the goggles", None),
        ("Motors turn the right way", "motors_checked"),
    ]
    assert drone_types.render_checklist(proved_type, "flashing") == (
        "Firmware written #reading\n? Golden configuration #golden"
    )


def test_a_mark_that_cannot_prove_an_item_of_its_stage_is_refused(app, client):
    coordinator = make_user(Role.ADMIN)
    login(client, coordinator)
    english(client)
    before = database_state()

    response = post(
        client,
        "/admin/types/new",
        {"name": "Type Q", "prefix": "Q1", "bom": "1 x Frame", "checklist_soldering": "Hot #bench"},
    )

    assert response.status_code == 400
    assert "“#bench” cannot prove an item of this checklist: Hot" in text(response)
    assert database_state() == before


def test_an_item_tied_to_a_run_cannot_be_ticked_by_hand_without_it(client, volunteer, proved_type):
    unit = make_unit(proved_type, volunteer, at=Stage.BENCH_TEST)
    record_passing_run(unit, volunteer)  # the bench test passed; no motor check yet
    motors = item(unit, "Motors turn the right way")
    before = database_state()

    response = finish(client, unit, [*required_ids(unit), motors.id])

    assert response.status_code == 403
    assert (
        "These items tick themselves when the app has proved them; they cannot be ticked by "
        "hand: Motors turn the right way." in text(response)
    )
    assert database_state() == before


def test_without_its_evidence_a_required_item_keeps_the_stage_open(client, volunteer, proved_type):
    unit = make_unit(proved_type, volunteer, at=Stage.BENCH_TEST)
    record_passing_run(unit, volunteer)
    before = database_state()

    response = finish(client, unit, required_ids(unit))

    assert response.status_code == 403
    assert "Not proved yet: Motors turn the right way." in text(response)
    assert database_state() == before


def test_proved_items_tick_themselves_and_the_record_names_the_runs(client, volunteer, proved_type):
    unit = make_unit(proved_type, volunteer, at=Stage.BENCH_TEST)
    bench = record_passing_run(unit, volunteer)
    motors = record_passing_run(unit, volunteer, RunKind.MOTORS)

    page = text(client.get(f"/u/{unit.serial}"))
    assert f'<a class="check proof proved" href="/runs/{bench.id}"' in page
    assert f'<a class="check proof proved" href="/runs/{motors.id}"' in page
    response = finish(client, unit, required_ids(unit))

    assert response.status_code == 302
    record = db.session.scalars(
        db.select(StageRecord).where(StageRecord.stage == "bench_test")
    ).one()
    assert [(a["text"], a["checked"], a.get("run_id")) for a in record.answers] == [
        ("Gyro answers", True, bench.id),
        ("Video in the goggles", True, None),
        ("Motors turn the right way", True, motors.id),
    ]
    assert reload(unit).stage == "review"


def test_the_parts_scanned_tick_their_item_at_kitting(client, volunteer, proved_type):
    unit = make_unit(proved_type, volunteer)  # its tracked part has its code

    response = finish(client, unit, required_ids(unit))

    assert response.status_code == 302 and reload(unit).stage == "soldering"
    answers = db.session.scalars(db.select(StageRecord)).one().answers
    assert answers[1] == {
        "item_id": item(unit, "Serials scanned").id,
        "text": "Serials scanned",
        "required": True,
        "checked": True,
        "evidence": "parts_scanned",
    }


def test_finish_says_what_is_missing_and_is_the_main_button_when_nothing_is(
    client, volunteer, proved_type
):
    unit = make_unit(proved_type, volunteer, with_parts=False)

    page = text(client.get(f"/u/{unit.serial}"))

    button = re.search(
        r'<button type="submit" id="finish-button" class="([^"]*)".*?</button>', page, re.S
    )
    assert button and button.group(1) == "finish"
    assert 'Still needed: <span class="finish-what">1 item to tick, 1 part code to scan</span>' in (
        button.group(0)
    )
    assert (
        'Next:</strong> <span id="next-step">Pick the parts, scan the tracked parts, tick the'
        in page
    )


def test_a_passed_reading_finishes_flashing_from_its_page(client, volunteer, proved_type, sim_port):
    unit = make_unit(proved_type, volunteer, at=Stage.FLASHING)
    run = stored(start_from_page(client, unit.serial, "identity", sim_port("healthy").id))

    page = text(client.get(f"/runs/{run.id}"))

    assert f'action="/u/{unit.serial}/finish"' in page and 'id="finish-button"' in page
    # The optional golden configuration is offered, never asked.
    assert "Needs: the golden configuration applied" in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert version
    response = finish(client, unit, [], version=int(version.group(1)))
    assert response.status_code == 302 and reload(unit).stage == "bench_test"


def test_a_passed_bench_test_names_the_run_still_needed(client, volunteer, proved_type, sim_port):
    unit = make_unit(proved_type, volunteer, at=Stage.BENCH_TEST)
    run = stored(start_from_page(client, unit.serial, "bench", sim_port("healthy").id))

    page = text(client.get(f"/runs/{run.id}"))

    assert 'id="finish-form"' not in page
    assert "Still needed:</strong> a passing motor check" in page
    assert f'id="next-run" href="/u/{unit.serial}/fc/motors"' in page


def test_the_flight_controller_panel_makes_the_run_still_needed_its_main_button(
    client, volunteer, proved_type, sim_port
):
    unit = make_unit(proved_type, volunteer, at=Stage.FLASHING)
    before = text(client.get(f"/u/{unit.serial}"))
    assert 'class="button primary" id="fc-read"' in before
    stored(start_from_page(client, unit.serial, "identity", sim_port("healthy").id))

    after = text(client.get(f"/u/{unit.serial}"))

    # Read and passed: the reading is shown with its board, and reading again is no longer the
    # main button; what is left is said in the next line.
    assert 'class="button" id="fc-read"' in after
    assert "board SITL, target SITL" in after
    assert 'Next:</strong> <span id="next-step">Optionally apply the golden configuration' in after
