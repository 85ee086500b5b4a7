"""Printer back-ends behind one small interface: a label bitmap in, bytes to the printer out.

`encode(kind, ...)` turns a label bitmap (mode "1", at the printer's resolution) into what the
printer speaks; `send(kind, address, data, timeout=...)` delivers it. Both raise PrinterError
with a reason a service can put into words.
"""

from PIL import Image

from workshop.labels.printers import brother, zpl
from workshop.labels.printers.errors import PrinterError
from workshop.labels.printers.transport import send_tcp, tcp_target

KINDS = ("brother_ql", "zpl")
BROTHER_MODELS = brother.MODELS


def check(kind: str, address: str, model: str, stock_id: str) -> str:
    """The address in its full form (tcp://host:9100); PrinterError if this printer cannot be
    reached that way or cannot print on this stock."""
    if kind == "brother_ql":
        return brother.check(address, model, stock_id)
    if kind == "zpl":
        return zpl.check(address, stock_id)
    raise PrinterError("unknown_kind", address, kind)


def encode(kind: str, image: Image.Image, *, model: str, stock_id: str, copies: int = 1) -> bytes:
    """The printer's own language for `copies` of this label."""
    if kind == "brother_ql":
        return brother.raster(image, model, stock_id, copies)
    if kind == "zpl":
        return zpl.document(image, copies)
    raise PrinterError("unknown_kind", "", kind)


def send(kind: str, address: str, data: bytes, *, timeout: float) -> None:
    """Deliver the bytes whole, or raise PrinterError saying why not."""
    if kind == "brother_ql" and not address.startswith("tcp://"):
        brother.send_local(address, data)
    else:
        send_tcp(address, data, timeout)


__all__ = ["BROTHER_MODELS", "KINDS", "PrinterError", "check", "encode", "send", "tcp_target"]
