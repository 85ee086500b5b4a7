"""A workshop with stock on its shelves, built through the real services, and the forms a
tablet sends to draw from it."""

from dataclasses import dataclass

from flask.testing import FlaskClient

from tests.helpers import make_place, make_user, post, receive, reload
from workshop.extensions import db
from workshop.models import DroneType, Lot, Place, Unit, User
from workshop.services import drone_types, units
from workshop.services.drone_types import BomLine
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
