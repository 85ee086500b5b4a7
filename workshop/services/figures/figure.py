"""One chart of the overview as a page shows it: the drawing, the sentence saying what it shows,
and the table of its numbers, which is also its CSV."""

import csv
import io
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Table:
    """The numbers under a chart: `rows` as the page shows them, `values` as the CSV gives them
    (numbers unformatted, days as YYYY-MM-DD), row for row."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    values: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    #: What the chart shows, in a sentence with its main numbers.
    summary: str
    #: The `<svg>` element; "" when there is nothing to draw.
    svg: str
    table: Table

    def csv(self) -> str:
        """The table as CSV (UTF-8 with its byte-order mark, so a spreadsheet reads Cyrillic)."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.table.head)
        writer.writerows(self.table.values)
        return out.getvalue()
