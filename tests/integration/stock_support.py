"""A workshop with stock on its shelves, built through the real services, and the forms a
tablet sends to draw from it."""

from dataclasses import dataclass

from flask.testing import FlaskClient

from tests.helpers import make_place, make_user, post, receive, reload
from workshop.extensions import db
from workshop.models import DroneType, Lot, Place, Unit, User
from workshop.services import draws, drone_types, parts, units
from workshop.services.drone_types import BomLine
from workshop.services.parts import PartFields
from workshop.workflow import Role

#: A small quad: one frame, four motors and a tracked ESC.
BOM = [BomLine("Frame"), BomLine("Motor 2807", 4), BomLine("ESC 4in1", 1, tracked=True)]


def quad(prefix: str = "Q7", bom: list[BomLine] | None = None) -> DroneType:
    return drone_types.save_type(None, f"Quad {prefix}", prefix, True, bom or BOM, [], None)


@dataclass
class Shop:
    """Kyiv workshop: frames on shelf 1, motors and ESCs in box 2, a unit at kitting there."""

    volunteer: User
    coordinator: User
    drone_type: DroneType
    shelf: Place
    box: Place
    frames: Lot
    motors: Lot
    escs: Lot
    unit: Unit

    def line(self, name: str) -> int:
        return next(item.id for item in self.drone_type.bom if item.name == name)


def open_shop(prefix: str = "Q7") -> Shop:
    coordinator = make_user(Role.ADMIN)
    drone_type = quad(prefix)
    shelf = make_place("Kyiv workshop/Shelf 1")
    box = make_place("Kyiv workshop/Box 2")
    frames = receive("Frame", 10, shelf, coordinator)
    motors = receive("Motor 2807", 10, box, coordinator)
    escs = receive("ESC 4in1", 5, box, coordinator)
    volunteer = make_user()
    unit = units.create_unit(drone_type.id, volunteer)
    return Shop(volunteer, coordinator, drone_type, shelf, box, frames, motors, escs, unit)


def draw(
    client: FlaskClient, unit: Unit, code: str, quantity: str = "", version: int | None = None
):
    """The unit page's draw form, as a tablet sends it after a scan."""
    return post(
        client,
        f"/u/{unit.serial}/draw",
        {
            "draw-version": str(version if version is not None else reload(unit).version),
            "draw-code": code,
            "draw-quantity": quantity,
        },
    )


def lot_quantity(lot: Lot) -> int:
    db.session.expire_all()
    return db.session.get(Lot, lot.id).quantity


def _other_site_lot(shop: Shop) -> tuple[str, str]:
    far = receive("Motor 2807", 50, make_place("Lviv warehouse/Rack 1"), shop.coordinator)
    return far.code, f"Lot {far.code} lies at Lviv warehouse; this unit is kitted at Kyiv workshop."


def _empty_lot(shop: Shop) -> tuple[str, str]:
    last = receive("ESC 4in1", 1, shop.shelf, shop.coordinator)
    other = units.create_unit(shop.drone_type.id, shop.volunteer)
    draws.draw(other, shop.line("ESC 4in1"), last.code, 1, shop.volunteer, other.version)
    return last.code, f"Lot {last.code} is empty."


def _unused_part(shop: Shop) -> tuple[str, str]:
    parts.create_part(PartFields("Camera"), shop.coordinator)
    camera = receive("Camera", 5, shop.box, shop.coordinator)
    return camera.code, f"Lot {camera.code} holds Camera, which Quad Q7 does not use."


#: What a volunteer scans or types at the shop's unit that must be refused: the code made from
#: the shop, and what they are told.
REFUSED = {
    "another site's lot": _other_site_lot,
    "an empty lot": _empty_lot,
    "a part the type does not use": _unused_part,
    "an unknown lot": lambda shop: ("L-999999", "No lot has the code L-999999."),
    "an unknown place": lambda shop: ("P-999999", "No place has the code P-999999."),
    "a unit serial": lambda shop: (
        "FPV7-2026-00001",
        "“FPV7-2026-00001” is not a lot or place label.",
    ),
    "a line drawn in full": lambda shop: (shop.frames.code, "All 1 × Frame are drawn already."),
}
