"""What the printing tests share: adding a printer, waiting for the print worker, and reading back
what a ZPL printer got."""

import re

import zxingcpp
from PIL import Image

from workshop.models import Printer, User
from workshop.services import printing

GFA = re.compile(rb"\^GFA,\d+,\d+,(\d+),([0-9A-F]+)\^FS")


def printer_form(name: str, kind: str, address: str, model: str = "", stock: str = "62x29") -> dict:
    return {
        "new-name": name,
        "new-kind": kind,
        "new-address": address,
        "new-model": model,
        "new-stock": stock,
        "new-dpi": "",
    }


def add_printer(
    actor: User, address: str, kind: str = "zpl", stock: str = "50x30", name: str = "Zebra"
) -> Printer:
    model = "QL-820NWB" if kind == "brother_ql" else ""
    return printing.add_printer(printing.PrinterFields(name, kind, address, model, stock), actor)


def zpl_label(job: bytes) -> Image.Image:
    """The label a ZPL printer would print from this job."""
    match = GFA.search(job)
    assert match, job[:80]
    row = int(match[1])
    data = bytes.fromhex(match[2].decode())
    bits = Image.frombytes("1", (row * 8, len(data) // row), data)
    return Image.eval(bits.convert("L"), lambda value: 255 - value)


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def sent(app, timeout: float = 20) -> None:
    """Wait until the print worker has sent every queued job (it answers no request)."""
    assert printing.worker(app).wait_until_idle(timeout), "the print worker is still busy"
