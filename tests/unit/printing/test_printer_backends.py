"""The printer back-ends on real bytes: brother_ql's own raster read back by its own reader,
ZPL decoded back to the label, both arriving whole at a TCP listener like a printer's port 9100."""

import re

import pytest
import zxingcpp
from brother_ql.reader import BrotherQLReader
from PIL import Image

from tests.unit.printing.listener import busy_printer, closed_port, printer_listening
from workshop.labels import STOCKS, LabelContent, render_bitmap
from workshop.labels.printers import PrinterError, check, encode, send

URL = "http://192.168.1.10:5000/u/FPV7-2026-00012"
CONTENT = LabelContent(qr_text=URL, title="FPV7-2026-00012", lines=("Сокіл 7", "2026-11-27"))
GFA = re.compile(rb"\^GFA,(\d+),(\d+),(\d+),([0-9A-F]+)\^FS")


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"))]


def read_back(raster: bytes, folder, monkeypatch) -> list[Image.Image]:
    """The pages a Brother printer would print, as brother_ql's reader rebuilds them."""
    monkeypatch.chdir(folder)  # the reader saves each page into the working folder
    path = folder / "job.bin"
    path.write_bytes(raster)
    with path.open("rb") as file:
        BrotherQLReader(file).analyse()
    return [Image.open(page) for page in sorted(folder.glob("label*.png"))]


def test_brother_62x29_raster_arrives_whole_and_reads_back_to_the_unit_url(tmp_path, monkeypatch):
    raster = encode(
        "brother_ql",
        render_bitmap(CONTENT, STOCKS["62x29"]),
        model="QL-820NWB",
        stock_id="62x29",
    )
    with printer_listening() as printer:
        send("brother_ql", printer.address, raster, timeout=5)
        received = printer.wait_for(1)
    assert received == [raster]
    # The instruction stream: raster mode, invalidate, initialise (ESC @) ... print and feed.
    assert raster.startswith(b"\x1bia\x01" + b"\x00" * 400 + b"\x1b@")
    assert raster.endswith(b"\x1a")
    pages = read_back(received[0], tmp_path, monkeypatch)
    assert len(pages) == 1
    # A die-cut 62x29 label: 271 rows of the QL's 720-dot head.
    assert pages[0].size == (720, 271)
    assert decoded(pages[0]) == [URL]


def test_brother_media_instruction_names_the_62x29_die_cut_label():
    raster = encode(
        "brother_ql", render_bitmap(CONTENT, STOCKS["62x29"]), model="QL-820NWB", stock_id="62x29"
    )
    media = raster.index(b"\x1biz")
    _flags, kind, width_mm, length_mm = raster[media + 3 : media + 7]
    assert (kind, width_mm, length_mm) == (0x0B, 62, 29)


def test_brother_17x54_tag_is_turned_onto_the_narrow_tape(tmp_path, monkeypatch):
    image = render_bitmap(CONTENT, STOCKS["17x54"])
    assert image.width > image.height  # drawn as it is read
    raster = encode("brother_ql", image, model="QL-700", stock_id="17x54")
    (page,) = read_back(raster, tmp_path, monkeypatch)
    assert page.height == 566  # the tag's printable length runs along the tape
    assert decoded(page) == [URL]


def test_brother_continuous_62_keeps_the_drawing_length(tmp_path, monkeypatch):
    image = render_bitmap(CONTENT, STOCKS["62"])
    raster = encode("brother_ql", image, model="QL-820NWB", stock_id="62")
    (page,) = read_back(raster, tmp_path, monkeypatch)
    assert page.height == image.height
    assert decoded(page) == [URL]


def test_brother_copies_are_separate_pages(tmp_path, monkeypatch):
    raster = encode(
        "brother_ql",
        render_bitmap(CONTENT, STOCKS["62x29"]),
        model="QL-820NWB",
        stock_id="62x29",
        copies=3,
    )
    assert len(read_back(raster, tmp_path, monkeypatch)) == 3


def test_brother_refuses_a_stock_it_has_no_label_for():
    with pytest.raises(PrinterError) as refused:
        encode(
            "brother_ql",
            render_bitmap(CONTENT, STOCKS["50x30"]),
            model="QL-820NWB",
            stock_id="50x30",
        )
    assert refused.value.reason == "unsupported_stock"


@pytest.mark.parametrize("stock_id", ["50x30", "50x25"])
def test_zpl_arrives_whole_with_the_graphic_field_byte_count(stock_id):
    image = render_bitmap(CONTENT, STOCKS[stock_id])
    job = encode("zpl", image, model="", stock_id=stock_id, copies=2)
    with printer_listening() as printer:
        send("zpl", printer.address, job, timeout=5)
        (received,) = printer.wait_for(1)
    assert received == job
    assert received.startswith(b"^XA") and received.endswith(b"^XZ")
    assert f"^PW{image.width}^LL{image.height}".encode() in received
    assert b"^PQ2" in received
    match = GFA.search(received)
    assert match
    total, again, row, data = int(match[1]), int(match[2]), int(match[3]), match[4]
    assert total == again == len(data) // 2 == row * image.height
    assert row == (image.width + 7) // 8


def test_zpl_graphic_field_decodes_back_to_the_unit_url():
    image = render_bitmap(CONTENT, STOCKS["50x25"])
    match = GFA.search(encode("zpl", image, model="", stock_id="50x25"))
    assert match
    row = int(match[3])
    bits = Image.frombytes("1", (row * 8, image.height), bytes.fromhex(match[4].decode()))
    # ZPL's 1 is a black dot; Pillow's is white: turn it back to compare with the label.
    printed = Image.eval(bits.convert("L"), lambda value: 255 - value).crop((0, 0, *image.size))
    assert printed.convert("1").tobytes() == image.tobytes()
    assert decoded(printed) == [URL]


def test_a_printer_that_refuses_says_so_with_its_address():
    port = closed_port()
    with pytest.raises(PrinterError) as refused:
        send("zpl", f"tcp://127.0.0.1:{port}", b"^XA^XZ", timeout=5)
    assert refused.value.reason == "refused"
    assert refused.value.address == f"127.0.0.1:{port}"


def test_a_printer_that_does_not_answer_times_out():
    with busy_printer() as address, pytest.raises(PrinterError) as silent:
        send("brother_ql", address, b"\x00" * 10, timeout=0.3)
    assert silent.value.reason == "timeout"


@pytest.mark.parametrize(
    ("kind", "address", "model", "stock_id", "expected"),
    [
        ("zpl", "192.168.1.20", "", "50x30", "tcp://192.168.1.20:9100"),
        ("zpl", "printer.local:6101", "", "50x25", "tcp://printer.local:6101"),
        ("brother_ql", "tcp://192.168.1.21", "QL-820NWB", "62x29", "tcp://192.168.1.21:9100"),
        ("brother_ql", "usb://0x04f9:0x209b", "QL-820NWB", "62", "usb://0x04f9:0x209b"),
        ("brother_ql", "file:///dev/usb/lp0", "QL-820NWB", "62", "file:///dev/usb/lp0"),
    ],
)
def test_printer_addresses_take_their_full_form(kind, address, model, stock_id, expected):
    assert check(kind, address, model, stock_id) == expected


@pytest.mark.parametrize(
    ("kind", "address", "model", "stock_id", "reason"),
    [
        ("zpl", "http://192.168.1.20", "", "50x30", "bad_address"),
        ("zpl", "usb://0x04f9:0x209b", "", "50x30", "bad_address"),
        ("brother_ql", "file:///etc/passwd", "QL-820NWB", "62x29", "bad_address"),
        ("brother_ql", "file:///dev/usb/../../etc/passwd", "QL-820NWB", "62x29", "bad_address"),
        ("brother_ql", "usb://0x04f9:0x209b/../x", "QL-820NWB", "62x29", "bad_address"),
        ("zpl", "tcp://192.168.1.20:99999", "", "50x30", "bad_address"),
        ("zpl", "192.168.1.20", "", "a4-3x8", "unsupported_stock"),
        ("brother_ql", "192.168.1.21", "QL-9000", "62x29", "unknown_model"),
        ("brother_ql", "192.168.1.21", "QL-820NWB", "50x30", "unsupported_stock"),
        ("laser", "192.168.1.21", "", "62x29", "unknown_kind"),
    ],
)
def test_a_printer_that_cannot_work_is_refused_with_the_reason(
    kind, address, model, stock_id, reason
):
    with pytest.raises(PrinterError) as refused:
        check(kind, address, model, stock_id)
    assert refused.value.reason == reason


def test_a_usb_brother_that_is_not_plugged_in_is_no_device(tmp_path):
    with pytest.raises(PrinterError) as missing:
        send("brother_ql", f"file://{tmp_path / 'lp0'}", b"\x00", timeout=1)
    assert missing.value.reason == "no_device"
