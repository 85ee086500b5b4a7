"""The overview's "now": work in progress by stage and drone type, with the unit waiting longest
in each cell; the units on hold; what today and this week put out; and the units behind each of
those numbers."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import DroneType, Site
from workshop.models.timestamps import utcnow
from workshop.services.errors import NotFound
from workshop.services.figures import words
from workshop.services.metrics import flow
from workshop.services.units import workshop_today
from workshop.vocabulary import STAGE_NAMES
from workshop.workflow import Stage

#: The output's numbers, as the overview names them.
OUTPUT_NAMES = {
    "started": _l("Started"),
    "signed_off": _l("Approved"),
    "handed_over": _l("Delivered"),
    "scrapped": _l("Scrapped"),
}
#: The spans the output is counted over.
PERIODS = ("today", "week")


@dataclass(frozen=True)
class BoardCell:
    count: int
    oldest_serial: str
    #: How long the oldest has been at the stage.
    oldest_age: str


@dataclass(frozen=True)
class BoardRow:
    drone_type_id: int
    name: str
    #: One per stage of `Board.stages`; None where no unit is.
    cells: tuple[BoardCell | None, ...]
    total: int


@dataclass(frozen=True)
class Board:
    stages: tuple[str, ...]
    rows: tuple[BoardRow, ...]
    totals: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class HeldLine:
    serial: str
    drone_type: str
    stage: str
    reason: str
    age: str


@dataclass(frozen=True)
class OutputLine:
    kind: str
    name: str
    today: int
    week: int


@dataclass(frozen=True)
class Overview:
    board: Board
    held: tuple[HeldLine, ...]
    output: tuple[OutputLine, ...]


def type_names() -> list[tuple[int, str]]:
    """Every drone type's id and name, by name: the filters' choices."""
    return [
        (type_id, name)
        for type_id, name in db.session.execute(
            sa.select(DroneType.id, DroneType.name).order_by(DroneType.name)
        )
    ]


def site_names() -> list[tuple[int, str]]:
    """Every site's id and name, by name: the filters' choices."""
    return [
        (site_id, name)
        for site_id, name in db.session.execute(sa.select(Site.id, Site.name).order_by(Site.name))
    ]


def week_start(today: date) -> date:
    """The Monday of the week `today` is in."""
    return today - timedelta(days=today.weekday())


def _board(drone_type_id: int | None) -> Board:
    now = utcnow()
    stages = tuple(s.value for s in flow.WIP_STAGES)
    cells = {(c.drone_type_id, c.stage): c for c in flow.board(drone_type_id)}
    types = db.session.execute(
        sa.select(DroneType.id, DroneType.name, DroneType.active).order_by(DroneType.name)
    ).all()
    rows = []
    for type_id, name, active in types:
        if drone_type_id is not None and type_id != drone_type_id:
            continue
        row = tuple(
            BoardCell(cell.count, cell.oldest_serial, words.age(cell.oldest_since, now))
            if (cell := cells.get((type_id, stage)))
            else None
            for stage in stages
        )
        if active or any(row):
            rows.append(BoardRow(type_id, name, row, sum(c.count for c in row if c)))
    totals = tuple(sum(c.count for (_t, s), c in cells.items() if s == stage) for stage in stages)
    return Board(stages, tuple(rows), totals, sum(totals))


def overview(drone_type_id: int | None = None) -> Overview:
    """Everything the overview shows of now, for one drone type or all."""
    now, today = utcnow(), workshop_today()
    held = tuple(
        HeldLine(
            u.serial, u.drone_type, str(STAGE_NAMES[u.stage]), u.reason, words.age(u.since, now)
        )
        for u in flow.held(drone_type_id)
    )
    day, week = flow.output(today, drone_type_id), flow.output(week_start(today), drone_type_id)
    output = tuple(
        OutputLine(kind, str(name), getattr(day, kind), getattr(week, kind))
        for kind, name in OUTPUT_NAMES.items()
    )
    return Overview(_board(drone_type_id), held, output)


@dataclass(frozen=True)
class UnitList:
    """The units behind one number of the overview, and what the number was."""

    heading: str
    units: tuple[flow.ListedUnit, ...]
    #: Whether the list stops at flow.LIST_MAX.
    cut: bool


def _type_name(drone_type_id: int | None) -> str:
    if drone_type_id is None:
        return ""
    name = db.session.scalar(sa.select(DroneType.name).where(DroneType.id == drone_type_id))
    if name is None:
        raise NotFound(_l("There is no such drone type."))
    return name


def units_at(stage: str, drone_type_id: int | None) -> UnitList:
    """The active units at `stage` (of the drone type, or all), the longest there first."""
    if stage not in {s.value for s in flow.WIP_STAGES}:
        raise NotFound(_l("There is no such stage on the board."))
    name = _type_name(drone_type_id)
    units = tuple(flow.at_stage(Stage(stage), drone_type_id))
    heading = str(STAGE_NAMES[stage]) + (f" · {name}" if name else "")
    return UnitList(heading, units, len(units) >= flow.LIST_MAX)


def units_put_out(kind: str, period: str, drone_type_id: int | None) -> UnitList:
    """The units behind one number of the output (`kind`) today or this week (`period`)."""
    if kind not in OUTPUT_NAMES or period not in PERIODS:
        raise NotFound(_l("There is no such number on the overview."))
    name = _type_name(drone_type_id)
    today = workshop_today()
    first = today if period == "today" else week_start(today)
    units = tuple(flow.output_units(kind, first, drone_type_id))
    when = _("today") if period == "today" else _("this week")
    heading = f"{OUTPUT_NAMES[kind]} {when}" + (f" · {name}" if name else "")
    return UnitList(heading, units, len(units) >= flow.LIST_MAX)
