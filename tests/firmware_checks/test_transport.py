"""Opening ports by URL and recognising flight controllers among USB ports."""

from __future__ import annotations

import socket

import pytest
from serial.tools import list_ports_common

from firmware_checks import transport
from firmware_checks.errors import PortUnavailable


def test_opens_a_socket_url():
    server = socket.create_server(("127.0.0.1", 0))
    try:
        port = transport.open_port(f"socket://127.0.0.1:{server.getsockname()[1]}", timeout=0.1)
        assert port.is_open and port.timeout == 0.1
        port.close()
    finally:
        server.close()


@pytest.mark.parametrize(
    "url",
    ["/dev/no-such-flight-controller", "socket://127.0.0.1:1", "nonsense://x", "socket://no-port"],
)
def test_unopenable_port_is_port_unavailable_with_the_reason(url):
    with pytest.raises(PortUnavailable, match=f"cannot open {url}"):
        transport.open_port(url)


def fake_port(device, vid, pid, serial_number="0123"):
    info = list_ports_common.ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid, info.serial_number, info.description = (
        vid,
        pid,
        serial_number,
        f"{device} desc",
    )
    return info


@pytest.fixture
def usb_ports(monkeypatch):
    # The only stand-in here: the OS's list of USB devices, which a test machine does not have.
    ports = [
        fake_port("/dev/ttyACM0", 0x0483, 0x5740),
        fake_port("/dev/ttyACM1", 0x2E3C, 0x5740),
        fake_port("/dev/ttyUSB0", 0x10C4, 0xEA60),
        fake_port("/dev/ttyUSB1", 0x1A86, 0x55D4),  # a CH9102 bridge, in neither table: "maybe"
        fake_port("/dev/ttyACM2", 0x1209, 0x1234),  # a vendor's own USB id, unknown: "maybe"
        fake_port("/dev/ttyS0", None, None),  # a built-in UART, no USB id: not listed
    ]
    monkeypatch.setattr(transport.list_ports, "comports", lambda: ports)


def test_every_usb_serial_port_is_listed_unknown_ones_as_maybe(usb_ports):
    found = transport.find_flight_controllers()
    assert [(p.device, p.chip, p.likely_fc) for p in found] == [
        ("/dev/ttyACM0", "STM32 VCP", True),
        ("/dev/ttyACM1", "AT32 VCP", True),
        ("/dev/ttyACM2", None, False),
        ("/dev/ttyUSB0", "CP210x", False),
        ("/dev/ttyUSB1", None, False),
    ]
    assert found[0].serial_number == "0123" and found[0].description == "/dev/ttyACM0 desc"


def test_bridges_can_be_left_out(usb_ports):
    assert [p.device for p in transport.find_flight_controllers(include_unknown=False)] == [
        "/dev/ttyACM0",
        "/dev/ttyACM1",
    ]


def test_the_ports_command_shows_unknown_ports_as_maybe(usb_ports, capsys):
    from firmware_checks.__main__ import main

    assert main(["ports"]) == 0
    lines = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["/dev/ttyACM0"][1:3] == ["yes", "STM32"]
    assert lines["/dev/ttyUSB1"][1:4] == ["maybe", "-", "1a86:55d4"]
    assert lines["/dev/ttyACM2"][1:4] == ["maybe", "-", "1209:1234"]
    assert "/dev/ttyS0" not in lines


def test_a_write_may_block_for_five_read_timeouts_but_never_less_than_the_floor():
    # A loaded laptop may pause the thread around a send for seconds; pyserial's socket://
    # then raises "Write timeout" although the bytes went out. The floor keeps that rare.
    assert transport.write_timeout(0.5) == transport.WRITE_TIMEOUT_MIN == 5.0
    assert transport.write_timeout(2.0) == 10.0
