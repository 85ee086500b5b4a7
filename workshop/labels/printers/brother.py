"""Brother QL printers through brother_ql (brother-ql-next): raster instructions, and sending
them over USB where the printer is plugged into the server."""

import re

from brother_ql.backends.helpers import send as brother_send
from brother_ql.conversion import convert
from brother_ql.exceptions import BrotherQLError
from brother_ql.labels import FormFactor, Label, LabelsManager
from brother_ql.models import ModelsManager
from brother_ql.raster import BrotherQLRaster
from PIL import Image

from workshop.labels.printers.errors import PrinterError
from workshop.labels.printers.transport import canonical

#: Our stock ids and brother_ql's label identifiers for the Brother media they are.
LABELS = {"62x29": "62x29", "62": "62", "17x54": "17x54"}
MODELS = tuple(model.identifier for model in ModelsManager().iter_elements())
#: Where a printer plugged into the server is: pyusb (usb://0x04f9:0x209b, with the printer's
#: serial number after a slash where two are plugged in) or the Linux printer device
#: (file:///dev/usb/lp0). Nothing else: a printer address must never name a file to write.
LOCAL_SCHEMES = ("usb://", "file://")
LOCAL_ADDRESS = re.compile(
    r"usb://0x[0-9A-Fa-f]{4}:0x[0-9A-Fa-f]{4}(?:/[A-Za-z0-9]{1,32})?|file:///dev/usb/lp\d{1,3}"
)


def check(address: str, model: str, stock_id: str) -> str:
    if model not in MODELS:
        raise PrinterError("unknown_model", address, model)
    if stock_id not in LABELS:
        raise PrinterError("unsupported_stock", address, stock_id)
    if address.startswith(LOCAL_SCHEMES):
        if not LOCAL_ADDRESS.fullmatch(address):
            raise PrinterError("bad_address", address)
        return address
    return canonical(address)


def _label(stock_id: str) -> Label:
    try:
        return LabelsManager()[LABELS[stock_id]]
    except KeyError:
        raise PrinterError("unsupported_stock", "", stock_id) from None


def printable(image: Image.Image, label: Label) -> Image.Image:
    """The part of a whole-label bitmap the printer can reach, as brother_ql expects it.

    The renderer draws the whole label as read; brother_ql wants the printable area across the
    tape, so a label drawn lengthwise (17x54) is turned, and the unreachable edges are cut off
    evenly (the layout keeps ink out of them).
    """
    across, along = label.dots_total
    die_cut = label.form_factor is not FormFactor.ENDLESS
    if die_cut and (across < along) != (image.width < image.height):
        image = image.rotate(90, expand=True)
    width, height = label.dots_printable
    height = height or image.height  # endless tape: as long as the drawing
    page = Image.new("1", (width, height), 1)
    page.paste(image.convert("1"), ((width - image.width) // 2, (height - image.height) // 2))
    return page


def raster(image: Image.Image, model: str, stock_id: str, copies: int = 1) -> bytes:
    """The raster instructions for `copies` of the label, made by brother_ql's own convert()."""
    label = _label(stock_id)
    page = printable(image, label)
    qlr = BrotherQLRaster(model)
    qlr.exception_on_warning = True
    try:
        convert(
            qlr,
            [page] * copies,
            label.identifier,
            cut=True,
            rotate=0,
            compress=qlr.model.compression,
        )
    except (BrotherQLError, ValueError) as error:
        raise PrinterError("unsupported_stock", "", str(error)) from None
    return bytes(qlr.data)


def send_local(address: str, data: bytes) -> None:
    """Send to a printer on this machine's USB, and read back whether it printed."""
    try:
        status = brother_send(data, address, blocking=True)
    except (OSError, ValueError, ImportError, BrotherQLError) as error:
        # pyusb says "Device not found" (or finds no libusb on this machine); the Linux device
        # file is missing or not permitted.
        raise PrinterError("no_device", address, str(error)) from None
    state = status.get("printer_state") or {}
    if status.get("outcome") == "error":
        raise PrinterError("printer_error", address, ", ".join(state.get("errors", [])))
