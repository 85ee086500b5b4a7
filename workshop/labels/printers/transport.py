"""Raw TCP to a printer's port 9100 (JetDirect): the way both Brother QL and ZPL printers
take a job on the network."""

import socket
from urllib.parse import urlsplit

from workshop.labels.printers.errors import PrinterError

RAW_PORT = 9100


def tcp_target(address: str) -> tuple[str, int]:
    """Host and port of `tcp://host[:port]`, `host:port` or a bare host (port 9100)."""
    text = address if "://" in address else f"tcp://{address}"
    try:
        parts = urlsplit(text)
        port = parts.port or RAW_PORT
    except ValueError:
        raise PrinterError("bad_address", address) from None
    if parts.scheme != "tcp" or not parts.hostname or parts.path not in ("", "/"):
        raise PrinterError("bad_address", address)
    return parts.hostname, port


def canonical(address: str) -> str:
    host, port = tcp_target(address)
    return f"tcp://[{host}]:{port}" if ":" in host else f"tcp://{host}:{port}"


def send_tcp(address: str, data: bytes, timeout: float) -> None:
    """Connect, send every byte, close; a refusal, a timeout or a lost link is a PrinterError."""
    host, port = tcp_target(address)
    where = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.sendall(data)
            # The end of the job for the printer; it does not answer on this port, so waiting
            # for a reply would only turn a slow printer into a false failure.
            connection.shutdown(socket.SHUT_WR)
    except ConnectionRefusedError:
        raise PrinterError("refused", where) from None
    except TimeoutError:
        raise PrinterError("timeout", where) from None
    except OSError as error:
        raise PrinterError("unreachable", where, error.strerror or str(error)) from None
