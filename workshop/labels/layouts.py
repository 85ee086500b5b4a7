"""Label layouts as data: where the QR code and the text go on each stock, in mm.

Every box lies inside the stock's printable area (its margins), so a printer that cannot
reach the edge loses nothing. `place` fits a label's text into its layout.
"""

from dataclasses import dataclass

from workshop.labels.content import LabelContent
from workshop.labels.fonts import BOLD, REGULAR, Face
from workshop.labels.qr import CodeTooLong, QrCode, encode, module_dots
from workshop.labels.stocks import MM_PER_INCH, Stock

#: Space between two small lines, as a share of their size.
LINE_SPACING = 1.15


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def overlaps(self, other: "Box") -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def contains(self, other: "Box", tolerance: float = 1e-6) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.right <= self.right + tolerance
            and other.bottom <= self.bottom + tolerance
        )


@dataclass(frozen=True)
class Layout:
    """Where things go on one stock: the label's size, the QR box, the title and line boxes."""

    width: float
    height: float
    qr: Box
    title: Box
    lines: Box
    #: The largest sizes (em, mm) for the title and the small lines; both shrink to fit.
    title_size: float
    line_size: float


LAYOUTS: dict[str, Layout] = {
    # Brother QL: QR left, the serial beside it.
    "62x29": Layout(
        62, 29, Box(1.5, 3, 23, 23), Box(26, 3, 34.5, 9), Box(26, 13, 34.5, 13), 6, 3.5
    ),
    "17x54": Layout(
        54, 17, Box(3, 1.5, 14, 14), Box(18.5, 1.5, 32.5, 7), Box(18.5, 9, 32.5, 6.5), 5, 2.6
    ),
    # Continuous tape is cut at 40 mm: room for the serial across the whole width.
    "62": Layout(62, 40, Box(1.5, 11, 26, 26), Box(1.5, 3, 59, 7.5), Box(29.5, 12, 31, 24), 7, 4),
    # Smaller or narrower labels: the serial across the top, QR below.
    "50x30": Layout(50, 30, Box(1, 7, 22, 22), Box(1, 1, 48, 5.5), Box(24.5, 8, 24.5, 21), 5, 3.2),
    "50x25": Layout(50, 25, Box(1, 6.5, 17.5, 17.5), Box(1, 1, 48, 5), Box(20, 7, 29, 17), 4.5, 3),
    "a4-3x8": Layout(70, 37, Box(5, 12, 21, 21), Box(5, 4, 60, 7), Box(28, 13, 37, 20), 6, 3.6),
}


@dataclass(frozen=True)
class TextRun:
    """One line of text as placed: `x` and `baseline` in mm, `size` the em in mm."""

    text: str
    face: Face
    x: float
    baseline: float
    size: float

    @property
    def width(self) -> float:
        return self.face.width(self.text) * self.size

    @property
    def box(self) -> Box:
        top = self.baseline - self.face.ascent * self.size
        return Box(self.x, top, self.width, self.face.line_height * self.size)


@dataclass(frozen=True)
class Placed:
    """A label ready to draw: its size, the QR code and where its modules go, the text runs."""

    width: float
    height: float
    qr: QrCode
    qr_box: Box
    runs: tuple[TextRun, ...]

    def qr_origin_and_module(self, dpi: int) -> tuple[int, int, int]:
        """The QR code's top-left corner and module size in whole dots at `dpi`, centred."""
        to_dots = dpi / MM_PER_INCH
        box_dots = int(self.qr_box.width * to_dots)
        module = module_dots(self.qr.size, box_dots)
        if module < 1:
            raise CodeTooLong(f"a {self.qr.size}-module QR code does not fit at {dpi} dpi")
        offset = (box_dots - module * self.qr.size) // 2
        return (
            round(self.qr_box.x * to_dots) + offset,
            round(self.qr_box.y * to_dots) + offset,
            module,
        )


def layout_for(stock: Stock) -> Layout:
    return LAYOUTS[stock.id]


def printable(stock: Stock) -> Box:
    """The part of the stock's label the printer reaches: inside its margins."""
    layout = layout_for(stock)
    return Box(
        stock.margin_x_mm,
        stock.margin_y_mm,
        layout.width - 2 * stock.margin_x_mm,
        layout.height - 2 * stock.margin_y_mm,
    )


def place(content: LabelContent, stock: Stock) -> Placed:
    """Fit `content` into the stock's layout: the title as large as its box allows, then lines."""
    layout = layout_for(stock)
    runs = [_fit_title(content.title, layout)] if content.title else []
    top = layout.lines.y
    for line in content.lines:
        size = min(layout.line_size, _fitting_size(line, REGULAR, layout.lines.width))
        if top + REGULAR.line_height * size > layout.lines.bottom + 1e-9:
            break  # no room for more lines; the first ones matter most
        runs.append(TextRun(line, REGULAR, layout.lines.x, top + REGULAR.ascent * size, size))
        top += REGULAR.line_height * size * LINE_SPACING
    return Placed(
        width=layout.width,
        height=layout.height,
        qr=encode(content.qr_text, layout.qr.width, stock.dpi),
        qr_box=layout.qr,
        runs=tuple(runs),
    )


def _fit_title(title: str, layout: Layout) -> TextRun:
    box = layout.title
    size = min(
        layout.title_size,
        box.height / BOLD.line_height,
        _fitting_size(title, BOLD, box.width),
    )
    # Centred in its box's height, so a short title does not hang off the top edge.
    top = box.y + (box.height - BOLD.line_height * size) / 2
    return TextRun(title, BOLD, box.x, top + BOLD.ascent * size, size)


def _fitting_size(text: str, face: Face, width: float) -> float:
    em = face.width(text)
    return width / em if em else float("inf")
