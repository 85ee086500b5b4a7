"""A drone's passport: the sheet that travels with it to the receiving unit, on A5 (an A4 sheet
folded), as a PDF and as the QR code of its print page.

It says what the drone is and how it was tested; never where it goes. The words come in the
reader's language (`PassportContent`); this module only lays them out, with the labels' QR code
and typefaces.
"""

from dataclasses import dataclass
from html import escape

from workshop.labels.pdf_text import heading, set_font, table
from workshop.labels.qr import QUIET_MODULES, QrCode, encode
from workshop.labels.render import draw_qr_pdf, new_pdf, qr_svg_path

#: A5 portrait, in mm.
PAGE = (148.0, 210.0)
MARGIN = 12.0
#: The QR code's box: big enough for a phone to read across a table.
QR_MM = 36.0
#: The resolution the QR code's modules are chosen for: any office printer's at least.
QR_DPI = 300


@dataclass(frozen=True)
class PassportContent:
    """What one passport says, every word already in the reader's language."""

    #: The unit's address, in the QR code.
    qr_text: str
    heading: str
    serial: str
    #: (what, value) lines: the drone type, dates, firmware, board, reviewer, ...
    facts: tuple[tuple[str, str], ...]
    measurements_heading: str
    #: The column heads of the measurements, then (name, value, limit) rows.
    measurement_columns: tuple[str, str, str]
    measurements: tuple[tuple[str, str, str], ...]
    care_heading: str
    care_notes: str
    footer: str

    def qr(self) -> QrCode:
        return encode(self.qr_text, QR_MM, QR_DPI)


def qr_svg(content: PassportContent) -> str:
    """The passport's QR code as an SVG of QR_MM, quiet zone included, for its print page."""
    code = content.qr()
    side = code.size + 2 * QUIET_MODULES
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{QR_MM:g}mm" height="{QR_MM:g}mm" '
        f'viewBox="0 0 {side} {side}" role="img" aria-label="{escape(content.qr_text)}">'
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f"{qr_svg_path(code, QUIET_MODULES, QUIET_MODULES, 1)}</svg>"
    )


def render_passport_pdf(content: PassportContent) -> bytes:
    """The passport as an A5 PDF: the QR code and serial at the top, then the facts, the bench
    test's key measurements and the care notes; a second page only when the notes are long."""
    pdf = new_pdf(PAGE)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title(f"{content.heading} {content.serial}")
    pdf.add_page()
    width = PAGE[0] - 2 * MARGIN
    code = content.qr()
    module = QR_MM / (code.size + 2 * QUIET_MODULES)
    left = PAGE[0] - MARGIN - QR_MM
    draw_qr_pdf(pdf, code, left + QUIET_MODULES * module, MARGIN + QUIET_MODULES * module, module)

    beside = width - QR_MM - 4
    set_font(pdf, bold=False, size=11, grey=True)
    pdf.multi_cell(beside, 6, content.heading, new_x="LMARGIN", new_y="NEXT")
    set_font(pdf, bold=True, size=20)
    pdf.multi_cell(beside, 10, content.serial, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), MARGIN + QR_MM) + 3)

    table(pdf, content.facts, (0.36, 0.64), head=None)
    pdf.ln(3)
    heading(pdf, content.measurements_heading)
    table(pdf, content.measurements, (0.44, 0.26, 0.30), head=content.measurement_columns)
    if content.care_notes:
        pdf.ln(3)
        heading(pdf, content.care_heading)
        set_font(pdf, bold=False, size=10)
        pdf.multi_cell(width, 4.8, content.care_notes, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    set_font(pdf, bold=False, size=8, grey=True)
    pdf.multi_cell(width, 4, content.footer, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
