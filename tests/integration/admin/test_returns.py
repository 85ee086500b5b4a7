"""A delivered unit back from the field: the coordinator records its return, then repairs it
(through the stages, the bench test and a new review by someone who did none of the repair),
scraps it, or gives it back as is."""

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.helpers import (
    in_english,
    login,
    make_delivered_unit,
    make_place,
    make_unit,
    make_user,
    post,
    record_passing_run,
    reload,
    required_ids,
    workshop_today,
)
from tests.integration.support import (
    audit_events,
    database_state,
    decision_form,
    delivery_form,
    english,
    image_file,
    return_form,
    text,
)
from workshop.extensions import db
from workshop.models import Lot, Photo
from workshop.services import returns, stock
from workshop.services.errors import Invalid
from workshop.services.returns import ReturnInput
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import Role, Stage

YESTERDAY = workshop_today() - timedelta(days=1)


def returned(client, unit, reason="no_video", words=""):
    response = post(
        client, f"/u/{unit.serial}/return", return_form(unit.version, reason, words=words)
    )
    assert response.status_code == 302, text(response)
    return reload(unit)


def test_a_return_is_recorded_with_who_brought_it_when_what_failed_notes_and_photos(
    app, client, coordinator
):
    unit = make_delivered_unit()
    page = text(client.get(f"/u/{unit.serial}"))
    # Brought back, most often, by the unit it was handed to.
    assert "Record a return" in page and 'value="BRAVO-7"' in page
    form = return_form(unit.version, "no_video", " bravo-7 ", YESTERDAY, notes="Camera cable cut")
    form["return-photos"] = [(image_file(), "front.jpg"), (image_file("PNG"), "side.png")]
    response = post(client, f"/u/{unit.serial}/return", form, content_type="multipart/form-data")
    assert response.status_code == 302

    unit = reload(unit)
    assert (unit.stage, unit.status, unit.rework, unit.repair) == (
        "returned",
        "active",
        False,
        False,
    )
    back = unit.returns[-1]
    assert (back.receiver_code, back.returned_on, back.reason, back.notes) == (
        "BRAVO-7",
        YESTERDAY,
        "no_video",
        "Camera cable cut",
    )
    assert back.delivery_id == unit.deliveries[-1].id and back.recorded_by_id == coordinator.id
    assert back.outcome is None and back.decided_at is None
    pictures = db.session.scalars(db.select(Photo).where(Photo.return_id == back.id)).all()
    assert len(pictures) == 2 and all(p.record_id is None for p in pictures)
    assert all((Path(app.config["PHOTO_DIR"]) / p.filename).is_file() for p in pictures)
    event = audit_events(unit.serial, "unit.return")[-1]
    assert (event.before["stage"], event.after["stage"]) == ("delivered", "returned")
    assert (event.after["failure"], event.after["receiver"]) == ("no_video", "BRAVO-7")

    page = text(client.get(f"/u/{unit.serial}"))
    for words in ("Returned", "No video", "Camera cable cut", "Decide about the return"):
        assert words in page, words
    assert "Waiting for the decision." in page and page.count('class="thumb"') == 2
    detail = client.get(f"/api/units/{unit.serial}").get_json()
    assert detail["field_status"] == "returned"
    assert detail["returns"] == [
        {"date": YESTERDAY.isoformat(), "reason": "no_video", "outcome": None}
    ]


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"return-reason": "other", "return-reason_text": "  "}, 403, "Write a few words"),
        ({"return-reason": "meteor"}, 400, "Not a valid choice"),
        ({"return-receiver_code": "BR@VO"}, 400, "Enter the receiving unit&#39;s code"),
        ({"return-receiver_code": ""}, 400, "Some fields need attention"),
        (
            {"return-returned_on": (workshop_today() + timedelta(days=1)).isoformat()},
            400,
            "The return date cannot be in the future.",
        ),
        (
            {"return-returned_on": (workshop_today() - timedelta(days=30)).isoformat()},
            400,
            "it cannot have come back before that.",
        ),
        ({"return-returned_on": "31.02.2026"}, 400, "Some fields need attention"),
        ({"return-notes": "x" * 2001}, 400, "Some fields need attention"),
    ],
)
def test_a_bad_return_says_why_and_changes_nothing(
    app, client, coordinator, change, status, message
):
    unit = make_delivered_unit(days_ago=10)
    before = database_state()
    response = post(client, f"/u/{unit.serial}/return", return_form(unit.version) | change)
    assert response.status_code == status
    assert message in text(response)
    assert database_state() == before


@pytest.mark.parametrize("stage", [Stage.KITTING, Stage.REVIEW])
def test_a_unit_never_handed_over_cannot_come_back(app, client, coordinator, stage):
    unit = make_unit(at=stage)
    before = database_state()
    response = post(client, f"/u/{unit.serial}/return", return_form(unit.version))
    assert response.status_code == 400
    assert "This unit was never handed over, so it cannot come back." in text(response)
    assert database_state() == before


def test_an_unknown_field_failure_is_refused_by_the_service_too(app):
    unit, coordinator = make_delivered_unit(), make_user(Role.ADMIN)
    before = database_state()
    asked = ReturnInput(unit.version, "BRAVO-7", YESTERDAY, "meteor")
    with pytest.raises(Invalid) as refused:
        returns.record_return(unit, coordinator, asked)
    assert in_english(refused.value.message) == "That reason or stage is not one of the choices."
    assert database_state() == before


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.REVIEWER])
def test_only_a_coordinator_records_a_return_or_decides_on_it(app, client, role):
    unit = make_delivered_unit()
    login(client, make_user(role))
    english(client)
    assert "Record a return" not in text(client.get(f"/u/{unit.serial}"))
    before = database_state()
    for path, form in (
        (f"/u/{unit.serial}/return", return_form(unit.version)),
        (f"/u/{unit.serial}/return/repair", decision_form(unit.version)),
    ):
        response = post(client, path, form)
        assert response.status_code == 403 and "Your role may not open this page." in text(response)
    assert database_state() == before


def test_a_repair_goes_through_the_bench_test_and_a_review_by_someone_who_did_none_of_it(
    app, client, coordinator
):
    builder = make_user(Role.REVIEWER, name="Builder")
    unit = make_delivered_unit(builder=builder)
    unit = returned(client, unit, "motor_esc")
    assert "Repair starts at" in text(client.get(f"/u/{unit.serial}"))

    response = post(client, f"/u/{unit.serial}/return/repair", decision_form(unit.version))
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status, unit.rework, unit.repair) == (
        "bench_test",
        "active",
        False,
        True,
    )
    back = unit.returns[-1]
    assert (back.outcome, back.repair_stage, back.decided_by_id) == (
        "repair",
        "bench_test",
        coordinator.id,
    )
    event = audit_events(unit.serial, "unit.repair")[-1]
    assert (event.before["stage"], event.after["stage"], event.after["outcome"]) == (
        "returned",
        "bench_test",
        "repair",
    )

    # The repair: a new bench test on the unit's own board, by a repairer.
    repairer = make_user(Role.REVIEWER, name="Repairer")
    record_passing_run(reload(unit), repairer)
    unit = reload(unit)
    finish_stage(unit, repairer, StageInput(version=unit.version, checked=required_ids(unit)))
    unit = reload(unit)
    assert (unit.stage, unit.repair) == ("review", True)

    desk = app.test_client()
    login(desk, repairer)
    english(desk)
    page = text(desk.get(f"/review/{unit.serial}"))
    assert "You worked on this repair, so you cannot sign it off." in page
    before = database_state()
    refused = post(desk, f"/review/{unit.serial}/approve", {"approve-version": str(unit.version)})
    assert refused.status_code == 403 and "You worked on this repair" in text(refused)
    assert database_state() == before

    # Who built the unit did none of the repair: they may sign it off.
    login(desk, builder)
    approved = post(desk, f"/review/{unit.serial}/approve", {"approve-version": str(unit.version)})
    assert approved.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.repair) == ("approved", True)

    handed = post(client, f"/u/{unit.serial}/deliver", delivery_form(unit.version, "ALFA-2"))
    assert handed.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.repair, unit.rework) == ("delivered", False, False)
    assert [d.receiver_code for d in unit.deliveries] == ["BRAVO-7", "ALFA-2"]

    # The whole life in order, on the unit page and the review page.
    for path in (f"/u/{unit.serial}", f"/review/{unit.serial}"):
        life = text(client.get(path))
        life = life[life.index("Stage records") : life.index("<h2>History</h2>")]
        steps = [
            "to BRAVO-7 on",
            "from BRAVO-7 on",
            "Motor or ESC burnt",
            "Repair</strong> from Bench test",
            "Repair 1",
            "approved",
            "to ALFA-2 on",
        ]
        # Each step found after the one before it: str.index fails on a step out of order.
        position = 0
        for step in steps:
            position = life.index(step, position) + len(step)
    detail = client.get(f"/api/units/{unit.serial}").get_json()
    assert detail["field_status"] == "in_service"
    assert [r["outcome"] for r in detail["returns"]] == ["repair"]


def test_a_returned_unit_is_scrapped_with_words_and_cannot_be_repaired_after(
    app, client, coordinator
):
    unit = returned(client, make_delivered_unit(), "crash")
    before = database_state()
    wordless = post(client, f"/u/{unit.serial}/return/scrap", decision_form(unit.version))
    assert wordless.status_code == 403 and "Write a few words about the reason." in text(wordless)
    assert database_state() == before

    form = decision_form(unit.version, words="Frame and FC burnt")
    assert post(client, f"/u/{unit.serial}/return/scrap", form).status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status, unit.status_note) == (
        "returned",
        "scrapped",
        "Frame and FC burnt",
    )
    back = unit.returns[-1]
    assert (back.outcome, back.outcome_text) == ("scrap", "Frame and FC burnt")
    event = audit_events(unit.serial, "unit.scrap_returned")[-1]
    # The decision is recorded; no good part was named, so nothing is salvaged.
    assert event.after["status"] == "scrapped" and event.after["salvaged"] == []

    before = database_state()
    again = post(client, f"/u/{unit.serial}/return/repair", decision_form(unit.version))
    assert again.status_code == 403
    assert "This unit is scrapped; nothing more can be done to it." in text(again)
    assert database_state() == before
    assert client.get(f"/api/units/{unit.serial}").get_json()["field_status"] == "returned"


def _kitted_from_stock_and_returned(client):
    """A drone kitted from the workshop's shelves, handed over and brought back with its video
    gone: it holds a frame, a flight controller and an ESC from lots of the Kit shelf."""
    make_place("Kyiv workshop/Kit shelf")  # the workshop keeps stock: units draw their kits
    unit = make_delivered_unit()
    assert reload(unit).site is not None
    return returned(client, unit, "crash")


def _scrap_salvaging(client, unit, salvaged: dict[str, str], place: str = ""):
    form = decision_form(unit.version, words="Frame broken, electronics fine")
    lines = {item.name: item.id for item in unit.drone_type.bom}
    form |= {f"salvage-{lines[name]}": typed for name, typed in salvaged.items()}
    form["salvage-place"] = place
    return post(client, f"/u/{unit.serial}/return/scrap", form)


def test_a_returned_drone_scrapped_at_the_workshop_salvages_its_good_parts_into_stock(
    app, client, coordinator
):
    unit = _kitted_from_stock_and_returned(client)
    page = text(client.get(f"/u/{unit.serial}"))
    assert "When scrapping: good parts to salvage…" in page and 'name="salvage-place"' in page

    response = _scrap_salvaging(client, unit, {"Flight controller": "1", "ESC": "1", "Frame": ""})

    assert response.status_code == 302, text(response)[-2000:]
    unit = reload(unit)
    assert (unit.stage, unit.status) == ("returned", "scrapped")
    made = db.session.scalars(sa.select(Lot).where(Lot.source == "salvage").order_by(Lot.id)).all()
    assert [(lot.part.name, lot.quantity, lot.source_code) for lot in made] == [
        ("Flight controller", 1, unit.serial),
        ("ESC", 1, unit.serial),
    ]
    # Where their pieces were drawn from; the scrap's audit event names the salvage lots.
    assert {lot.place.path for lot in made} == {"Kyiv workshop/Kit shelf"}
    event = audit_events(unit.serial, "unit.scrap_returned")[-1]
    assert event.after["salvaged"] == [lot.code for lot in made]
    assert f"Salvaged into {made[0].code}, {made[1].code}." in text(client.get(f"/u/{unit.serial}"))
    held = stock.in_unit(stock.unit_holdings(unit.id))
    assert held == {next(i.id for i in unit.drone_type.bom if i.name == "Frame"): 1}
    assert stock.disagreements() == []


@pytest.mark.parametrize(
    ("salvaged", "says"),
    [
        ({"ESC": "2"}, "ESC: only 1 are in this unit, not 2."),
        ({"ESC": "1.5"}, "not “1.5”"),
        ({"ESC": "-1"}, "not “-1”"),
    ],
)
def test_a_salvage_past_what_the_returned_drone_holds_scraps_nothing(
    app, client, coordinator, salvaged, says
):
    unit = _kitted_from_stock_and_returned(client)
    before = database_state()

    response = _scrap_salvaging(client, unit, salvaged)

    assert response.status_code == 400
    assert says in text(response)
    assert database_state() == before
    assert reload(unit).status == "active"


def test_a_unit_with_no_fault_is_given_back_as_is_to_whoever_brought_it(app, client, coordinator):
    unit = returned(client, make_delivered_unit(receiver="BRAVO-7"), "no_fault")
    before = database_state()
    wordless = post(client, f"/u/{unit.serial}/return/give-back", decision_form(unit.version))
    assert wordless.status_code == 403
    assert database_state() == before

    form = decision_form(unit.version, words="Bench test passed, no fault found")
    assert post(client, f"/u/{unit.serial}/return/give-back", form).status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status, unit.repair) == ("delivered", "active", False)
    again = unit.deliveries[-1]
    assert (again.receiver_code, again.delivered_on, again.handed_over_by_id) == (
        "BRAVO-7",
        workshop_today(),
        coordinator.id,
    )
    assert unit.returns[-1].outcome == "give_back"
    assert client.get(f"/api/units/{unit.serial}").get_json()["field_status"] == "in_service"
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Given back as is" in page and "Bench test passed, no fault found" in page


@pytest.mark.parametrize(
    ("decision", "form", "status", "message"),
    [
        ("repair", {"decide-stage": "review"}, 400, "Not a valid choice"),
        ("repair", {"decide-stage": ""}, 403, "Choose the stage the repair starts at."),
        ("repair", {"decide-text": "x" * 2001}, 400, "Some fields need attention"),
    ],
)
def test_a_bad_decision_says_why_and_changes_nothing(
    app, client, coordinator, decision, form, status, message
):
    unit = returned(client, make_delivered_unit())
    before = database_state()
    response = post(
        client, f"/u/{unit.serial}/return/{decision}", decision_form(unit.version) | form
    )
    assert response.status_code == status
    assert message in text(response)
    assert database_state() == before


@pytest.mark.parametrize("decision", ["repair", "scrap", "give-back"])
def test_only_a_returned_unit_takes_a_decision(app, client, coordinator, decision):
    unit = make_delivered_unit()
    before = database_state()
    form = decision_form(unit.version, words="because")
    response = post(client, f"/u/{unit.serial}/return/{decision}", form)
    assert response.status_code == 403
    assert "This cannot be done while the unit is at Delivered." in text(response)
    assert database_state() == before
