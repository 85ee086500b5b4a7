"""The flow of work: what is in progress now and since when, the units on hold, the output of a
day or a week, throughput per week, and the time spent at each stage, waiting, and from kit to
handover."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import db
from workshop.models import Delivery, DroneType, Review, StageVisit, Unit
from workshop.services.metrics.periods import Filters, Period, day_start, period_of, weeks
from workshop.services.metrics.sql import Spread, seconds_between, spread, spreads
from workshop.services.visits import PAUSES
from workshop.workflow import WORK_STAGES, Action, Stage, Status

#: The board's columns: where active units wait or are worked on.
WIP_STAGES: tuple[Stage, ...] = (*WORK_STAGES, Stage.REVIEW, Stage.APPROVED, Stage.RETURNED)
#: The stages whose time is measured: the work, then the waits for sign-off, for the handover,
#: and for the decision on a return.
TIMED_STAGES: tuple[Stage, ...] = WIP_STAGES
#: The key of the time spent on hold among the stages' times.
ON_HOLD = Status.ON_HOLD.value
#: Moves that scrap a unit: its last visit is no cycle.
SCRAPS: tuple[str, ...] = (Action.SCRAP.value, Action.SCRAP_RETURNED.value)
#: How many units a list behind a number shows, the longest-waiting first.
LIST_MAX = 500


def typed(unit_id: Any, drone_type_id: int | None, site_id: int | None = None) -> Any:
    """The condition that the unit `unit_id` names is of the drone type and kitted at the site
    (None: any)."""
    conditions = [
        condition
        for value, condition in (
            (drone_type_id, Unit.drone_type_id == drone_type_id),
            (site_id, Unit.site_id == site_id),
        )
        if value is not None
    ]
    if not conditions:
        return sa.true()
    return unit_id.in_(sa.select(Unit.id).where(*conditions))


def covered(unit_id: Any, filters: Filters) -> Any:
    """The condition that the unit `unit_id` names is one `filters` cover."""
    return typed(unit_id, filters.drone_type_id, filters.site_id)


def first_handovers() -> Any:
    """The condition that a Delivery row is its unit's first handover (not a repaired drone, not
    one given back as is)."""
    earlier = so.aliased(Delivery)
    return ~sa.exists().where(earlier.unit_id == Delivery.unit_id, earlier.id < Delivery.id)


def first_approvals() -> Any:
    """The condition that a Review row is its unit's first sign-off: the build, not a repair."""
    earlier = so.aliased(Review)
    return ~sa.exists().where(
        earlier.unit_id == Review.unit_id, earlier.decision == "approved", earlier.id < Review.id
    )


def handed_over_in(filters: Filters) -> Any:
    """The condition that a Delivery row is its unit's first handover, in the span and of the
    drone type."""
    return sa.and_(
        Delivery.delivered_on >= filters.start,
        Delivery.delivered_on <= filters.end,
        first_handovers(),
        covered(Delivery.unit_id, filters),
    )


@dataclass(frozen=True)
class Cell:
    """The active units of one drone type at one stage, and the one there longest."""

    stage: str
    drone_type_id: int
    count: int
    oldest_serial: str
    oldest_since: datetime


def board(drone_type_id: int | None = None, site_id: int | None = None) -> list[Cell]:
    """Work in progress now: each (stage, drone type) with active units in it."""
    cells = (
        sa.select(
            Unit.stage,
            Unit.drone_type_id,
            sa.func.count().label("n"),
            sa.func.min(Unit.stage_since).label("oldest"),
        )
        .where(
            Unit.status == Status.ACTIVE.value,
            Unit.stage.in_([s.value for s in WIP_STAGES]),
            typed(Unit.id, drone_type_id, site_id),
        )
        .group_by(Unit.stage, Unit.drone_type_id)
        .subquery()
    )
    waiting = so.aliased(Unit)
    longest = (
        sa.select(sa.func.min(waiting.serial))
        .where(
            waiting.status == Status.ACTIVE.value,
            waiting.stage == cells.c.stage,
            waiting.drone_type_id == cells.c.drone_type_id,
            waiting.stage_since == cells.c.oldest,
            sa.true() if site_id is None else waiting.site_id == site_id,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(cells.c.stage, cells.c.drone_type_id, cells.c.n, longest, cells.c.oldest)
    )
    return [Cell(stage, type_id, n, serial, since) for stage, type_id, n, serial, since in rows]


@dataclass(frozen=True)
class ListedUnit:
    """A unit behind a number: its serial, type, stage and the moment that put it in the list."""

    serial: str
    drone_type: str
    stage: str
    since: datetime
    #: Why it waits, for a unit on hold.
    reason: str = ""


def _listed(query: sa.Select) -> list[ListedUnit]:
    return [ListedUnit(*row) for row in db.session.execute(query.limit(LIST_MAX))]


def held(drone_type_id: int | None = None) -> list[ListedUnit]:
    """The units on hold, the longest-held first, with the reason and when the hold began."""
    hold_began = (
        sa.select(sa.func.max(StageVisit.left_at))
        .where(StageVisit.unit_id == Unit.id)
        .scalar_subquery()
    )
    since = sa.func.coalesce(hold_began, Unit.created_at).label("since")
    return _listed(
        sa.select(Unit.serial, DroneType.name, Unit.stage, since, Unit.status_note)
        .join(DroneType, DroneType.id == Unit.drone_type_id)
        .where(Unit.status == Status.ON_HOLD.value, typed(Unit.id, drone_type_id))
        .order_by(since, Unit.id)
    )


def at_stage(stage: Stage, drone_type_id: int | None) -> list[ListedUnit]:
    """The active units at `stage`, the longest there first."""
    return _listed(
        sa.select(Unit.serial, DroneType.name, Unit.stage, Unit.stage_since)
        .join(DroneType, DroneType.id == Unit.drone_type_id)
        .where(
            Unit.stage == stage.value,
            Unit.status == Status.ACTIVE.value,
            typed(Unit.id, drone_type_id),
        )
        .order_by(Unit.stage_since, Unit.id)
    )


@dataclass(frozen=True)
class Output:
    """What a day or a week put out: units started, signed off (their build), handed over (for
    the first time) and scrapped."""

    started: int
    signed_off: int
    handed_over: int
    scrapped: int


def _output_queries(since: datetime, first_day: date, drone_type_id: int | None) -> dict:
    """The rows behind each number of `output()`: (serial, type, stage, when) selects."""

    def of_units(when: Any, *joins: tuple[Any, Any], where: Any) -> sa.Select:
        query = sa.select(Unit.serial, DroneType.name, Unit.stage, when.label("since"))
        for model, on in joins:
            query = query.join(model, on)
        return (
            query.join(DroneType, DroneType.id == Unit.drone_type_id)
            .where(where, typed(Unit.id, drone_type_id))
            .order_by(when.desc(), Unit.id)
        )

    return {
        "started": of_units(Unit.created_at, where=Unit.created_at >= since),
        "signed_off": of_units(
            Review.at,
            (Review, Review.unit_id == Unit.id),
            where=sa.and_(Review.decision == "approved", Review.at >= since, first_approvals()),
        ),
        "handed_over": of_units(
            Delivery.recorded_at,
            (Delivery, Delivery.unit_id == Unit.id),
            where=sa.and_(Delivery.delivered_on >= first_day, first_handovers()),
        ),
        "scrapped": of_units(
            StageVisit.left_at,
            (StageVisit, StageVisit.unit_id == Unit.id),
            where=sa.and_(StageVisit.outcome.in_(SCRAPS), StageVisit.left_at >= since),
        ),
    }


#: The lists behind the numbers of `output()`.
OUTPUT_KINDS = ("started", "signed_off", "handed_over", "scrapped")


def output(first_day: date, drone_type_id: int | None = None) -> Output:
    """What the days from `first_day` to now put out, in one statement."""
    queries = _output_queries(day_start(first_day), first_day, drone_type_id)
    counts = db.session.execute(
        sa.select(
            *(
                sa.select(sa.func.count())
                .select_from(queries[kind].order_by(None).subquery())
                .scalar_subquery()
                for kind in OUTPUT_KINDS
            )
        )
    ).one()
    return Output(*(int(n) for n in counts))


def output_units(kind: str, first_day: date, drone_type_id: int | None) -> list[ListedUnit]:
    """The units behind one number of `output()` (`kind` one of OUTPUT_KINDS), latest first."""
    return _listed(_output_queries(day_start(first_day), first_day, drone_type_id)[kind])


@dataclass(frozen=True)
class Throughput:
    """One week: units started, handed over for the first time, and scrapped."""

    period: Period
    started: int = 0
    delivered: int = 0
    scrapped: int = 0


def throughput(filters: Filters) -> list[Throughput]:
    """Units started, delivered (first handover) and scrapped, per week of the span."""
    periods = weeks(filters)
    started = sa.select(
        sa.literal("started").label("kind"), period_of(Unit.created_at, periods).label("period")
    ).where(
        Unit.created_at >= filters.since,
        Unit.created_at < filters.until,
        covered(Unit.id, filters),
    )
    delivered = sa.select(
        sa.literal("delivered"), period_of(Delivery.delivered_on, periods, moments=False)
    ).where(handed_over_in(filters))
    scrapped = sa.select(sa.literal("scrapped"), period_of(StageVisit.left_at, periods)).where(
        StageVisit.outcome.in_(SCRAPS),
        StageVisit.left_at >= filters.since,
        StageVisit.left_at < filters.until,
        covered(StageVisit.unit_id, filters),
    )
    events = sa.union_all(started, delivered, scrapped).subquery()
    counts: dict[tuple[int, str], int] = {
        (period, what): n
        for what, period, n in db.session.execute(
            sa.select(events.c.kind, events.c.period, sa.func.count()).group_by(
                events.c.kind, events.c.period
            )
        )
    }
    return [
        Throughput(
            period,
            started=counts.get((n, "started"), 0),
            delivered=counts.get((n, "delivered"), 0),
            scrapped=counts.get((n, "scrapped"), 0),
        )
        for n, period in enumerate(periods)
    ]


def stage_times(filters: Filters) -> dict[str, Spread]:
    """The seconds of each visit to a timed stage that ended in the span (holds included, scrapped
    units left out), per stage; and of each hold that ended in the span, under ON_HOLD."""
    visits = sa.select(
        StageVisit.stage.label("key"),
        seconds_between(StageVisit.arrived_at, StageVisit.left_at).label("seconds"),
    ).where(
        StageVisit.outcome.not_in([*PAUSES, Action.SCRAP.value]),
        StageVisit.stage.in_([s.value for s in TIMED_STAGES]),
        StageVisit.left_at >= filters.since,
        StageVisit.left_at < filters.until,
        covered(StageVisit.unit_id, filters),
    )
    holds = sa.select(
        sa.literal(ON_HOLD), seconds_between(StageVisit.entered_at, StageVisit.left_at)
    ).where(
        StageVisit.status == Status.ON_HOLD.value,
        StageVisit.left_at >= filters.since,
        StageVisit.left_at < filters.until,
        covered(StageVisit.unit_id, filters),
    )
    values = sa.union_all(visits, holds).subquery()
    return {row[0]: spread(row) for row in db.session.execute(spreads(values, "key", "seconds"))}


#: The key of all drone types together among the lead times.
ALL_TYPES = ""


def lead_times(filters: Filters) -> dict[str, Spread]:
    """The seconds from a unit's start to its first handover, for the units first handed over in
    the span: per drone type (by name), and for all of them under ALL_TYPES."""

    def lead(key: Any) -> sa.Select:
        return (
            sa.select(
                key.label("key"),
                seconds_between(Unit.created_at, Delivery.recorded_at).label("seconds"),
            )
            .select_from(Delivery)
            .join(Unit, Unit.id == Delivery.unit_id)
            .join(DroneType, DroneType.id == Unit.drone_type_id)
            .where(handed_over_in(filters))
        )

    values = sa.union_all(lead(DroneType.name), lead(sa.literal(ALL_TYPES))).subquery()
    return {row[0]: spread(row) for row in db.session.execute(spreads(values, "key", "seconds"))}


@dataclass(frozen=True)
class TypeOutput:
    """What one drone type put out in the span: units built (signed off for the first time) and
    delivered (handed over for the first time)."""

    drone_type: str
    built: int
    delivered: int


def built_and_delivered(filters: Filters) -> list[TypeOutput]:
    """Per drone type (by name), the units built and delivered in the span."""
    built = (
        sa.select(sa.literal("built").label("kind"), DroneType.name.label("name"))
        .select_from(Review)
        .join(Unit, Unit.id == Review.unit_id)
        .join(DroneType, DroneType.id == Unit.drone_type_id)
        .where(
            Review.decision == "approved",
            Review.at >= filters.since,
            Review.at < filters.until,
            first_approvals(),
            covered(Unit.id, filters),
        )
    )
    delivered = (
        sa.select(sa.literal("delivered"), DroneType.name)
        .select_from(Delivery)
        .join(Unit, Unit.id == Delivery.unit_id)
        .join(DroneType, DroneType.id == Unit.drone_type_id)
        .where(handed_over_in(filters))
    )
    events = sa.union_all(built, delivered).subquery()
    counts: dict[str, dict[str, int]] = {}
    for name, kind, n in db.session.execute(
        sa.select(events.c.name, events.c.kind, sa.func.count()).group_by(
            events.c.name, events.c.kind
        )
    ):
        counts.setdefault(name, {})[kind] = int(n)
    return [
        TypeOutput(name, kinds.get("built", 0), kinds.get("delivered", 0))
        for name, kinds in sorted(counts.items())
    ]
