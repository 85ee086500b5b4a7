"""The serial ports of the workshop computer that volunteers may run a flight controller on."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from firmware_checks.simulator import get_profile
from workshop.extensions import db
from workshop.models import BenchPort, User
from workshop.services import audit
from workshop.services.errors import Invalid, NotFound

SIM_SCHEME = "sim://"
NAME_MAX, URL_MAX = 64, 200
#: COM1 to COM256, as Windows names serial ports (any case).
WINDOWS_PORT = re.compile(r"COM([1-9]\d{0,2})", re.IGNORECASE)
#: A serial device on Linux: /dev/ttyACM0, /dev/ttyUSB1, or its stable name under by-id.
DEVICE_PATH = re.compile(r"/dev/tty[A-Za-z0-9_.-]+|/dev/serial/by-id/[A-Za-z0-9_.:+@-]+")
#: socket://host:port, the host a name, an IPv4 address or a bracketed IPv6 address.
SOCKET_URL = re.compile(
    r"socket://(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\]):(\d{1,5})"
)


def list_ports(active_only: bool = True) -> list[BenchPort]:
    query = sa.select(BenchPort).order_by(BenchPort.name)
    if active_only:
        query = query.where(BenchPort.active)
    return list(db.session.scalars(query))


def get_port(port_id: int) -> BenchPort:
    port = db.session.get(BenchPort, port_id)
    if port is None:
        raise NotFound(_l("There is no such port."))
    return port


def simulator_profile(port: BenchPort) -> str | None:
    """The simulator profile of a `sim://<profile>` port; None for a real port."""
    return port.url[len(SIM_SCHEME) :] if port.url.startswith(SIM_SCHEME) else None


def port_address(url: str) -> str:
    """`url` as a bench port's address, or Invalid: a serial device (`COM3`, `/dev/ttyACM0`,
    `/dev/serial/by-id/...`), a TCP serial bridge (`socket://host:port`, Betaflight SITL) or a
    simulated board (`sim://profile`). Nothing else, so a port can never open a file or any
    other pyserial URL handler."""
    url = url.strip()
    if len(url) <= URL_MAX:
        if match := WINDOWS_PORT.fullmatch(url):
            return f"COM{int(match[1])}"
        if DEVICE_PATH.fullmatch(url) and ".." not in url:
            return url
        if (match := SOCKET_URL.fullmatch(url)) and 0 < int(match[1]) < 65_536:
            return url
        if url.startswith(SIM_SCHEME):
            try:
                get_profile(url[len(SIM_SCHEME) :])
            except ValueError:
                raise Invalid(
                    _l("There is no simulator profile “%(name)s”.", name=url[len(SIM_SCHEME) :])
                ) from None
            return url
    raise Invalid(
        _l(
            "Give the port as COM3, /dev/ttyACM0, /dev/serial/by-id/…, socket://host:port or "
            "sim://profile."
        )
    )


def add_port(name: str, url: str, actor: User | None) -> BenchPort:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(_l("A port needs a name of at most 64 characters."))
    url = port_address(url)
    if db.session.scalar(sa.select(BenchPort.id).where(BenchPort.name == name)):
        raise Invalid(_l("Another port already has this name."))
    port = BenchPort(name=name, url=url)
    db.session.add(port)
    db.session.flush()
    audit.record(actor, "port.create", "port", port.id, None, {"name": name, "url": url})
    db.session.commit()
    return port


def set_active(port_id: int, active: bool, actor: User | None) -> BenchPort:
    """Offer the port to volunteers, or stop offering it (a board being repaired)."""
    port = get_port(port_id)
    before = {"active": port.active}
    port.active = active
    audit.record(actor, "port.update", "port", port.id, before, {"active": active})
    db.session.commit()
    return port


def remove_port(port_id: int, actor: User | None) -> None:
    """Forget a port; its runs keep the address they were read on."""
    port = get_port(port_id)
    audit.record(actor, "port.remove", "port", port.id, {"name": port.name, "url": port.url}, None)
    db.session.delete(port)
    db.session.commit()
