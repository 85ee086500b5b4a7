"""Opening ports by pyserial URL, and finding USB serial ports that look like flight controllers."""

from __future__ import annotations

import contextlib
import re
import socket
from dataclasses import dataclass
from typing import cast

import serial
from serial.tools import list_ports
from serial.urlhandler import protocol_socket

from .errors import PortUnavailable

#: What a port's read, write or flush raises when the device goes away. A pty or tty on POSIX
#: can raise termios.error (not an OSError) from flush(); termios does not exist on Windows.
PORT_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError)
try:
    import termios

    PORT_ERRORS += (termios.error,)
except ImportError:  # Windows
    pass

#: USB (vendor id, product id) -> chip, for the USB virtual COM ports flight controller firmware
#: presents (Betaflight configurator's serial device list).
FC_USB_IDS: dict[tuple[int, int], str] = {
    (0x0483, 0x5740): "STM32 VCP",
    (0x2E3C, 0x5740): "AT32 VCP",
    (0x28E9, 0x018A): "GD32 VCP",
    (0x314B, 0x5740): "APM32 VCP",
    (0x2E8A, 0x0009): "RP2350 VCP",
    (0x3997, 0x5740): "X32 VCP",
}

#: USB-to-UART bridges: older boards sit behind one, but so do GPS units, radios and Arduinos.
MAYBE_FC_USB_IDS: dict[tuple[int, int], str] = {
    (0x10C4, 0xEA60): "CP210x",
    (0x10C4, 0xEA61): "CP210x",
    (0x10C4, 0xEA62): "CP210x",
    (0x1A86, 0x7523): "CH340",
    (0x0403, 0x6001): "FTDI FT232R",
}


@dataclass(frozen=True)
class PortInfo:
    device: str  # what to pass to open_port: "/dev/ttyACM0", "COM5"
    description: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    chip: str | None  # "STM32 VCP", "CP210x", ... or None when the USB id is not known
    likely_fc: bool  # a flight controller chip's own USB port; False ("maybe") for the rest


#: pyserial's socket:// raises "Write timeout" after a send that succeeded when the thread was
#: paused past the write timeout (a loaded bench laptop); a floor keeps that from failing a run.
WRITE_TIMEOUT_MIN = 5.0


def write_timeout(timeout: float) -> float:
    """Seconds a write may block: five read timeouts, at least WRITE_TIMEOUT_MIN."""
    return max(timeout * 5, WRITE_TIMEOUT_MIN)


class _SocketPort(protocol_socket.Serial):
    """pyserial's `socket://` port without the 0.3 s its close() sleeps "in case of quick
    reconnects": every run on a network port, and on the simulator, paid it. A reconnect that
    comes too soon is retried by the reconnect loops of the client and the CLI session."""

    def close(self) -> None:
        connection: socket.socket | None = getattr(self, "_socket", None)
        if self.is_open and connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._socket = None
        self.is_open = False


def open_port(url: str, *, timeout: float = 0.2, baudrate: int = 115200) -> serial.Serial:
    """Open a device path, COM port or pyserial URL (socket://, loop://, rfc2217://).

    Raises PortUnavailable with the reason (missing, busy, permission, bad URL).
    """
    try:
        if url.lower().startswith("socket://"):
            # Typed as serial_for_url types the socket ports it makes itself.
            port = cast(
                serial.Serial,
                _SocketPort(
                    None, baudrate=baudrate, timeout=timeout, write_timeout=write_timeout(timeout)
                ),
            )
            port.port = url
        else:
            port = serial.serial_for_url(
                url,
                baudrate=baudrate,
                timeout=timeout,
                write_timeout=write_timeout(timeout),
                do_not_open=True,
            )
        if "://" not in url:
            # Refuse a port another program holds (POSIX flock; Windows ports are exclusive anyway).
            port.exclusive = True
        port.open()
    except (serial.SerialException, OSError, ValueError) as exc:
        raise PortUnavailable(f"cannot open {url}: {open_failure(exc, url)}") from exc
    return port


def open_failure(exc: BaseException, url: str) -> str:
    """Why a port did not open, said once.

    pyserial wraps the operating system's error in its own and repeats the port in both
    ("[Errno 2] could not open port X: [Errno 2] No such file or directory: 'X'"); Windows
    adds the error's repr ("FileNotFoundError(2, 'The system cannot...', None, 2)").
    """
    text = str(exc)
    if "exclusively lock" in text:
        return "it is in use by another program"
    text = re.sub(r"\[Errno -?\d+\] ", "", text)
    text = re.sub(r"(?i)^could not open port .*?: ", "", text)
    windows = re.match(r"^\w+\(-?\d+, '([^']*)'", text)
    if windows:
        text = windows.group(1)
    for name in (url, repr(url)):
        text = text.removesuffix(f": {name}").removesuffix(f": '{name}'")
    return text.strip() or type(exc).__name__


def _classify(vid: int | None, pid: int | None) -> tuple[str | None, bool]:
    if vid is None or pid is None:
        return None, False
    if (vid, pid) in FC_USB_IDS:
        return FC_USB_IDS[(vid, pid)], True
    return MAYBE_FC_USB_IDS.get((vid, pid)), False


def find_flight_controllers(include_unknown: bool = True) -> list[PortInfo]:
    """USB serial ports whose USB id is a flight controller chip's; with include_unknown, every
    other USB serial port too (a known USB-UART bridge with its chip, an id in neither table with
    chip None), all with likely_fc False: "maybe". Ports without a USB id (built-in UARTs) never."""
    found = []
    for p in sorted(list_ports.comports(), key=lambda p: p.device):
        if p.vid is None:
            continue
        chip, likely = _classify(p.vid, p.pid)
        if not likely and not include_unknown:
            continue
        found.append(
            PortInfo(p.device, p.description or "", p.vid, p.pid, p.serial_number, chip, likely)
        )
    return found
