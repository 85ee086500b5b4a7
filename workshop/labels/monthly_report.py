"""The monthly report as an A4 PDF, in the label typefaces: its title and sentence, then each
section's table. The words come in the reader's language (services.monthly_report); this module
only lays them out."""

from dataclasses import dataclass

from workshop.labels.pdf_text import heading, set_font, table
from workshop.labels.render import new_pdf

#: A4 portrait, in mm.
PAGE = (210.0, 297.0)
MARGIN = 15.0


@dataclass(frozen=True)
class Section:
    heading: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: Said instead of the table when it has no rows.
    empty: str = ""


@dataclass(frozen=True)
class MonthlyReport:
    """What one month's report says, every word already in the reader's language."""

    #: The month as YYYY-MM.
    month: str
    title: str
    #: The month in a sentence: built, delivered, rolled yield.
    summary: str
    sections: tuple[Section, ...]
    footer: str


def render_report_pdf(report: MonthlyReport) -> bytes:
    """The report on A4 pages: the title and its sentence, each section's table (or the words
    saying it has none), the footer."""
    pdf = new_pdf(PAGE)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_title(report.title)
    pdf.add_page()
    width = PAGE[0] - 2 * MARGIN
    heading(pdf, report.title, size=18, line=10)
    set_font(pdf, bold=False, size=11)
    pdf.multi_cell(width, 5.5, report.summary, new_x="LMARGIN", new_y="NEXT")
    for section in report.sections:
        pdf.ln(5)
        heading(pdf, section.heading, size=12, line=7)
        if section.rows:
            columns = len(section.head)
            first = 0.4 if columns > 2 else 0.6
            shares = (first,) + ((1 - first) / (columns - 1),) * (columns - 1)
            table(pdf, section.rows, shares, head=section.head)
        else:
            set_font(pdf, bold=False, size=10)
            pdf.multi_cell(width, 5, section.empty, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    set_font(pdf, bold=False, size=8, grey=True)
    pdf.multi_cell(width, 4, report.footer, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
