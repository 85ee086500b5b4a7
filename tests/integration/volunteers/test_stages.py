"""A volunteer moves a unit through its build stages from the unit page."""

import re
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

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
from workshop.models import AuditEvent, StageRecord
from workshop.workflow import Stage


def test_volunteer_finishes_kitting_with_required_items_ticked(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    items = [str(i) for i in required_ids(unit)]
    response = post(
        client,
        f"/u/{unit.serial}/finish",
        {"version": unit.version, "item": items, "note": "all there"},
    )
    assert response.status_code == 302
    unit = reload(unit)
    assert unit.stage == Stage.SOLDERING
    record = db.session.scalars(db.select(StageRecord)).one()
    assert record.note == "all there" and record.user_id == volunteer.id
    page = client.get(f"/u/{unit.serial}").get_data(as_text=True)
    assert "all there" in page


def test_stage_does_not_finish_with_a_required_item_unticked(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)
    events_before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    one = sorted(required_ids(unit))[:1]
    response = post(
        client, f"/u/{unit.serial}/finish", {"version": unit.version, "item": [str(i) for i in one]}
    )
    assert response.status_code == 403
    assert "Tick every required item first. Still unticked: kitting step two." in text(response)
    assert reload(unit).stage == Stage.KITTING
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == events_before


def test_the_history_shows_times_on_the_workshop_clock(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_key == unit.serial))
    event.at = datetime(2026, 11, 27, 10, 5)  # UTC; Kyiv is two hours ahead in November
    db.session.commit()
    login(client, volunteer)
    english(client)
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Nov 27, 2026, 12:05:00" in page  # then a narrow no-break space and PM


REASON_TARGET = {
    "cold_joint": Stage.SOLDERING,
    "short": Stage.SOLDERING,
    "reversed_polarity": Stage.SOLDERING,
    "damaged_part": Stage.KITTING,
    "wrong_firmware": Stage.FLASHING,
    "failed_bench_test": Stage.SOLDERING,
}
BUILD = [Stage.KITTING, Stage.SOLDERING, Stage.FLASHING, Stage.BENCH_TEST]


@pytest.fixture
def bench(app, client):
    volunteer = make_user()
    login(client, volunteer)
    english(client)
    return volunteer


def _photo_files(app) -> set[str]:
    return {p.name for p in Path(app.config["PHOTO_DIR"]).iterdir()}


def test_a_unit_moves_through_every_build_stage_with_checklist_note_and_photo(app, client, bench):
    unit = make_unit(builder=bench)
    formats = {
        Stage.KITTING: "JPEG",
        Stage.SOLDERING: "PNG",
        Stage.FLASHING: "JPEG",
        Stage.BENCH_TEST: "PNG",
    }
    for stage in BUILD:
        assert reload(unit).stage == stage
        unit = reload(unit)
        pass_checks(unit, bench)
        optional = [i.id for i in unit.drone_type.checklist_for(stage) if not i.required]
        response = finish(
            client,
            unit,
            list(required_ids(unit)) + optional,
            f"{stage} done well",
            (image_file(formats[stage]), f"bench.{formats[stage].lower()}"),
        )
        assert response.status_code == 302, text(response)
        page = text(client.get(response.headers["Location"]))
        assert "Stage finished." in page
    unit = reload(unit)
    assert (unit.stage, unit.status, unit.rework) == ("review", "active", False)
    records = unit.records
    assert [r.stage for r in records] == [s.value for s in BUILD]
    assert all(r.outcome == "done" and r.user_id == bench.id for r in records)
    assert all(all(a["checked"] for a in r.answers) and len(r.answers) == 3 for r in records)
    assert len(unit.photos) == 4 and all(p.record is not None for p in unit.photos)
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Review" in page and "Waiting for a reviewer to sign it off." in page
    for stage in BUILD:
        assert f"{stage} done well" in page
    for photo in unit.photos:
        thumb = photo.filename.replace(".jpg", ".thumb.jpg")
        assert thumb in page
        served = client.get(f"/photos/{thumb}")
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        with Image.open(BytesIO(served.data)) as image:
            assert image.format == "JPEG" and max(image.size) <= 240
        full = client.get(f"/photos/{photo.filename}")
        assert full.status_code == 200
        with Image.open(BytesIO(full.data)) as image:
            assert image.size == (64, 48)
    assert [e.action for e in audit_events(unit.serial)] == ["unit.create"] + ["unit.part"] * 2 + [
        "unit.finish",
        "unit.finish",
        "unit.run_identity",
        "unit.finish",
        "unit.run_bench",
        "unit.finish",
    ]


def test_unticked_optional_items_are_recorded_as_unticked(app, client, bench):
    unit = make_unit(builder=bench)
    assert finish(client, unit, required_ids(unit)).status_code == 302
    answers = reload(unit).records[0].answers
    assert [a["checked"] for a in answers] == [True, True, False]
    assert [a["required"] for a in answers] == [True, True, False]


def test_photos_are_served_only_to_logged_in_people_and_only_photo_names(app, client, bench):
    unit = make_unit(builder=bench)
    assert (
        finish(client, unit, required_ids(unit), photo=(image_file(), "a.jpg")).status_code == 302
    )
    name = reload(unit).photos[0].filename
    assert client.get("/photos/..%2Fworkshop.sqlite").status_code == 404
    assert client.get("/photos/x.db").status_code == 404
    other = app.test_client()
    assert other.get(f"/photos/{name}").status_code == 302


def test_a_photo_can_be_added_without_finishing_the_stage(app, client, bench):
    unit = make_unit(builder=bench)
    response = post(
        client,
        f"/u/{unit.serial}/photo",
        {"version": str(unit.version), "photo": (image_file("PNG"), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    unit = reload(unit)
    assert unit.stage == "kitting" and len(unit.photos) == 1 and unit.photos[0].record is None
    assert audit_events(unit.serial)[-1].action == "unit.photo"


def _huge_png() -> bytes:
    """48 megapixels of one colour: a few kilobytes on disk, hundreds of MB once decoded."""
    buffer = BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((b"not a picture at all", "fake.jpg"), "That file is not a photo the app can read"),
        ((b"%PDF-1.4 hello", "notes.pdf"), "Photos only: JPEG, PNG or WebP."),
        (
            (b"\xff\xd8\xff\xe0 truncated jpeg", "cut.jpeg"),
            "That file is not a photo the app can read",
        ),
        ((_huge_png(), "bomb.png"), "That photo is too large (over 40 megapixels)."),
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(
    app, client, bench, upload, message
):
    unit = make_unit(builder=bench)
    files_before = _photo_files(app)
    before = database_state()
    content, name = upload
    response = finish(client, unit, required_ids(unit), "note", (BytesIO(content), name))
    assert response.status_code == 400
    assert message in text(response)
    assert database_state() == before and reload(unit).stage == "kitting"
    assert _photo_files(app) == files_before
    response = post(
        client,
        f"/u/{unit.serial}/photo",
        {"version": str(unit.version), "photo": (BytesIO(content), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and message in text(response)
    assert database_state() == before and _photo_files(app) == files_before


@pytest.mark.parametrize(
    ("stage", "reason"),
    [
        (s, r)
        for s in BUILD
        for r in REASON_TARGET
        if BUILD.index(REASON_TARGET[r]) <= BUILD.index(s)
    ],
)
def test_failing_with_a_reason_sends_the_unit_back_to_the_named_stage(
    app, client, bench, stage, reason
):
    unit = make_unit(builder=bench, at=stage)
    response = post(
        client,
        f"/u/{unit.serial}/fail",
        rework_form("fail", unit.version, reason, words="seen under the loupe"),
    )
    assert response.status_code == 302, text(response)
    unit = reload(unit)
    target = REASON_TARGET[reason]
    assert (unit.stage, unit.status, unit.rework) == (target.value, "active", True)
    failed = unit.records[-1]
    assert (failed.stage, failed.outcome, failed.reason, failed.rework_to) == (
        stage.value,
        "failed",
        reason,
        target.value,
    )
    event = audit_events(unit.serial, "unit.fail")[-1]
    assert event.before["stage"] == stage.value and event.after["stage"] == target.value
    assert event.after["reason"] == reason
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Rework" in page and "failed a stage" in page


@pytest.mark.parametrize(
    ("stage", "reason"),
    [
        (s, r)
        for s in BUILD
        for r in REASON_TARGET
        if BUILD.index(REASON_TARGET[r]) > BUILD.index(s)
    ],
)
def test_a_reason_that_would_send_the_unit_forward_is_refused(app, client, bench, stage, reason):
    unit = make_unit(builder=bench, at=stage)
    before = database_state()
    response = post(client, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, reason))
    assert response.status_code == 403
    assert "Choose another reason." in text(response)
    assert database_state() == before


def test_the_history_shows_the_rework_loop(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.BENCH_TEST)
    assert (
        post(
            client, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, "cold_joint")
        ).status_code
        == 302
    )
    for _ in range(2):  # soldering and flashing again
        pass_checks(reload(unit), bench)
        assert finish(client, unit, required_ids(reload(unit))).status_code == 302
    unit = reload(unit)
    assert unit.stage == "bench_test" and unit.rework
    page = text(client.get(f"/u/{unit.serial}"))
    history = page[page.index("<h2>History</h2>") :]
    assert "(Bench test → Soldering)" in history and ": Cold joint" in history
    assert history.index("(Bench test → Soldering)") < history.index(
        "(Soldering → Flashing)", history.index("Cold joint")
    )
    records = [(r.stage, r.outcome) for r in unit.records]
    assert records[-3:] == [("bench_test", "failed"), ("soldering", "done"), ("flashing", "done")]
    pass_checks(unit, bench)
    assert finish(client, unit, required_ids(unit)).status_code == 302
    unit = reload(unit)
    assert unit.stage == "review" and unit.rework  # the reviewer sees it was reworked


def test_other_needs_words_and_may_name_the_stage(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.FLASHING)
    before = database_state()
    response = post(
        client,
        f"/u/{unit.serial}/fail",
        rework_form("fail", unit.version, "other", "kitting", "  "),
    )
    assert response.status_code == 403 and "Write a few words about the reason." in text(response)
    assert database_state() == before
    response = post(
        client,
        f"/u/{unit.serial}/fail",
        rework_form("fail", unit.version, "other", "bench_test", "x"),
    )
    assert response.status_code == 403 and "sends the unit forward" in text(response)
    assert database_state() == before
    response = post(
        client,
        f"/u/{unit.serial}/fail",
        rework_form("fail", unit.version, "other", "kitting", "wrong frame size"),
    )
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.rework) == ("kitting", True)
    assert unit.records[-1].note == "wrong frame size"
    response = post(
        client,
        f"/u/{unit.serial}/fail",
        rework_form("fail", unit.version, "other", "", "still wrong"),
    )
    assert response.status_code == 302 and reload(unit).stage == "kitting"


def test_a_made_up_reason_or_stage_is_refused(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.FLASHING)
    before = database_state()
    for reason, stage in [("sabotage", ""), ("", ""), ("other", "garage")]:
        response = post(
            client, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, reason, stage, "x")
        )
        assert response.status_code == 400, (reason, stage)
        assert "Some fields need attention" in text(response)
    assert database_state() == before


def test_a_unit_on_hold_offers_no_photo_the_workflow_would_refuse(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.SOLDERING)
    assert f'action="/u/{unit.serial}/photo"' in client.get(f"/u/{unit.serial}").text
    post(client, f"/u/{unit.serial}/status/hold", status_form(unit.version, "waiting for an ESC"))
    page = client.get(f"/u/{unit.serial}").text
    assert f'action="/u/{unit.serial}/photo"' not in page
    assert f'action="/u/{unit.serial}/finish"' not in page


def test_hold_and_release_keep_the_stage_and_hold_blocks_work(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.SOLDERING)
    response = post(
        client, f"/u/{unit.serial}/status/hold", status_form(unit.version, "waiting for an ESC")
    )
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status, unit.status_note) == (
        "soldering",
        "on_hold",
        "waiting for an ESC",
    )
    page = text(client.get(f"/u/{unit.serial}"))
    assert "On hold" in page and "waiting for an ESC" in page and "Take off hold" in page
    before = database_state()
    response = finish(client, unit, required_ids(unit))
    assert response.status_code == 403 and "This unit is on hold. Take it off hold first." in text(
        response
    )
    response = post(client, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, "short"))
    assert response.status_code == 403 and "on hold" in text(response)
    response = post(client, f"/u/{unit.serial}/status/hold", status_form(unit.version, "again"))
    assert response.status_code == 403
    assert database_state() == before
    response = post(client, f"/u/{unit.serial}/status/release", status_form(unit.version))
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status) == ("soldering", "active")
    response = post(client, f"/u/{unit.serial}/status/release", status_form(unit.version))
    assert response.status_code == 403 and "This unit is not on hold." in text(response)
    actions = [e.action for e in audit_events(unit.serial)][-2:]
    assert actions == ["unit.hold", "unit.release"]


def test_scrap_needs_a_reason_and_a_scrapped_unit_never_changes(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.FLASHING)
    before = database_state()
    response = post(client, f"/u/{unit.serial}/status/scrap", status_form(unit.version, "   "))
    assert response.status_code == 403 and "Write a few words about the reason." in text(response)
    assert database_state() == before
    response = post(
        client,
        f"/u/{unit.serial}/status/scrap",
        status_form(unit.version, "FC burnt, frame cracked"),
    )
    assert response.status_code == 302
    unit = reload(unit)
    assert (unit.stage, unit.status, unit.status_note) == (
        "flashing",
        "scrapped",
        "FC burnt, frame cracked",
    )
    event = audit_events(unit.serial, "unit.scrap")[-1]
    assert event.before["status"] == "active" and event.after["status"] == "scrapped"
    assert event.after["text"] == "FC burnt, frame cracked"
    page = text(client.get(f"/u/{unit.serial}"))
    assert "Scrapped" in page and "FC burnt, frame cracked" in page
    assert 'id="finish-form"' not in page and "Add photo" not in page
    before = database_state()
    attempts = [
        finish(client, unit, required_ids(unit)),
        post(client, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, "other", "", "x")),
        post(client, f"/u/{unit.serial}/status/release", status_form(unit.version)),
        post(client, f"/u/{unit.serial}/status/hold", status_form(unit.version, "x")),
        post(client, f"/u/{unit.serial}/status/scrap", status_form(unit.version, "again")),
        post(
            client,
            f"/u/{unit.serial}/photo",
            {"version": str(unit.version), "photo": (image_file(), "a.jpg")},
            content_type="multipart/form-data",
        ),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert "This unit is scrapped; nothing more can be done to it." in text(response)
    assert database_state() == before


def test_an_unknown_status_action_is_not_found(app, client, bench):
    unit = make_unit(builder=bench)
    before = database_state()
    assert (
        post(client, f"/u/{unit.serial}/status/approve", status_form(unit.version)).status_code
        == 404
    )
    assert database_state() == before


def test_acting_on_an_unknown_serial_is_not_found_and_changes_nothing(app, client, bench):
    make_unit(builder=bench)
    before = database_state()
    for path, data in [
        ("/u/T7-2020-09999/finish", {"version": "1"}),
        ("/u/T7-2020-09999/fail", rework_form("fail", 1, "short")),
        ("/u/T7-2020-09999/status/hold", status_form(1, "x")),
        ("/u/NOPE/parts", {"part-version": "1", "part-bom_item": "1", "part-code": "X"}),
    ]:
        response = post(client, path, data)
        assert response.status_code == 404
        assert "There is nothing at this address." in text(response)
    assert database_state() == before


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(app, client, bench):
    unit = make_unit(builder=bench)
    before = database_state()
    for path, data in [
        (
            f"/u/{unit.serial}/finish",
            {"version": str(unit.version), "item": [str(i) for i in required_ids(unit)]},
        ),
        (f"/u/{unit.serial}/fail", rework_form("fail", unit.version, "damaged_part")),
        (f"/u/{unit.serial}/status/scrap", status_form(unit.version, "x")),
        ("/units/new", {"drone_type": str(unit.drone_type_id)}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 400
        assert "The page expired. Go back, reload it and try again." in text(response)
        response = client.post(path, data=data | {"csrf_token": "forged"})
        assert response.status_code == 400
    assert database_state() == before


def test_two_tablets_finishing_the_same_stage_one_wins_the_other_is_told(app, client, bench):
    unit = make_unit(builder=bench)
    second = app.test_client()
    login(second, make_user())
    english(second)
    seen_first, seen_second = page_version(client, unit.serial), page_version(second, unit.serial)
    assert seen_first == seen_second
    items = required_ids(unit)
    assert finish(client, unit, items, "first tablet", version=seen_first).status_code == 302
    before = database_state()
    response = finish(second, unit, items, "second tablet", version=seen_second)
    assert response.status_code == 409
    assert "Someone else changed this unit a moment ago. Your change was not saved" in text(
        response
    )
    assert database_state() == before
    unit = reload(unit)
    assert unit.stage == "soldering" and [r.note for r in unit.records] == ["first tablet"]
    # The page shown with the message is the current one: repeating the change now works.
    assert page_version(second, unit.serial) == unit.version
    shown = text(response)
    assert f'name="version" type="hidden" value="{unit.version}"' in shown


def test_a_stale_page_cannot_scrap_or_hold_either(app, client, bench):
    unit = make_unit(builder=bench)
    stale = unit.version
    assert finish(client, unit, required_ids(unit)).status_code == 302
    before = database_state()
    for path, data in [
        (f"/u/{unit.serial}/status/scrap", status_form(stale, "x")),
        (f"/u/{unit.serial}/status/hold", status_form(stale, "x")),
        (f"/u/{unit.serial}/fail", rework_form("fail", stale, "damaged_part")),
    ]:
        response = post(client, path, data)
        assert response.status_code == 409, path
        assert "Someone else changed this unit" in text(response)
    assert database_state() == before


def test_every_build_change_writes_one_audit_event_in_its_transaction(app, client, bench):
    unit = make_unit(builder=bench)
    fc = next(i for i in unit.drone_type.bom if i.tracked)
    steps = [
        (
            "unit.part",
            lambda: post(
                client,
                f"/u/{unit.serial}/parts",
                {
                    "part-version": str(reload(unit).version),
                    "part-bom_item": str(fc.id),
                    "part-code": "FC-1",
                },
            ),
        ),
        (
            "unit.photo",
            lambda: post(
                client,
                f"/u/{unit.serial}/photo",
                {"version": str(reload(unit).version), "photo": (image_file(), "p.jpg")},
                content_type="multipart/form-data",
            ),
        ),
        ("unit.finish", lambda: finish(client, unit, required_ids(reload(unit)))),
        (
            "unit.hold",
            lambda: post(
                client,
                f"/u/{unit.serial}/status/hold",
                status_form(reload(unit).version, "waiting"),
            ),
        ),
        (
            "unit.release",
            lambda: post(
                client, f"/u/{unit.serial}/status/release", status_form(reload(unit).version)
            ),
        ),
        (
            "unit.fail",
            lambda: post(
                client, f"/u/{unit.serial}/fail", rework_form("fail", reload(unit).version, "short")
            ),
        ),
        ("unit.finish", lambda: finish(client, unit, required_ids(reload(unit)))),
        (
            "unit.scrap",
            lambda: post(
                client, f"/u/{unit.serial}/status/scrap", status_form(reload(unit).version, "gone")
            ),
        ),
    ]
    for action, step in steps:
        events_before = len(audit_events(unit.serial))
        version_before = reload(unit).version
        assert step().status_code == 302, action
        events = audit_events(unit.serial)
        assert len(events) == events_before + 1 and events[-1].action == action
        assert events[-1].user_id == bench.id
        assert reload(unit).version == version_before + 1, action


def test_the_fail_form_offers_its_reasons_with_none_chosen(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.SOLDERING)

    page = text(client.get(f"/u/{unit.serial}"))

    form = page[page.index('id="fail-form"') : page.index("</form>", page.index('id="fail-form"'))]
    offered = re.findall(r'<input type="radio" name="fail-reason" value="(\w+)" required>', form)
    assert offered == [
        "cold_joint",
        "short",
        "reversed_polarity",
        "damaged_part",
        "failed_bench_test",
        "other",
    ]
    assert "checked" not in form and "selected" not in form.replace('value="" selected', "")
    before = database_state()
    missing = post(client, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, ""))
    assert missing.status_code == 400 and database_state() == before


def test_a_unit_sent_back_is_told_in_a_warning_and_its_header_says_why(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.FLASHING)

    response = post(
        client, f"/u/{unit.serial}/fail", rework_form("fail", unit.version, "cold_joint")
    )

    page = text(client.get(response.headers["Location"]))
    assert (
        '<p class="flash warning" role="status">Stage failed; the unit is back for rework.' in page
    )
    assert '<span class="badge rework" id="rework-reason">Rework: Cold joint</span>' in page


def test_scrap_has_a_reason_and_a_confirmation_of_its_own_apart_from_hold(app, client, bench):
    unit = make_unit(builder=bench, at=Stage.SOLDERING)

    page = text(client.get(f"/u/{unit.serial}"))

    hold = page[page.index('id="hold-form"') : page.index("</form>", page.index('id="hold-form"'))]
    scrap = page[
        page.index('id="scrap-form"') : page.index("</form>", page.index('id="scrap-form"'))
    ]
    assert "/status/scrap" not in hold and "/status/hold" not in scrap
    assert f"Yes, scrap {unit.serial} for good" in scrap and 'type="checkbox" required' in scrap
    assert '<textarea name="status-text" rows="2" required>' in scrap
