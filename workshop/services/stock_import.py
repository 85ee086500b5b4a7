"""Existing stock from a file: `flask import-stock FILE.csv [--dry-run]`.

The header names the columns `part,quantity,place,source,lot` (`lot` may be left empty: a code
is made). The file goes in whole or not at all: every line is checked before anything is
written, and the refusal names each bad line.
"""

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import Lot, Part
from workshop.models.stock import SOURCES
from workshop.services import audit, parts, places, receiving, stock
from workshop.services.errors import Invalid
from workshop.services.units import workshop_today

COLUMNS = ("part", "quantity", "place", "source", "lot")
REQUIRED = ("part", "quantity", "place", "source")
LINES_MAX = 10_000


class ImportRefused(Invalid):
    """The file was refused; `problems` names each bad line. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class StockLine:
    number: int
    part: Part
    quantity: int
    place: str
    source: str
    lot_code: str | None


@dataclass
class Imported:
    """What an import made (or, in a dry run, would make)."""

    #: (lot code, or None when a dry run would make one; part name; quantity; place path)
    lots: list[tuple[str | None, str, int, str]] = field(default_factory=list)
    #: Sites and places that did not exist, by path.
    made: list[str] = field(default_factory=list)


def _problem(number: int, problem: LazyString | str) -> str:
    return str(_l("Line %(number)d: %(problem)s", number=number, problem=problem))


def read(text: str) -> list[StockLine]:
    """Every line of the file, checked; ImportRefused naming each bad line."""
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    header = [name.strip().lower() for name in next(rows, [])]
    if unknown := [name for name in header if name not in COLUMNS]:
        raise ImportRefused(
            [
                str(
                    _l(
                        "Unknown column “%(name)s”; the columns are %(columns)s.",
                        name=unknown[0][:20],
                        columns=",".join(COLUMNS),
                    )
                )
            ]
        )
    if missing := [name for name in REQUIRED if name not in header]:
        raise ImportRefused(
            [
                str(
                    _l(
                        "The header lacks the column “%(name)s”; it is %(columns)s.",
                        name=missing[0],
                        columns=",".join(COLUMNS),
                    )
                )
            ]
        )
    catalogue = {part.key: part for part in parts.all_parts()}
    used = set(db.session.scalars(sa.select(Lot.code)))
    lines: list[StockLine] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(lines) + len(problems) >= LINES_MAX:
            problems.append(str(_l("A file holds at most %(count)d lines.", count=LINES_MAX)))
            break
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        try:
            lines.append(_line(number, cells, catalogue, used))
        except Invalid as refused:
            problems.append(_problem(number, refused.message))
    if not lines and not problems:
        problems.append(str(_l("The file holds no lines of stock.")))
    if problems:
        raise ImportRefused(problems)
    return lines


def _line(
    number: int, cells: dict[str, str], catalogue: dict[str, Part], used: set[str]
) -> StockLine:
    name = cells.get("part", "")
    part = catalogue.get(parts.part_key(name))
    if part is None:
        raise Invalid(_l("no part “%(name)s” in the catalogue.", name=name[:60]))
    quantity = stock.parse_quantity(cells.get("quantity"), _l("quantity"))
    path = "/".join(places.check_name(step) for step in cells.get("place", "").split("/"))
    if "/" not in path:
        raise Invalid(
            _l(
                "the place “%(path)s” names no site and place, as in Kyiv workshop/Shelf 3.",
                path=path[:60],
            )
        )
    source = cells.get("source", "").lower()
    if source not in SOURCES:
        raise Invalid(
            _l(
                "the source is one of %(sources)s, not “%(typed)s”.",
                sources=", ".join(SOURCES),
                typed=source[:20],
            )
        )
    code = cells.get("lot", "").upper() or None
    if code is not None:
        if stock.LOT_CODE.match(code):
            raise Invalid(
                _l("lot codes such as %(code)s are made by the app; leave it empty.", code=code)
            )
        if not stock.FREE_LOT_CODE.match(code):
            raise Invalid(
                _l(
                    "the lot code “%(code)s” may hold capital Latin letters, digits and hyphens "
                    "only (at most 24).",
                    code=code[:30],
                )
            )
        if code in used:
            raise Invalid(_l("the lot code %(code)s is used already.", code=code))
        used.add(code)
    return StockLine(number, part, quantity, path, source, code)


def import_stock(text: str, *, dry_run: bool) -> Imported:
    """Check the whole file, then (unless a dry run) write every lot in one transaction."""
    lines = read(text)
    imported = Imported()
    plan = places.PathPlan()
    today = workshop_today()
    try:
        for line in lines:
            try:
                place = places.place_at(line.place, None, plan)
            except Invalid as refused:
                raise ImportRefused([_problem(line.number, refused.message)]) from None
            if dry_run:
                imported.lots.append((line.lot_code, line.part.name, line.quantity, place.path))
                continue
            lot = receiving.new_lot(
                line.part,
                line.quantity,
                place,
                line.source,
                None,
                received_on=today,
                code=line.lot_code,
            )
            audit.record(
                None,
                "lot.receive",
                "lot",
                lot.code,
                None,
                {
                    "part": line.part.name,
                    "quantity": line.quantity,
                    "place": place.path,
                    "source": line.source,
                    "import": True,
                },
            )
            imported.lots.append((lot.code, line.part.name, line.quantity, place.path))
        imported.made = plan.made
        if dry_run:
            db.session.rollback()
            return imported
        audit.record(
            None,
            "stock.import",
            "stock",
            "import",
            None,
            {"lots": len(imported.lots), "places_made": plan.made},
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return imported
