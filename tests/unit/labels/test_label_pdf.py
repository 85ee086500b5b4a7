"""The PDF: a page per label of exactly the label's size, or A4 sheets from a start position."""

from io import BytesIO

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from workshop.labels import STOCKS, LabelContent, Stock, render_pdf
from workshop.labels.layouts import layout_for
from workshop.labels.stocks import MM_PER_INCH

PT_TO_MM = MM_PER_INCH / 72


def label(n: int) -> LabelContent:
    serial = f"FPV7-2026-{n:05d}"
    return LabelContent(f"http://192.168.1.10:5000/u/{serial}", serial, ("Тип FPV7", "2026-11-27"))


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width) * PT_TO_MM, float(page.mediabox.height) * PT_TO_MM)
        for page in PdfReader(BytesIO(pdf)).pages
    ]


def title_positions_mm(pdf: bytes) -> list[tuple[str, float, float]]:
    """Where each serial starts on its page: (serial, x from the left, baseline from the top)."""
    found = []
    for page in PdfReader(BytesIO(pdf)).pages:
        height = float(page.mediabox.height)

        def visit(text, _cm, tm, _font, _size, page_height=height):
            if text.startswith("FPV7-"):
                found.append((text, tm[4] * PT_TO_MM, (page_height - tm[5]) * PT_TO_MM))

        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("stock", [s for s in STOCKS.values() if s.sheet is None], ids=str)
def test_one_page_per_label_of_the_label_size_in_mm(stock: Stock):
    layout = layout_for(stock)
    sizes = page_sizes_mm(render_pdf([label(1), label(2), label(3)], stock))
    assert len(sizes) == 3
    for width, height in sizes:
        assert width == pytest.approx(layout.width, abs=0.01)
        assert height == pytest.approx(layout.height, abs=0.01)


def test_every_label_carries_its_own_serial():
    pdf = render_pdf([label(1), label(2)], STOCKS["62x29"])
    assert [text for text, _, _ in title_positions_mm(pdf)] == [
        "FPV7-2026-00001",
        "FPV7-2026-00002",
    ]


def test_a4_sheet_is_a4_and_holds_24_labels_a_page():
    sizes = page_sizes_mm(render_pdf([label(n) for n in range(1, 26)], STOCKS["a4-3x8"]))
    assert len(sizes) == 2
    assert sizes[0] == pytest.approx((210, 297), abs=0.01)


@pytest.mark.parametrize("start", [1, 5, 24])
def test_a4_start_position_puts_the_first_label_there(start: int):
    stock = STOCKS["a4-3x8"]
    pdf = render_pdf([label(1), label(2)], stock, start=start)
    first = title_positions_mm(pdf)[0]
    left, top = stock.sheet.origin(start)
    assert first[0] == "FPV7-2026-00001"
    assert left < first[1] < left + 70
    assert top < first[2] < top + 37
    row, col = divmod(start - 1, 3)
    assert (int(first[1] // 70), int((first[2] - 0.5) // 37)) == (col, row)


def test_a4_labels_after_the_last_position_go_on_to_a_new_sheet():
    pdf = render_pdf([label(1), label(2), label(3)], STOCKS["a4-3x8"], start=23)
    positions = title_positions_mm(pdf)
    assert len(PdfReader(BytesIO(pdf)).pages) == 2
    assert positions[2][0] == "FPV7-2026-00003"
    assert positions[2][1] < 70 and positions[2][2] < 37  # position 1 of the second sheet


@pytest.mark.parametrize("stock", STOCKS.values(), ids=STOCKS.keys())
def test_the_pdf_as_a_pdf_renderer_draws_it_scans_back_to_each_label_url(stock: Stock):
    contents = [label(1), label(2)]
    document = pypdfium2.PdfDocument(render_pdf(contents, stock, start=3))
    found = []
    for page in document:
        image = page.render(scale=stock.dpi / 72).to_pil().convert("L")
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    assert sorted(found) == [content.qr_text for content in contents]


def test_a4_start_outside_the_sheet_is_refused():
    with pytest.raises(ValueError, match="start position 25"):
        render_pdf([label(1)], STOCKS["a4-3x8"], start=25)


def test_cyrillic_text_is_in_the_pdf():
    pdf = render_pdf([label(1)], STOCKS["50x30"])
    assert "Тип FPV7" in PdfReader(BytesIO(pdf)).pages[0].extract_text()
