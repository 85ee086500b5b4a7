"""The QR code's error correction and module size follow from the space and the printer."""

import pytest
import zxingcpp
from PIL import Image

from workshop.labels import STOCKS, LabelContent, render_bitmap
from workshop.labels.layouts import place
from workshop.labels.qr import QUIET_MODULES, CodeTooLong, encode, min_module_dots, module_dots

URL = "http://192.168.1.10:5000/u/FPV7-2026-00012"


def test_largest_modules_first_then_the_strongest_correction_at_that_size():
    # 14 mm at 300 dpi is 165 dots: version 3 (29 modules, L or M) gets 5-dot modules,
    # version 4 (Q) only 4: M wins over Q, and over L at the same size.
    code = encode(URL, 14, 300)
    assert (code.size, code.error_correction) == (29, "M")
    assert module_dots(code.size, 165) == 5


def test_a_roomy_box_gets_the_strongest_correction_whose_modules_are_as_large():
    # Four bytes fit version 1 at every level: H costs no module size, so it is taken.
    code = encode("FPV7", 23, 300)
    assert (code.size, code.error_correction) == (21, "H")


def test_a_code_too_dense_for_the_smallest_module_is_refused_not_printed_unreadable():
    too_long = "http://workshop-laptop-in-the-back-room.example.org:8443/u/" + "x" * 60
    with pytest.raises(CodeTooLong):
        encode(too_long, 14, 300)
    with pytest.raises(CodeTooLong):
        render_bitmap(LabelContent(too_long, "X"), STOCKS["17x54"])


@pytest.mark.parametrize("stock", STOCKS.values(), ids=STOCKS.keys())
def test_every_stock_prints_modules_no_smaller_than_its_printer_prints_clean(stock):
    placed = place(LabelContent(URL, "FPV7-2026-00012"), stock)
    _, _, module = placed.qr_origin_and_module(stock.dpi)
    assert module >= min_module_dots(stock.dpi) >= 3


def test_runs_cover_exactly_the_dark_modules():
    code = encode(URL, 20, 300)
    painted = {(row, col + i) for row, col, length in code.runs() for i in range(length)}
    dark = {(r, c) for r, line in enumerate(code.modules) for c, on in enumerate(line) if on}
    assert painted == dark


def test_the_matrix_alone_decodes_with_its_quiet_zone():
    code = encode(URL, 20, 300)
    side = code.size + 2 * QUIET_MODULES
    image = Image.new("L", (side, side), 255)
    image.putdata(
        [
            0
            if QUIET_MODULES <= r < side - QUIET_MODULES
            and QUIET_MODULES <= c < side - QUIET_MODULES
            and code.modules[r - QUIET_MODULES][c - QUIET_MODULES]
            else 255
            for r in range(side)
            for c in range(side)
        ]
    )
    image = image.resize((side * 4, side * 4), Image.NEAREST)
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [URL]


def test_a_resolution_too_coarse_for_any_module_is_refused():
    with pytest.raises(CodeTooLong, match="at 20 dpi"):
        render_bitmap(LabelContent(URL, "FPV7-2026-00012"), STOCKS["17x54"], dpi=20)
