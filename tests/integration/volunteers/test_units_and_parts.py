"""Starting a unit at kitting, its serial, and the tracked parts a recall search finds."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from tests.helpers import login, make_drone_type, make_unit, make_user, post, reload
from tests.integration.support import audit_events, database_state, english, status_form, text
from workshop.extensions import db
from workshop.models import BomItem, Unit, UnitPart
from workshop.workflow import Stage

YEAR = datetime.now(UTC).year


def _start(client, drone_type) -> str:
    response = post(client, "/units/new", {"drone_type": str(drone_type.id)})
    assert response.status_code == 302
    serial = response.headers["Location"].rsplit("/", 1)[-1]
    return serial


def _tracked(drone_type, name: str) -> BomItem:
    return next(item for item in drone_type.bom if item.name == name)


def _record(client, unit, item, code):
    return post(
        client,
        f"/u/{unit.serial}/parts",
        {
            "part-version": str(reload(unit).version),
            "part-bom_item": str(item.id),
            "part-code": code,
        },
    )


def test_a_new_unit_gets_the_next_serial_and_lands_at_kitting(app, client):
    volunteer = make_user()
    drone_type = make_drone_type("FPV7")
    login(client, volunteer)
    english(client)
    serials = [_start(client, drone_type) for _ in range(3)]
    assert serials == [f"FPV7-{YEAR}-{n:05d}" for n in (1, 2, 3)]
    for serial in serials:
        assert re.fullmatch(r"FPV7-\d{4}-\d{5}", serial)
    unit = db.session.scalar(sa.select(Unit).where(Unit.serial == serials[0]))
    assert (
        unit.stage == "kitting" and unit.status == "active" and unit.created_by_id == volunteer.id
    )
    page = text(client.get(f"/u/{serials[0]}"))
    assert "Kitting" in page and "Pick list" in page
    for item in drone_type.bom:
        assert item.name in page
    assert [e.action for e in audit_events(serials[0])] == ["unit.create"]


def test_each_drone_type_counts_its_own_serials(app, client):
    volunteer = make_user()
    seven, ten = make_drone_type("FPV7"), make_drone_type("FPV10")
    login(client, volunteer)
    assert _start(client, seven) == f"FPV7-{YEAR}-00001"
    assert _start(client, ten) == f"FPV10-{YEAR}-00001"
    assert _start(client, seven) == f"FPV7-{YEAR}-00002"


def test_a_serial_is_never_reused_after_a_scrap(app, client):
    volunteer = make_user()
    drone_type = make_drone_type("FPV7")
    login(client, volunteer)
    first = _start(client, drone_type)
    unit = db.session.scalar(sa.select(Unit).where(Unit.serial == first))
    response = post(client, f"/u/{first}/status/scrap", status_form(unit.version, "frame cracked"))
    assert response.status_code == 302
    assert reload(unit).status == "scrapped"
    assert _start(client, drone_type) == f"FPV7-{YEAR}-00002"
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 2


def test_starting_a_unit_of_an_unknown_or_retired_type_changes_nothing(app, client):
    volunteer = make_user()
    retired = make_drone_type("OLD")
    retired.active = False
    db.session.commit()
    login(client, volunteer)
    english(client)
    before = database_state()
    for type_id in (str(retired.id), "9999", "x"):
        response = post(client, "/units/new", {"drone_type": type_id}, follow_redirects=True)
        assert "Choose a drone type." in text(response)
    assert database_state() == before


def test_kitting_records_tracked_part_codes(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, with_parts=False)
    login(client, volunteer)
    english(client)
    fc = _tracked(unit.drone_type, "Flight controller")
    response = _record(client, unit, fc, "  fc-0042 a ")
    assert response.status_code == 302
    part = db.session.scalars(sa.select(UnitPart)).one()
    assert (part.code, part.bom_item_id, part.recorded_by_id) == ("FC-0042 A", fc.id, volunteer.id)
    page = text(client.get(f"/u/{unit.serial}"))
    assert "FC-0042 A" in page and "Tracked parts" in page
    event = audit_events(unit.serial, "unit.part")[-1]
    assert event.after == {"part": "Flight controller", "code": "FC-0042 A"}


def test_the_part_search_finds_every_unit_with_a_code(app, client):
    """A bad batch of ESCs: every unit holding one is listed, and no other."""
    volunteer = make_user()
    login(client, volunteer)
    english(client)
    units = [make_unit(builder=volunteer) for _ in range(4)]
    esc = _tracked(units[0].drone_type, "ESC")
    fc = _tracked(units[0].drone_type, "Flight controller")
    for unit, code in zip(
        units, ["LOT-2407-A", "lot-2407-a", "LOT-2408-B", "LOT-2407-A"], strict=True
    ):
        assert _record(client, unit, esc, code).status_code == 302
    assert _record(client, units[2], fc, "FC-LOT-2407-A-XYZ").status_code == 302
    page = text(client.get("/parts", query_string={"q": " lot-2407-a "}))
    for unit in (units[0], units[1], units[3], units[2]):
        assert unit.serial in page
    assert page.count("LOT-2407-A") >= 3
    page = text(client.get("/parts", query_string={"q": "LOT-2408"}))
    assert units[2].serial in page and units[0].serial not in page
    page = text(client.get("/parts", query_string={"q": "NOPE-1"}))
    assert "No unit holds a part with this code." in page


def test_refused_part_records_say_why_and_change_nothing(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    other = make_drone_type("T10")
    login(client, volunteer)
    english(client)
    frame = _tracked(unit.drone_type, "Frame")
    fc = _tracked(unit.drone_type, "Flight controller")
    other_fc = _tracked(other, "Flight controller")
    assert _record(client, unit, fc, "FC-1").status_code == 302
    cases = [
        (frame, "FR-1", "That part is not a tracked part of this drone type."),
        (other_fc, "FC-2", "That part is not a tracked part of this drone type."),
        (fc, "fc-1", "This code is already recorded for this part."),
        (fc, "X" * 65, "lot code (at most 64 characters)."),
        (fc, "   ", "Some fields need attention"),
    ]
    for item, code, message in cases:
        before = database_state()
        response = _record(client, unit, item, code)
        assert response.status_code == 400, code
        assert message in text(response), code
        assert database_state() == before


def test_parts_are_recorded_only_at_kitting(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)

    moved = make_unit(drone_type=unit.drone_type, builder=volunteer, at=Stage.SOLDERING)
    fc = _tracked(unit.drone_type, "Flight controller")
    before = database_state()
    response = _record(client, moved, fc, "FC-9")
    assert response.status_code == 403
    assert "This cannot be done while the unit is at Soldering." in text(response)
    assert database_state() == before


def test_a_scrapped_unit_gets_no_more_parts(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)
    assert (
        post(
            client, f"/u/{unit.serial}/status/scrap", status_form(unit.version, "dropped")
        ).status_code
        == 302
    )
    fc = _tracked(unit.drone_type, "Flight controller")
    before = database_state()
    response = _record(client, unit, fc, "FC-7")
    assert response.status_code in (400, 403)
    assert "This unit is scrapped; nothing more can be done to it." in text(response)
    assert database_state() == before


def _finish_kitting(client, unit):
    items = [str(i.id) for i in reload(unit).drone_type.checklist_for("kitting") if i.required]
    return post(
        client, f"/u/{unit.serial}/finish", {"version": str(reload(unit).version), "item": items}
    )


def test_kitting_does_not_finish_until_every_tracked_part_has_a_code(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, with_parts=False)
    login(client, volunteer)
    english(client)
    assert _record(client, unit, _tracked(unit.drone_type, "ESC"), "ESC-1").status_code == 302
    before = database_state()
    response = _finish_kitting(client, unit)
    assert response.status_code == 403
    assert "Still missing: Flight controller." in text(response)
    assert database_state() == before
    assert (
        _record(client, unit, _tracked(unit.drone_type, "Flight controller"), "FC-1").status_code
        == 302
    )
    assert _finish_kitting(client, unit).status_code == 302
    assert reload(unit).stage == "soldering"


def _remove(client, unit, part):
    return post(
        client,
        f"/u/{unit.serial}/parts/{part.id}/remove",
        {"part-version": str(reload(unit).version)},
    )


def test_a_wrong_scan_is_removed_kept_in_the_record_and_scanned_again(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)
    fc = _tracked(unit.drone_type, "Flight controller")
    wrong = next(p for p in reload(unit).parts if p.bom_item_id == fc.id)
    response = _remove(client, unit, wrong)
    assert response.status_code == 302
    removed = db.session.get(UnitPart, wrong.id)
    db.session.refresh(removed)
    assert removed.removed_at is not None and removed.removed_by_id == volunteer.id
    event = audit_events(unit.serial, "unit.part_removed")[-1]
    assert event.before == {"part": "Flight controller", "code": wrong.code} and event.after is None
    page = text(client.get(f"/u/{unit.serial}"))
    assert f"removed by {volunteer.name}" in page
    assert "Still missing: Flight controller." in text(_finish_kitting(client, unit))
    # The same code may come back (it was removed by mistake); the recall search sees both rows.
    assert _record(client, unit, fc, wrong.code).status_code == 302
    assert _finish_kitting(client, unit).status_code == 302
    found = text(client.get("/parts", query_string={"q": wrong.code}))
    assert found.count(unit.serial) >= 2


def test_a_part_is_removed_only_at_kitting_and_only_once(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)
    part = reload(unit).parts[0]
    assert _remove(client, unit, part).status_code == 302
    before = database_state()
    again = _remove(client, unit, part)
    assert again.status_code == 400 and "That part is not recorded in this unit." in text(again)
    assert database_state() == before
    later = make_unit(drone_type=unit.drone_type, builder=volunteer, at=Stage.SOLDERING)
    before = database_state()
    refused = _remove(client, later, reload(later).parts[0])
    assert (
        refused.status_code == 403
        and "This cannot be done while the unit is at Soldering." in text(refused)
    )
    assert database_state() == before


def test_a_damaged_part_goes_back_to_kitting_and_is_replaced(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    login(client, volunteer)
    english(client)
    fail = {
        "fail-version": str(reload(unit).version),
        "fail-reason": "damaged_part",
        "fail-text": "ESC burnt",
    }
    assert post(client, f"/u/{unit.serial}/fail", fail).status_code == 302
    assert reload(unit).stage == "kitting" and reload(unit).rework
    esc = _tracked(unit.drone_type, "ESC")
    burnt = next(p for p in reload(unit).parts if p.bom_item_id == esc.id and p.in_unit)
    assert _remove(client, unit, burnt).status_code == 302
    assert _record(client, unit, esc, "ESC-NEW-2").status_code == 302
    assert _finish_kitting(client, unit).status_code == 302
    codes = {p.code: p.in_unit for p in reload(unit).parts if p.bom_item_id == esc.id}
    assert codes == {burnt.code: False, "ESC-NEW-2": True}


def test_a_code_already_on_another_unit_is_recorded_with_a_warning(app, client):
    volunteer = make_user()
    first = make_unit(builder=volunteer, with_parts=False)
    second = make_unit(drone_type=first.drone_type, builder=volunteer, with_parts=False)
    login(client, volunteer)
    english(client)
    esc = _tracked(first.drone_type, "ESC")
    assert _record(client, first, esc, "LOT-77").status_code == 302
    response = _record(client, second, esc, "lot-77")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert f"ESC: LOT-77. It is also recorded on {first.serial}" in page
    assert [p.code for p in reload(second).parts] == ["LOT-77"]


def test_the_tablet_remembers_the_drone_type_it_started_last(app, client):
    first, second = make_drone_type("AA1", name="Type A"), make_drone_type("BB2", name="Type B")
    login(client, make_user())
    english(client)
    selected = re.compile(r'<option selected value="(\d+)">')
    assert selected.search(text(client.get("/"))) is None  # nothing started here yet

    _start(client, second)

    chosen = selected.search(text(client.get("/")))
    assert chosen and int(chosen.group(1)) == second.id
    _start(client, first)
    chosen = selected.search(text(client.get("/")))
    assert chosen and int(chosen.group(1)) == first.id
    # A type retired since is not offered, so nothing is preselected.
    client.set_cookie("last_type", "999")
    assert selected.search(text(client.get("/"))) is None
