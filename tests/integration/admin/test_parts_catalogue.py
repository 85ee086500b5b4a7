"""The parts catalogue grows out of the bills of materials; the coordinator completes it."""

import pytest
import sqlalchemy as sa

from tests.helpers import make_drone_type, post
from tests.integration.support import audit_events, database_state, text
from workshop.extensions import db
from workshop.models import DroneType, Part
from workshop.services import drone_types, parts
from workshop.services.drone_types import BomLine
from workshop.services.errors import Invalid


def catalogue() -> list[tuple[str, bool]]:
    db.session.expire_all()
    return [(p.name, p.tracked) for p in db.session.scalars(sa.select(Part).order_by(Part.id))]


def test_a_bill_names_parts_and_the_same_name_in_two_bills_is_one_part(app, client, coordinator):
    make_drone_type("T7")
    make_drone_type("T10")  # the same three names
    drone_types.save_type(
        None, "Quad", "QD", True, [BomLine("  frame "), BomLine("Camera", 1, True)], [], None
    )
    assert catalogue() == [
        ("Frame", False),
        ("Flight controller", True),
        ("ESC", True),
        ("Camera", True),
    ]
    quad = db.session.scalar(sa.select(DroneType).where(DroneType.prefix == "QD"))
    assert quad.bom[0].part.name == "Frame"  # any case and spacing: the catalogue's part
    assert [e.after["name"] for e in audit_events(action="part.create")] == [
        "Frame",
        "Flight controller",
        "ESC",
        "Camera",
    ]


@pytest.mark.parametrize(
    ("bom", "says"),
    [
        (
            "1 x Frame\n1 x ESC",
            "“ESC” is a tracked part in the parts catalogue: mark its line with *",
        ),
        ("1 x Frame *", "“Frame” is not tracked in the parts catalogue: take the * off its line"),
        ("1 x Frame\n2 x frame", "“Frame” is listed twice in the bill of materials."),
    ],
)
def test_a_bill_that_disagrees_with_the_catalogue_is_refused(app, client, coordinator, bom, says):
    make_drone_type("T7")
    before = database_state()
    form = {"name": "New", "prefix": "NW", "bom": bom, "active": "y"}
    response = post(client, "/admin/types/new", form)
    assert response.status_code == 400
    assert says in text(response)
    assert database_state() == before


def test_the_coordinator_adds_and_changes_parts_and_a_rename_reaches_every_bill(
    app, client, coordinator
):
    drone_type = make_drone_type("T7")
    new = {
        "new-name": "Solder wire",
        "new-category": "Consumables",
        "new-measure": "g",
        "new-low_stock": "200",
    }
    assert post(client, "/stock/parts", new).status_code == 302
    solder = parts.find("solder WIRE")
    assert (solder.category, solder.measure, solder.tracked, solder.low_stock) == (
        "Consumables",
        "g",
        False,
        200,
    )
    frame = parts.find("Frame")
    edit = {
        f"p{frame.id}-name": "Frame 7in carbon",
        f"p{frame.id}-category": "Frames",
        f"p{frame.id}-measure": "pcs",
        f"p{frame.id}-low_stock": "5",
    }
    assert post(client, f"/stock/parts/{frame.id}", edit).status_code == 302
    db.session.expire_all()
    assert db.session.get(DroneType, drone_type.id).bom[0].name == "Frame 7in carbon"
    assert "1 x Frame 7in carbon" in text(client.get(f"/admin/types/{drone_type.id}"))
    event = audit_events(str(frame.id), "part.update")[-1]
    assert (event.before["name"], event.after["name"]) == ("Frame", "Frame 7in carbon")


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"new-name": ""}, "This field is required."),
        ({"new-low_stock": "1.5"}, "a whole number from 0 to 100000 is needed, not “1.5”."),
        ({"new-low_stock": "-1"}, "a whole number from 0 to 100000 is needed, not “-1”."),
        ({"new-measure": "kg"}, "Not a valid choice"),
        ({"new-name": "esc"}, "The catalogue already has the part “ESC”."),
        ({"new-category": "x" * 61}, "at most 60 characters"),
        ({"new-name": "Motor\x00 2807"}, "control character"),
    ],
)
def test_a_bad_part_is_refused_and_changes_nothing(app, client, coordinator, changes, says):
    make_drone_type("T7")
    form = {"new-name": "Antenna", "new-measure": "pcs", "new-low_stock": "0"} | changes
    before = database_state()
    response = post(client, "/stock/parts", form)
    assert response.status_code == 400
    assert says in text(response)
    assert database_state() == before


def test_a_volunteer_cannot_change_the_catalogue(app, client, volunteer):
    assert client.get("/stock/parts").status_code == 403


def test_a_part_name_already_taken_is_refused_by_the_service(app):
    make_drone_type("T7")
    with pytest.raises(Invalid):
        parts.update_part(parts.find("Frame").id, parts.PartFields("esc"), None)
