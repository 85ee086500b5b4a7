"""Every stock: the label at the printer's resolution scans back to its URL, text in bounds."""

from xml.etree import ElementTree

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from workshop.labels import STOCKS, LabelContent, Stock, render_bitmap, render_svg
from workshop.labels.layouts import LAYOUTS, layout_for, place, printable

# A realistic worst case: a LAN address with a port, a long prefix, a Ukrainian type name.
URL = "http://192.168.100.200:5000/u/FPV10X-2026-00123"
CONTENT = LabelContent(URL, "FPV10X-2026-00123", ("Розвідник FPV 10 дюймів, нічний", "2026-11-27"))
SVG = "{http://www.w3.org/2000/svg}"


def decoded(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("stock", STOCKS.values(), ids=STOCKS.keys())
def test_label_scans_back_to_its_url_after_blur_and_downscale(stock: Stock):
    image = render_bitmap(CONTENT, stock)
    worn = image.convert("L").filter(ImageFilter.GaussianBlur(radius=1.2))
    smaller = worn.resize((round(image.width * 0.9), round(image.height * 0.9)), Image.BILINEAR)
    assert decoded(smaller) == [URL]


@pytest.mark.parametrize("stock", STOCKS.values(), ids=STOCKS.keys())
def test_bitmap_is_the_label_size_in_dots_at_the_printer_resolution(stock: Stock):
    image = render_bitmap(CONTENT, stock)
    layout = layout_for(stock)
    assert image.mode == "1"
    assert image.size == (stock.dots(layout.width), stock.dots(layout.height))
    if stock.height_mm is not None:
        assert (layout.width, layout.height) == (stock.width_mm, stock.height_mm)


def test_bitmap_at_another_resolution_keeps_the_size_in_mm_and_still_scans():
    stock = STOCKS["62x29"]
    image = render_bitmap(CONTENT, stock, dpi=203)
    assert image.size == (stock.dots(62, 203), stock.dots(29, 203))
    assert decoded(image.convert("L")) == [URL]


@pytest.mark.parametrize("stock", STOCKS.values(), ids=STOCKS.keys())
def test_serial_and_lines_lie_inside_the_printable_area(stock: Stock):
    placed = place(CONTENT, stock)
    area = printable(stock)
    title = placed.runs[0]
    assert title.text == CONTENT.title
    assert title.size >= 2.0  # large print: at least 2 mm em even on a 17 mm tag
    assert all(area.contains(run.box) for run in placed.runs)
    assert area.contains(placed.qr_box)
    assert not title.box.overlaps(placed.qr_box)


@pytest.mark.parametrize("stock", STOCKS.values(), ids=STOCKS.keys())
def test_no_ink_where_the_printer_cannot_reach_and_ink_where_the_serial_is(stock: Stock):
    image = render_bitmap(CONTENT, stock)
    margin_x, margin_y = stock.dots(stock.margin_x_mm), stock.dots(stock.margin_y_mm)
    inner = (margin_x, margin_y, image.width - margin_x, image.height - margin_y)
    outside = image.copy()
    outside.paste(1, inner)  # white out the printable area: what is left is the margin
    assert _all_white(outside)
    title = place(CONTENT, stock).runs[0].box
    dots = tuple(stock.dots(v) for v in (title.x, title.y, title.right, title.bottom))
    assert not _all_white(image.crop(dots))


def test_lines_that_do_not_fit_are_left_off_and_the_title_shrinks_to_fit():
    stock = STOCKS["17x54"]
    many = LabelContent(
        URL, "A-VERY-LONG-TITLE-THAT-NEEDS-SHRINKING", tuple(f"line {n}" for n in range(9))
    )
    placed = place(many, stock)
    layout = LAYOUTS["17x54"]
    assert 1 <= len(placed.runs) - 1 < 9
    assert placed.runs[0].size < layout.title_size
    assert placed.runs[0].box.right <= layout.title.right + 1e-6


@pytest.mark.parametrize("stock", STOCKS.values(), ids=STOCKS.keys())
def test_svg_is_sized_in_mm_and_draws_the_serial_at_the_measured_width(stock: Stock):
    root = ElementTree.fromstring(render_svg(CONTENT, stock))
    layout = layout_for(stock)
    assert (root.get("width"), root.get("height")) == (
        f"{layout.width:g}mm",
        f"{layout.height:g}mm",
    )
    texts = root.findall(f"{SVG}text")
    assert texts[0].text == CONTENT.title
    title = place(CONTENT, stock).runs[0]
    assert float(texts[0].get("textLength")) == pytest.approx(title.width, abs=0.001)
    assert float(texts[0].get("x")) + title.width <= layout.width - stock.margin_x_mm + 1e-3


def test_svg_escapes_text():
    svg = render_svg(LabelContent(URL, "<b>&", ("a < b",)), STOCKS["62x29"])
    texts = [t.text for t in ElementTree.fromstring(svg).findall(f"{SVG}text")]
    assert texts == ["<b>&", "a < b"]


def _all_white(image: Image.Image) -> bool:
    return image.convert("L").getextrema()[0] == 255
