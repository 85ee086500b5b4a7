"""The stocks and their layouts as data: every box inside what the printer reaches, no overlaps."""

import pytest

from workshop.labels import STOCKS, UnknownStock, get_stock
from workshop.labels.layouts import LAYOUTS, layout_for, printable


def test_the_stocks_the_issue_names_exist_with_their_printer_resolution():
    assert {sid: STOCKS[sid].dpi for sid in STOCKS} == {
        "62x29": 300,
        "62": 300,
        "17x54": 300,
        "50x30": 203,
        "50x25": 203,
        "a4-3x8": 300,
    }
    assert STOCKS["62"].continuous and not STOCKS["62x29"].continuous
    assert set(LAYOUTS) == set(STOCKS)


def test_an_unknown_stock_is_refused_by_name_with_the_known_ones():
    with pytest.raises(UnknownStock, match="'99x99'.*62x29, 62, 17x54, 50x30, 50x25, a4-3x8"):
        get_stock("99x99")
    assert get_stock("17x54") is STOCKS["17x54"]


@pytest.mark.parametrize("stock", STOCKS.values(), ids=STOCKS.keys())
def test_every_layout_box_lies_where_the_printer_reaches_and_none_overlap(stock):
    layout = layout_for(stock)
    reach = printable(stock)
    boxes = [layout.qr, layout.title, layout.lines]
    assert all(reach.contains(box) for box in boxes)
    assert layout.qr.width == layout.qr.height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_the_a4_grid_fits_the_sheet_and_counts_across_then_down():
    sheet = STOCKS["a4-3x8"].sheet
    assert sheet is not None and sheet.per_page == 24
    right, bottom = sheet.origin(24)
    assert right + 70 <= sheet.page_width_mm and bottom + 37 <= sheet.page_height_mm
    assert sheet.origin(2) == (70, 0.5) and sheet.origin(4) == (0, 37.5)
    assert list(sheet.positions(3, start=23)) == [(0, 23), (0, 24), (1, 1)]
    with pytest.raises(ValueError):
        sheet.origin(25)
