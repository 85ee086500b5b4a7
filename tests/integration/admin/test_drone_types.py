"""The coordinator defines drone types: name, serial prefix, BOM with tracked parts, checklists."""

import pytest
import sqlalchemy as sa

from tests.helpers import login, make_drone_type, make_unit, make_user, post, reload, required_ids
from tests.integration.support import audit_events, database_state, english, text
from workshop.extensions import db
from workshop.models import DroneType, UnitPart
from workshop.services import drone_types
from workshop.services.drone_types import ChecklistLine

BOM = (
    '1 x Frame 7" carbon\n4 x Motor 2807\n1 x Flight controller F405 *\n1 x ESC 4in1 55A *\n'
    '4 x Propeller 7"\nCamera analog*'
)


def _form(name="FPV 7 inch", prefix="fpv7", bom=BOM, active=True, **checklists) -> dict:
    data = {
        "name": name,
        "prefix": prefix,
        "bom": bom,
        "checklist_kitting": "All parts present\n? Photo of the kit",
        "checklist_soldering": "Motors soldered\nNo shorts (multimeter)",
        "checklist_flashing": "Firmware flashed",
        "checklist_bench_test": "Motors spin the right way\n?Notes on noise",
    } | checklists
    if active:
        data["active"] = "y"
    return data


def test_a_coordinator_creates_a_drone_type_with_tracked_parts_and_checklists(
    app, client, coordinator
):
    assert "New drone type" in text(client.get("/admin/types"))
    assert client.get("/admin/types/new").status_code == 200
    response = post(client, "/admin/types/new", _form())
    assert response.status_code == 302, text(response)
    drone_type = db.session.scalars(sa.select(DroneType)).one()
    assert (drone_type.name, drone_type.prefix, drone_type.active) == ("FPV 7 inch", "FPV7", True)
    assert [(i.quantity, i.name, i.tracked) for i in drone_type.bom] == [
        (1, 'Frame 7" carbon', False),
        (4, "Motor 2807", False),
        (1, "Flight controller F405", True),
        (1, "ESC 4in1 55A", True),
        (4, 'Propeller 7"', False),
        (1, "Camera analog", True),
    ]
    assert [(i.text, i.required) for i in drone_type.checklist_for("kitting")] == [
        ("All parts present", True),
        ("Photo of the kit", False),
    ]
    assert [(i.text, i.required) for i in drone_type.checklist_for("bench_test")] == [
        ("Motors spin the right way", True),
        ("Notes on noise", False),
    ]
    page = text(client.get("/admin/types"))
    assert "FPV 7 inch" in page and "6 parts, 3 tracked" in page
    event = audit_events(str(drone_type.id), "drone_type.create")[-1]
    assert event.before is None and event.user_id == coordinator.id
    assert event.after["prefix"] == "FPV7" and "Flight controller F405 *" in event.after["bom"]
    # A volunteer can now start one, and kitting shows the pick list.
    bench = app.test_client()
    login(bench, make_user())
    english(bench)
    assert "FPV 7 inch" in text(bench.get("/"))


def test_editing_a_drone_type_shows_its_definition_and_audits_before_and_after(
    app, client, coordinator
):
    post(client, "/admin/types/new", _form())
    drone_type = db.session.scalars(sa.select(DroneType)).one()
    page = text(client.get(f"/admin/types/{drone_type.id}"))
    assert "1 x Flight controller F405 *" in page and "? Photo of the kit" in page
    response = post(
        client,
        f"/admin/types/{drone_type.id}",
        _form(
            name="FPV 7 inch v2",
            bom=BOM + "\n1 x Video transmitter *",
            checklist_flashing="Firmware flashed\nConfig diff checked",
        ),
    )
    assert response.status_code == 302
    drone_type = db.session.get(DroneType, drone_type.id)
    db.session.refresh(drone_type)
    assert drone_type.name == "FPV 7 inch v2"
    assert [i.text for i in drone_type.checklist_for("flashing")] == [
        "Firmware flashed",
        "Config diff checked",
    ]
    assert drone_type.bom[-1].name == "Video transmitter" and drone_type.bom[-1].tracked
    event = audit_events(str(drone_type.id), "drone_type.update")[-1]
    assert event.before["name"] == "FPV 7 inch" and event.after["name"] == "FPV 7 inch v2"
    assert event.before["checklists"]["flashing"] == "Firmware flashed"
    assert event.after["checklists"]["flashing"] == "Firmware flashed\nConfig diff checked"


def test_retiring_a_drone_type_hides_it_from_the_bench(app, client, coordinator):
    post(client, "/admin/types/new", _form())
    drone_type = db.session.scalars(sa.select(DroneType)).one()
    assert post(client, f"/admin/types/{drone_type.id}", _form(active=False)).status_code == 302
    bench = app.test_client()
    login(bench, make_user())
    assert "FPV 7 inch" not in text(bench.get("/"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prefix": "F-7"}, "2 to 8 Latin letters or digits."),
        ({"prefix": "Ф7"}, "2 to 8 Latin letters or digits."),
        ({"prefix": "X"}, "2 to 8 Latin letters or digits."),
        ({"prefix": "ABCDEFGHI"}, "2 to 8 Latin letters or digits."),
        ({"prefix": ""}, "This field is required."),
        ({"name": ""}, "This field is required."),
        ({"prefix": "T7"}, "Another drone type already uses this name or prefix."),
        ({"name": "Existing"}, "Another drone type already uses this name or prefix."),
        ({"bom": "0 x Frame"}, "Bill of materials, line 1: the quantity is a whole number"),
        ({"bom": "Frame\n" + "x" * 121}, "Bill of materials, line 2 is not"),
        ({"checklist_kitting": "x" * 201}, "A checklist item is at most 200 characters."),
    ],
)
def test_a_bad_drone_type_form_says_why_and_changes_nothing(
    app, client, coordinator, changes, message
):
    make_drone_type("T7", name="Existing")
    before = database_state()
    response = post(client, "/admin/types/new", _form(**changes))
    assert response.status_code == 400
    assert message in text(response)
    assert database_state() == before


def test_the_prefix_cannot_change_once_units_carry_it(app, client, coordinator):
    unit = make_unit()
    type_id = unit.drone_type_id
    before = database_state()
    response = post(client, f"/admin/types/{type_id}", _form(name="Type T7", prefix="T8"))
    assert response.status_code == 400
    assert "The prefix cannot change once units have serials with it." in text(response)
    assert database_state() == before
    assert reload(unit).serial.startswith("T7-")


def test_a_part_recorded_on_built_units_cannot_be_dropped_from_the_bom(app, client, coordinator):
    unit = make_unit()
    fc = next(i for i in unit.drone_type.bom if i.name == "Flight controller")
    db.session.add(
        UnitPart(
            unit_id=unit.id,
            bom_item_id=fc.id,
            part_id=fc.part_id,
            code="FC-1",
            recorded_by_id=coordinator.id,
        )
    )
    db.session.commit()
    before = database_state()
    response = post(
        client,
        f"/admin/types/{unit.drone_type_id}",
        _form(name="Type T7", prefix="T7", bom="1 x Frame\n1 x ESC *"),
    )
    assert response.status_code == 400
    assert "is recorded on built units and cannot be removed." in text(response)
    assert database_state() == before
    db.session.expire_all()
    assert [i.name for i in db.session.get(DroneType, unit.drone_type_id).bom] == [
        "Frame",
        "Flight controller",
        "ESC",
    ]


def test_an_unknown_drone_type_goes_back_to_the_list(app, client, coordinator):
    response = client.get("/admin/types/999", follow_redirects=True)
    assert response.request.path == "/admin/types"
    assert "There is no such drone type." in text(response)


def test_saving_a_drone_type_without_the_csrf_token_changes_nothing(app, client, coordinator):
    before = database_state()
    response = client.post("/admin/types/new", data=_form())
    assert response.status_code == 400
    assert "The page expired" in text(response)
    assert database_state() == before


def test_an_edit_keeps_the_checklist_items_that_stay_so_open_pages_still_finish(app, client):
    unit = make_unit()
    drone_type = unit.drone_type
    kept = sorted(required_ids(unit))
    lines = [ChecklistLine(i.stage, i.text, i.required) for i in drone_type.checklist]
    lines.append(ChecklistLine("kitting", "Propellers bagged separately", False))
    drone_types.save_type(
        drone_type.id,
        drone_type.name,
        drone_type.prefix,
        True,
        [drone_types.BomLine(i.name, i.quantity, i.tracked) for i in drone_type.bom],
        lines,
        None,
    )
    db.session.expire_all()
    assert sorted(required_ids(reload(unit))) == kept  # the ids a tablet page holds still count
