"""The label stocks a workshop prints on: sizes, printer resolution, the A4 sheet grid.

Sizes are as the label is read (width across, height down). A stock whose printer feeds it
turned (17x54 on a Brother QL) is still drawn the way a person reads it; the printer
back-end turns the bitmap (brother_ql's `rotate="auto"` does).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

MM_PER_INCH = 25.4


class UnknownStock(ValueError):
    """A stock id that is not in STOCKS."""

    def __init__(self, stock_id: str) -> None:
        super().__init__(f"unknown label stock {stock_id!r}; known: {', '.join(STOCKS)}")
        self.stock_id = stock_id


@dataclass(frozen=True)
class Sheet:
    """Labels on an office sheet: a grid of `cols` x `rows`, placed by margins and pitch."""

    page_width_mm: float
    page_height_mm: float
    cols: int
    rows: int
    left_mm: float
    top_mm: float
    pitch_x_mm: float
    pitch_y_mm: float

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    def positions(self, count: int, start: int = 1) -> Iterator[tuple[int, int]]:
        """(sheet index, position) of `count` labels, the first at position `start`."""
        if not 1 <= start <= self.per_page:
            raise ValueError(f"start position {start} is not in 1..{self.per_page}")
        for index in range(start - 1, start - 1 + count):
            yield divmod(index, self.per_page)[0], index % self.per_page + 1

    def origin(self, position: int) -> tuple[float, float]:
        """Top-left corner in mm of sheet position `position` (1-based, row by row)."""
        if not 1 <= position <= self.per_page:
            raise ValueError(f"sheet position {position} is not in 1..{self.per_page}")
        row, col = divmod(position - 1, self.cols)
        return self.left_mm + col * self.pitch_x_mm, self.top_mm + row * self.pitch_y_mm


@dataclass(frozen=True)
class Stock:
    """One kind of label: its size in mm, the printer's dots per inch, where ink can go."""

    id: str
    #: What the coordinator picks from, in their language.
    name: LazyString
    width_mm: float
    #: None for continuous tape: the layout decides the length.
    height_mm: float | None
    dpi: int
    #: Unprintable strip at the label's sides and ends (the printer's limit), in mm.
    margin_x_mm: float = 1.5
    margin_y_mm: float = 1.5
    sheet: Sheet | None = None

    @property
    def continuous(self) -> bool:
        return self.height_mm is None

    def dots(self, mm: float, dpi: int | None = None) -> int:
        """A length in mm as whole printer dots."""
        return round(mm * (dpi or self.dpi) / MM_PER_INCH)


A4_3X8 = Sheet(
    page_width_mm=210,
    page_height_mm=297,
    cols=3,
    rows=8,
    left_mm=0,
    top_mm=0.5,
    pitch_x_mm=70,
    pitch_y_mm=37,
)

STOCKS: dict[str, Stock] = {
    stock.id: stock
    for stock in (
        # Brother QL die-cut and endless: 300 dpi; brother_ql leaves 1.5 mm at the sides
        # and 3 mm at the ends unprinted.
        Stock("62x29", _l("Brother DK-11209 62 x 29 mm"), 62, 29, 300, 1.5, 3),
        Stock("62", _l("Brother DK-22205 62 mm continuous"), 62, None, 300, 1.5, 3),
        Stock("17x54", _l("Brother DK-11204 17 x 54 mm"), 54, 17, 300, 3, 1.5),
        # Thermal printers: 203 dpi, about 1 mm they cannot reach.
        Stock("50x30", _l("Thermal 50 x 30 mm"), 50, 30, 203, 1, 1),
        Stock("50x25", _l("Thermal 50 x 25 mm"), 50, 25, 203, 1, 1),
        # An office printer cannot reach the sheet's outer 4-5 mm: keep ink inside every label.
        Stock("a4-3x8", _l("A4 sheet, 3 x 8 labels of 70 x 37 mm"), 70, 37, 300, 5, 4, A4_3X8),
    )
}


def get_stock(stock_id: str) -> Stock:
    """The stock with this id; UnknownStock (a ValueError) names the known ids."""
    try:
        return STOCKS[stock_id]
    except KeyError:
        raise UnknownStock(stock_id) from None
