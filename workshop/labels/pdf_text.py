"""Text on a PDF page in the label typefaces: a font, a heading, a table with lines between its
rows. The passport and the monthly report are written with it."""

from fpdf import FPDF
from fpdf.fonts import FontFace

from workshop.labels.fonts import BOLD, REGULAR

GREY = (90, 90, 90)


def set_font(pdf: FPDF, *, bold: bool, size: float, grey: bool = False) -> None:
    face = BOLD if bold else REGULAR
    pdf.set_font(face.family, "B" if bold else "", size)
    pdf.set_text_color(*(GREY if grey else (0, 0, 0)))


def heading(pdf: FPDF, text: str, size: float = 11, line: float = 6) -> None:
    """A bold line across the page, `line` mm high."""
    set_font(pdf, bold=True, size=size)
    pdf.multi_cell(0, line, text, new_x="LMARGIN", new_y="NEXT")


def table(
    pdf: FPDF,
    rows: tuple[tuple[str, ...], ...],
    shares: tuple[float, ...],
    head: tuple[str, ...] | None,
) -> None:
    """Rows of cells, the first column grey (what), the rest black; lines between rows."""
    if not rows:
        return
    set_font(pdf, bold=False, size=9.5)
    grey = FontFace(color=GREY)
    with pdf.table(
        col_widths=shares,
        first_row_as_headings=head is not None,
        headings_style=FontFace(emphasis="BOLD", color=GREY),
        borders_layout="HORIZONTAL_LINES",
        line_height=4.6,
        padding=(0.8, 1.0, 0.8, 0),
        text_align="LEFT",
    ) as drawn:
        for cells in ((head,) if head else ()) + rows:
            row = drawn.row()
            for position, cell in enumerate(cells):
                row.cell(cell, style=grey if position == 0 and cells is not head else None)
