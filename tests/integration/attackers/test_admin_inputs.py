"""Issue 12, point 3: a careless (or hostile) coordinator cannot save a quantity that is not one
as a part's name, nor a bench port or a printer address that would open a file."""

import pytest
import sqlalchemy as sa

from tests.helpers import post
from tests.integration.support import database_state, text
from workshop.extensions import db
from workshop.models import BenchPort, DroneType

QUANTITY = "Bill of materials, line {}: the quantity is a whole number from 1 to 999."
PORT = "Give the port as COM3, /dev/ttyACM0, /dev/serial/by-id/…, socket://host:port or sim://"


def _type_form(bom: str) -> dict:
    return {"name": "FPV 7 inch", "prefix": "FPV7", "bom": bom, "active": "y"}


@pytest.mark.parametrize(
    ("bom", "line"),
    [
        ("-5 x Motor", 1),
        ("Frame\n99999999999999999999 x Motor", 2),
        ("1.5 x Motor", 1),
        ("0 x Motor", 1),
        ("1000 x Screw M3", 1),
        ("+4 x Motor", 1),
        ("−2 х Мотор", 1),
    ],
)
def test_a_bill_of_materials_line_with_a_quantity_that_is_not_one_is_refused(
    app, client, coordinator, bom, line
):
    before = database_state()
    response = post(client, "/admin/types/new", _type_form(bom))
    assert response.status_code == 400
    assert QUANTITY.format(line) in text(response)
    assert database_state() == before


def test_quantities_within_reason_are_saved_as_quantities(app, client, coordinator):
    bom = "4 x Motor 2807 *\n999 x Screw M3\n2207 stator spare\n2х Пропелер"
    assert post(client, "/admin/types/new", _type_form(bom)).status_code == 302
    drone_type = db.session.scalars(sa.select(DroneType)).one()
    assert [(i.quantity, i.name, i.tracked) for i in drone_type.bom] == [
        (4, "Motor 2807", True),
        (999, "Screw M3", False),
        (1, "2207 stator spare", False),
        (2, "Пропелер", False),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "/dev/sda",
        "/dev/tty/../../etc/passwd",
        "/dev/serial/by-id/../../../etc/shadow",
        "loop://",
        "spy://COM3",
        "rfc2217://192.168.1.5:2217",
        "hwgrep://.*",
        "socket://192.168.1.5",
        "socket://192.168.1.5:99999",
        "socket://host:0",
        "COM0",
        "COM 3",
        "\\\\.\\COM3",
    ],
)
def test_a_bench_port_that_is_no_serial_port_is_refused(app, client, coordinator, url):
    before = database_state()
    response = post(client, "/admin/ports", {"name": "Bench 1", "url": url})
    assert response.status_code == 400
    assert PORT in text(response)
    assert database_state() == before


@pytest.mark.parametrize(
    ("url", "saved"),
    [
        ("COM3", "COM3"),
        ("com12", "COM12"),
        ("/dev/ttyACM0", "/dev/ttyACM0"),
        ("/dev/ttyUSB1", "/dev/ttyUSB1"),
        (
            "/dev/serial/by-id/usb-Betaflight_STM32F405_0x8000000-if00",
            "/dev/serial/by-id/usb-Betaflight_STM32F405_0x8000000-if00",
        ),
        ("socket://127.0.0.1:5761", "socket://127.0.0.1:5761"),
        ("socket://[::1]:5761", "socket://[::1]:5761"),
        ("socket://sitl.local:5761", "socket://sitl.local:5761"),
        ("sim://noisy_gyro", "sim://noisy_gyro"),
    ],
)
def test_serial_devices_sockets_and_simulators_are_bench_ports(
    app, client, coordinator, url, saved
):
    assert post(client, "/admin/ports", {"name": "Bench 1", "url": url}).status_code == 302
    assert db.session.scalars(sa.select(BenchPort.url)).one() == saved


@pytest.mark.parametrize("address", ["file:///etc/passwd", "file:///tmp/label.bin"])
def test_a_printer_address_that_names_a_file_is_refused(app, client, coordinator, address):
    before = database_state()
    response = post(
        client,
        "/admin/printers",
        {
            "new-name": "QL",
            "new-kind": "brother_ql",
            "new-address": address,
            "new-model": "QL-820NWB",
            "new-stock": "62x29",
        },
    )
    assert response.status_code == 400
    assert f"The printer address {address} cannot be used." in text(response)
    assert database_state() == before
