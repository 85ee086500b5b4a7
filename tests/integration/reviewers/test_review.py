"""The reviewer's sign-off: the queue, approval by a second person, rejection, the frozen record."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import login, make_unit, make_user, pass_checks, post, reload, required_ids
from tests.integration.support import (
    audit_events,
    database_state,
    english,
    finish,
    image_file,
    page_version,
    rework_form,
    status_form,
    text,
)
from workshop.extensions import db
from workshop.models import Review
from workshop.services import bench_runs
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import Role, Stage

FOUR_EYES = "You worked on this unit, so you cannot sign it off. Another reviewer must do it."
FROZEN = "This unit is signed off and frozen."


@pytest.fixture
def volunteer(app):
    return make_user(Role.VOLUNTEER)


@pytest.fixture
def reviewer(app, client):
    person = make_user(Role.REVIEWER)
    login(client, person)
    english(client)
    return person


def _approve(client, unit, words: str = "", version: int | None = None):
    version = reload(unit).version if version is None else version
    return post(
        client,
        f"/review/{unit.serial}/approve",
        {"approve-version": str(version), "approve-text": words},
    )


def _reject(client, unit, reason: str, stage: str = "", words: str = ""):
    return post(
        client,
        f"/review/{unit.serial}/reject",
        rework_form("reject", reload(unit).version, reason, stage, words),
    )


def test_the_queue_lists_units_waiting_for_review_oldest_first(app, client, reviewer, volunteer):
    waiting = [make_unit(builder=volunteer, at=Stage.REVIEW) for _ in range(3)]
    not_yet = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    held = make_unit(builder=volunteer, at=Stage.REVIEW)
    held.status = "on_hold"
    now = datetime.now(UTC)
    # The newest unit has waited longest: the queue follows the wait, not the serial.
    for unit, hours in zip(waiting, (1, 5, 30), strict=True):
        unit.stage_since = now - timedelta(hours=hours)
    db.session.commit()
    page = text(client.get("/review/"))
    positions = [page.index(u.serial) for u in (waiting[2], waiting[1], waiting[0])]
    assert positions == sorted(positions)
    assert not_yet.serial not in page and held.serial not in page


def test_an_empty_queue_says_so(app, client, reviewer):
    assert "No unit is waiting for review." in text(client.get("/review/"))


def test_the_review_page_shows_the_whole_traveler(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    page = text(client.get(f"/review/{unit.serial}"))
    assert unit.serial in page and "Sign-off" in page and "Approve" in page
    for stage in ("Kitting", "Soldering", "Flashing", "Bench test"):
        assert stage in page
    assert volunteer.name in page and "History" in page


def test_another_reviewer_approves_and_the_unit_is_signed_off(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    response = _approve(client, unit, "clean build")
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status, unit.rework) == ("approved", "active", False)
    review = db.session.scalars(db.select(Review)).one()
    assert (review.decision, review.reviewer_id, review.note) == (
        "approved",
        reviewer.id,
        "clean build",
    )
    event = audit_events(unit.serial, "unit.approve")[-1]
    assert (
        event.user_id == reviewer.id
        and event.before["stage"] == "review"
        and event.after["stage"] == "approved"
    )
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Signed off: the build record is frozen." in page and "clean build" in page


@pytest.mark.parametrize("step", ["finished", "failed"])
def test_a_reviewer_who_did_any_step_cannot_sign_it_off_and_the_page_says_why(
    app, client, reviewer, volunteer, step
):
    unit = make_unit(builder=volunteer, at=Stage.SOLDERING)
    if step == "finished":
        assert finish(client, unit, required_ids(unit)).status_code == 302
    else:
        # Only failing a stage (the volunteer does all the rework) still counts as a step.
        assert (
            post(
                client, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, "short")
            ).status_code
            == 302
        )
    unit = reload(unit)
    while unit.stage != "review":
        pass_checks(unit, volunteer)
        finish_stage(unit, volunteer, StageInput(version=unit.version, checked=required_ids(unit)))
        unit = reload(unit)
    page = text(client.get(f"/review/{unit.serial}"))
    assert FOUR_EYES in page
    assert "/approve" not in page
    before = database_state()
    response = _approve(client, unit)
    assert response.status_code == 403
    assert FOUR_EYES in text(response)
    assert database_state() == before
    # Another reviewer may.
    other = app.test_client()
    login(other, make_user(Role.REVIEWER))
    assert _approve(other, unit).status_code == 302
    assert reload(unit).stage == "approved"


def test_an_admin_who_built_the_unit_cannot_sign_it_off_either(app, client):
    boss = make_user(Role.ADMIN)
    unit = make_unit(builder=boss, at=Stage.REVIEW)
    login(client, boss)
    english(client)
    before = database_state()
    response = _approve(client, unit)
    assert response.status_code == 403 and FOUR_EYES in text(response)
    assert database_state() == before


@pytest.mark.parametrize(
    ("reason", "stage", "target"),
    [
        ("cold_joint", "", "soldering"),
        ("short", "", "soldering"),
        ("reversed_polarity", "", "soldering"),
        ("damaged_part", "", "kitting"),
        ("wrong_firmware", "", "flashing"),
        ("failed_bench_test", "", "soldering"),
        ("other", "bench_test", "bench_test"),
        ("other", "", "kitting"),
    ],
)
def test_a_rejection_sends_the_unit_back_as_rework(
    app, client, reviewer, volunteer, reason, stage, target
):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    response = _reject(client, unit, reason, stage, "see the photos")
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status, unit.rework) == (target, "active", True)
    review = db.session.scalars(db.select(Review)).one()
    assert (review.decision, review.reason, review.rework_to) == ("rejected", reason, target)
    page = text(client.get(f"/u/{unit.serial}"))
    assert "rejected" in page and "Rework" in page


def test_a_rejection_without_words_for_other_changes_nothing(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    before = database_state()
    response = _reject(client, unit, "other")
    assert response.status_code == 403 and "Write a few words about the reason." in text(response)
    assert database_state() == before


def test_a_reworked_unit_comes_back_to_the_queue_and_needs_a_new_review(
    app, client, reviewer, volunteer
):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    assert _reject(client, unit, "wrong_firmware").status_code == 302
    bench = app.test_client()
    login(bench, volunteer)
    for _ in range(2):  # flashing and bench test again, each with a fresh passing run
        pass_checks(reload(unit), volunteer)
        assert finish(bench, unit, required_ids(reload(unit))).status_code == 302
    unit = reload(unit)
    assert unit.stage == "review" and unit.rework
    assert unit.serial in text(client.get("/review/"))
    assert _approve(client, unit).status_code == 302
    assert not reload(unit).rework


def test_a_signed_off_unit_is_frozen(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    assert _approve(client, unit).status_code == 302
    unit = reload(unit)
    bench = app.test_client()
    login(bench, volunteer)
    english(bench)
    page = text(bench.get(f"/u/{unit.serial}"))
    assert "Signed off: the build record is frozen." in page
    assert 'id="finish-form"' not in page and "Add photo" not in page
    before = database_state()
    for response in (
        finish(bench, unit, required_ids(unit)),
        post(bench, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, "short")),
        post(
            bench,
            f"/u/{unit.serial}/photo",
            {"version": str(unit.version), "photo": (image_file(), "a.jpg")},
            content_type="multipart/form-data",
        ),
    ):
        assert response.status_code == 403
        assert FROZEN in text(response)
    response = _approve(client, unit)
    assert response.status_code == 403
    assert database_state() == before


def test_rejecting_an_approved_unit_reopens_it_for_a_new_review(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    assert _approve(client, unit).status_code == 302
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Reopen for rework (needs a new review)" in page
    assert _reject(client, unit, "damaged_part", words="cracked arm found").status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.rework) == ("kitting", True)
    decisions = [(r.decision, r.rework_to) for r in unit.reviews]
    assert decisions == [("approved", None), ("rejected", "kitting")]


def test_a_volunteer_cannot_approve_or_reject(app, client, volunteer):
    unit = make_unit(builder=make_user(), at=Stage.REVIEW)
    login(client, volunteer)
    english(client)
    before = database_state()
    assert client.get("/review/").status_code == 403
    for response in (_approve(client, unit), _reject(client, unit, "short")):
        assert response.status_code == 403
        assert "Your role may not open this page." in text(response)
    assert database_state() == before
    assert "/review/" not in text(client.get(f"/u/{unit.serial}"))


def test_approving_without_the_csrf_token_changes_nothing(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    before = database_state()
    response = client.post(
        f"/review/{unit.serial}/approve", data={"approve-version": str(unit.version)}
    )
    assert response.status_code == 400 and "The page expired" in text(response)
    assert database_state() == before


def test_two_reviewers_at_once_the_second_is_told(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    other = app.test_client()
    login(other, make_user(Role.REVIEWER))
    english(other)
    seen = page_version(other, unit.serial)
    assert _approve(client, unit).status_code == 302
    before = database_state()
    response = post(other, f"/review/{unit.serial}/reject", rework_form("reject", seen, "short"))
    assert response.status_code == 409
    assert "Someone else changed this unit a moment ago" in text(response)
    assert database_state() == before
    assert reload(unit).stage == "approved"


def test_approving_an_unknown_serial_is_not_found(app, client, reviewer):
    before = database_state()
    response = post(client, "/review/T7-2020-00077/approve", {"approve-version": "1"})
    assert response.status_code == 404 and "There is nothing at this address." in text(response)
    assert database_state() == before


def test_a_unit_on_hold_at_review_cannot_be_signed_off(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    assert (
        post(
            client, f"/u/{unit.serial}/status/hold", status_form(unit.version, "missing label")
        ).status_code
        == 302
    )
    before = database_state()
    response = _approve(client, unit)
    assert response.status_code == 403 and "This unit is on hold." in text(response)
    assert database_state() == before


def test_the_review_page_of_an_unknown_serial_goes_back_to_the_queue_with_the_reason(
    app, client, reviewer
):
    response = client.get("/review/T7-2020-00078", follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/review/"
    assert "No unit has the serial T7-2020-00078." in text(response)


def test_a_refused_rejection_stays_on_the_review_page(app, client, reviewer, volunteer):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    response = post(
        client, f"/review/{unit.serial}/reject", rework_form("reject", unit.version, "other")
    )
    assert response.status_code == 403
    assert "Write a few words about the reason." in text(response)
    assert "Sign-off" in text(response)  # the review page, with its forms, not the unit page
    assert reload(unit).stage == Stage.REVIEW


def test_a_reviewer_who_worked_on_a_unit_cannot_reject_it_either(app, client, reviewer):
    unit = make_unit(builder=reviewer, at=Stage.REVIEW)
    before = database_state()

    response = _reject(client, unit, "short")

    assert response.status_code == 403 and FOUR_EYES in text(response)
    assert database_state() == before
    page = text(client.get(f"/review/{unit.serial}"))
    assert "/reject" not in page and "/approve" not in page


def test_the_unit_page_offers_the_review_only_to_a_reviewer_who_did_not_work_on_it(
    app, client, reviewer, volunteer
):
    own = make_unit(builder=reviewer, at=Stage.REVIEW)
    other = make_unit(builder=volunteer, at=Stage.REVIEW)

    own_page = text(client.get(f"/u/{own.serial}"))
    other_page = text(client.get(f"/u/{other.serial}"))

    assert f"/review/{own.serial}" not in own_page and FOUR_EYES in own_page
    assert f'href="/review/{other.serial}">Open the review' in other_page


def test_the_queue_marks_the_units_the_reviewer_worked_on(app, client, reviewer, volunteer):
    own = make_unit(builder=reviewer, at=Stage.REVIEW)
    other = make_unit(builder=volunteer, at=Stage.REVIEW)

    page = text(client.get("/review/"))

    marked = re.findall(r'<tr class="worked-on"><td><a class="button" href="/review/([^"]+)"', page)
    assert marked == [own.serial]
    assert other.serial in page
    assert page.count("You worked on it: another reviewer signs it off") == 1


def test_the_review_page_shows_the_latest_reading_and_bench_test_with_their_runs(
    app, client, reviewer, volunteer
):
    unit = make_unit(builder=volunteer, at=Stage.REVIEW)
    runs = {run.kind: run for run in bench_runs.runs_for(unit)}

    page = text(client.get(f"/review/{unit.serial}"))

    evidence = page[page.index('id="fc-evidence"') :]
    assert f'href="/runs/{runs["identity"].id}">Read flight controller</a>' in evidence
    assert f'href="/runs/{runs["bench"].id}">Bench test</a>' in evidence
    assert evidence.count('<span class="fc-verdict">Passed</span>') == 2
    assert 'data-name="gyro_noise_x"' in evidence and "Gyro noise, roll" in evidence
    assert f'href="/u/{unit.serial}"' in evidence
    # Each run's line in the history says how it went.
    history = page[page.index('class="history"') :]
    assert "read the flight controller: Passed" in history
    assert "ran the bench test: Passed" in history
