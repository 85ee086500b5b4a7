"""One label renderer: the same placed layout drawn as SVG (browser), PDF and a bitmap."""

from collections.abc import Sequence
from functools import lru_cache
from html import escape
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from workshop.labels.content import LabelContent
from workshop.labels.fonts import BOLD, REGULAR
from workshop.labels.layouts import Placed, TextRun, layout_for, place
from workshop.labels.qr import QrCode
from workshop.labels.stocks import MM_PER_INCH, Stock

PT_PER_MM = 72 / MM_PER_INCH


def _qr_mm(placed: Placed, dpi: int) -> tuple[float, float, float]:
    """The QR code's corner and module in mm: exactly where the bitmap at `dpi` puts them."""
    x, y, module = placed.qr_origin_and_module(dpi)
    to_mm = MM_PER_INCH / dpi
    return x * to_mm, y * to_mm, module * to_mm


def qr_svg_path(qr: QrCode, x: float, y: float, module: float) -> str:
    """The QR code's dark modules as one SVG path, its corner at (x, y), `module` a side."""
    modules = "".join(f"M{col} {row}h{length}v1h-{length}z" for row, col, length in qr.runs())
    return (
        f'<path transform="translate({x:.4f} {y:.4f}) scale({module:.5f})" d="{modules}" '
        'fill="#000" shape-rendering="crispEdges"/>'
    )


def render_svg(content: LabelContent, stock: Stock) -> str:
    """The label as an SVG document sized in mm."""
    placed = place(content, stock)
    x, y, module = _qr_mm(placed, stock.dpi)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{placed.width:g}mm" '
            f'height="{placed.height:g}mm" viewBox="0 0 {placed.width:g} {placed.height:g}" '
            f'role="img" aria-label="{escape(content.title)}">'
        ),
        f'<rect width="{placed.width:g}" height="{placed.height:g}" fill="#fff"/>',
        qr_svg_path(placed.qr, x, y, module),
    ]
    parts.extend(_svg_text(run) for run in placed.runs)
    parts.append("</svg>")
    return "".join(parts)


def _svg_text(run: TextRun) -> str:
    # textLength holds the width the layout measured, whichever font the browser ends up with.
    return (
        f'<text x="{run.x:.3f}" y="{run.baseline:.3f}" font-size="{run.size:.3f}" '
        f"font-family=\"'{run.face.family}', 'DejaVu Sans', sans-serif\" "
        f'font-weight="{run.face.weight}" textLength="{run.width:.3f}" '
        f'lengthAdjust="spacingAndGlyphs">{escape(run.text)}</text>'
    )


def render_bitmap(content: LabelContent, stock: Stock, dpi: int | None = None) -> Image.Image:
    """The label as a mode "1" image of exactly the label's size in dots at `dpi` (stock's)."""
    dpi = dpi or stock.dpi
    placed = place(content, stock)
    to_dots = dpi / MM_PER_INCH
    image = Image.new("1", (round(placed.width * to_dots), round(placed.height * to_dots)), 1)
    x, y, module = placed.qr_origin_and_module(dpi)
    code = Image.new("1", (placed.qr.size, placed.qr.size), 1)
    code.putdata([0 if dark else 1 for row in placed.qr.modules for dark in row])
    image.paste(code.resize((module * placed.qr.size,) * 2, Image.Resampling.NEAREST), (x, y))
    draw = ImageDraw.Draw(image)
    for run in placed.runs:
        font = _pil_font(run, to_dots)
        draw.text(
            (round(run.x * to_dots), round(run.baseline * to_dots)),
            run.text,
            fill=0,
            font=font,
            anchor="ls",
        )
    return image


def _pil_font(run: TextRun, to_dots: float) -> ImageFont.FreeTypeFont:
    """The run's face at its size in dots, a dot smaller while hinting makes it wider."""
    size = max(1, int(run.size * to_dots))
    limit = run.width * to_dots + 0.5
    font = _truetype(run.face.path, size)
    while size > 1 and font.getlength(run.text) > limit:
        size -= 1
        font = _truetype(run.face.path, size)
    return font


@lru_cache(maxsize=64)
def _truetype(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def render_pdf(contents: Sequence[LabelContent], stock: Stock, *, start: int = 1) -> bytes:
    """Labels as a PDF: one page per label sized to it, or A4 sheets from position `start`."""
    if not contents:
        raise ValueError("no labels to render")
    sheet = stock.sheet
    if sheet is None:
        layout = layout_for(stock)
        pdf = new_pdf((layout.width, layout.height))
        for content in contents:
            pdf.add_page()
            _draw_pdf(pdf, place(content, stock), stock.dpi, 0, 0)
        return bytes(pdf.output())
    pdf = new_pdf((sheet.page_width_mm, sheet.page_height_mm))
    for content, (page, position) in zip(
        contents, sheet.positions(len(contents), start), strict=True
    ):
        if page == len(pdf.pages):
            pdf.add_page()
        _draw_pdf(pdf, place(content, stock), stock.dpi, *sheet.origin(position))
    return bytes(pdf.output())


def new_pdf(page: tuple[float, float]) -> FPDF:
    """A PDF of pages `page` (width, height) in mm, no margins, with the label typefaces."""
    pdf = FPDF(orientation="P", unit="mm", format=page)
    pdf.set_margin(0)
    pdf.set_auto_page_break(False)
    pdf.set_creator("workshop build tracker")
    for face, style in ((REGULAR, ""), (BOLD, "B")):
        pdf.add_font(face.family, style, face.path)
    return pdf


def draw_qr_pdf(pdf: FPDF, qr: QrCode, left: float, top: float, module: float) -> None:
    """Draw the QR code on the page, its corner at (left, top), `module` a side, all in mm."""
    # One filled path of rectangles for the whole code, in PDF points (y up): fpdf2's rect()
    # per run is a hundred times slower and a label has hundreds of runs.
    k, page_height, side = pdf.k, pdf.h, module * pdf.k
    rects = [
        f"{(left + col * module) * k:.3f} {(page_height - top - row * module) * k:.3f} "
        f"{length * side:.3f} {-side:.3f} re"
        for row, col, length in qr.runs()
    ]
    pdf.set_fill_color(0)
    pdf._out("\n".join(rects) + "\nf")  # fpdf2 has no public call for a raw path


def _draw_pdf(pdf: FPDF, placed: Placed, dpi: int, left: float, top: float) -> None:
    x, y, module = _qr_mm(placed, dpi)
    draw_qr_pdf(pdf, placed.qr, left + x, top + y, module)
    for run in placed.runs:
        pdf.set_font(run.face.family, "B" if run.face is BOLD else "", run.size * PT_PER_MM)
        pdf.text(left + run.x, top + run.baseline, run.text)
