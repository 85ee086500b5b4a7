"""Quality: the first-pass yield of each stage and rolled from kit to review; what goes wrong
most (rework reasons, failing bench-test measurements, failures in the field), for a Pareto; and
a bench measurement over time against its limit, so drift shows before units fail."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from firmware_checks.measurement_specs import DetailKind, LimitKind
from firmware_checks.run_document import RunKind
from workshop.extensions import db
from workshop.models import BenchMeasurement, BenchRun, Return, StageVisit
from workshop.services.metrics.flow import covered
from workshop.services.metrics.periods import Filters, Period, days, period_of, weeks
from workshop.services.metrics.sql import Spread, json_number, spread, spreads
from workshop.services.visits import PAUSES
from workshop.workflow import WORK_STAGES, Action, Stage

#: The stages of the first-pass yield, from the kit to the sign-off.
YIELD_STAGES: tuple[Stage, ...] = (*WORK_STAGES, Stage.REVIEW)
#: How a first visit passes its stage at once.
PASSES: tuple[str, ...] = (Action.FINISH.value, Action.APPROVE.value)
#: Moves that send a unit back as rework, with a reason.
REWORK: tuple[str, ...] = (Action.FAIL.value, Action.REJECT.value)
#: The bench-test measurements that are numbers, drawn over time.
CHARTED: tuple[str, ...] = (
    "gyro_noise_x",
    "gyro_noise_y",
    "gyro_noise_z",
    "battery",
    "attitude_tilt",
)
#: Spans up to this many days are drawn day by day; longer ones week by week.
DAILY_UP_TO = 62


@dataclass(frozen=True)
class StageYield:
    """The units whose first visit to `stage` ended in the span, and how many passed at once."""

    stage: str
    units: int
    passed: int

    @property
    def share(self) -> float | None:
        return self.passed / self.units if self.units else None


def first_pass_yield(filters: Filters) -> list[StageYield]:
    """Per stage of YIELD_STAGES: the units whose first visit to it ended in the span (finished,
    failed, rejected or scrapped), and those that passed it at once, without rework."""
    rows = db.session.execute(
        sa.select(
            StageVisit.stage,
            sa.func.count(),
            sa.func.sum(sa.case((StageVisit.outcome.in_(PASSES), 1), else_=0)),
        )
        .where(
            StageVisit.first,
            StageVisit.outcome.not_in(PAUSES),
            StageVisit.stage.in_([s.value for s in YIELD_STAGES]),
            StageVisit.left_at >= filters.since,
            StageVisit.left_at < filters.until,
            covered(StageVisit.unit_id, filters),
        )
        .group_by(StageVisit.stage)
    )
    found = {stage: (int(units), int(passed)) for stage, units, passed in rows}
    return [StageYield(s.value, *found.get(s.value, (0, 0))) for s in YIELD_STAGES]


def rolled_yield(yields: list[StageYield]) -> float | None:
    """The share of units that pass every stage at once: the product of the stages' yields
    (of the stages a unit reached in the span); None when none did."""
    shares = [y.share for y in yields if y.share is not None]
    if not shares:
        return None
    product = 1.0
    for share in shares:
        product *= share
    return product


@dataclass(frozen=True)
class Cause:
    """One cause of trouble and how often it came: a rework reason, a failing measurement or a
    field failure; with what was done about it (the stage sent back to, or the decision on a
    return; "" while undecided), most often first."""

    key: str
    count: int
    actions: tuple[tuple[str, int], ...] = ()


def _causes(rows: Any) -> list[Cause]:
    """Causes from (key, action, count) rows, the most frequent first."""
    counts: dict[str, dict[str, int]] = {}
    for key, action, count in rows:
        counts.setdefault(key, {})[action or ""] = int(count)
    causes = [
        Cause(
            key,
            sum(actions.values()),
            tuple(sorted(actions.items(), key=lambda item: (-item[1], item[0]))),
        )
        for key, actions in counts.items()
    ]
    return sorted(causes, key=lambda cause: (-cause.count, cause.key))


def rework_reasons(filters: Filters) -> list[Cause]:
    """Why units went back as rework in the span (failed stages and rejections), each with the
    stages they were sent back to."""
    return _causes(
        db.session.execute(
            sa.select(StageVisit.reason, StageVisit.to_stage, sa.func.count())
            .where(
                StageVisit.outcome.in_(REWORK),
                StageVisit.left_at >= filters.since,
                StageVisit.left_at < filters.until,
                covered(StageVisit.unit_id, filters),
            )
            .group_by(StageVisit.reason, StageVisit.to_stage)
        )
    )


def bench_failures(filters: Filters) -> list[Cause]:
    """The measurements that failed in the span's bench tests, each with how many runs it
    failed."""
    return _causes(
        db.session.execute(
            sa.select(BenchMeasurement.name, sa.literal(""), sa.func.count())
            .join(BenchRun, BenchRun.id == BenchMeasurement.run_id)
            .where(
                BenchRun.kind == RunKind.BENCH.value,
                BenchMeasurement.passed.is_(False),
                BenchRun.at >= filters.since,
                BenchRun.at < filters.until,
                covered(BenchRun.unit_id, filters),
            )
            .group_by(BenchMeasurement.name)
        )
    )


def field_failures(filters: Filters) -> list[Cause]:
    """What failed in the field, by the returns of the span, each with the decisions taken."""
    return _causes(
        db.session.execute(
            sa.select(Return.reason, Return.outcome, sa.func.count())
            .where(
                Return.returned_on >= filters.start,
                Return.returned_on <= filters.end,
                covered(Return.unit_id, filters),
            )
            .group_by(Return.reason, Return.outcome)
        )
    )


@dataclass(frozen=True)
class BenchPoint:
    """A measurement's values in one period: how they spread, and how many failed their limit."""

    period: Period
    spread: Spread
    failed: int


@dataclass(frozen=True)
class BenchSeries:
    """A bench-test measurement over the span, period by period, and the lines of its limit
    (by the latest run that had one): values beyond them fail."""

    name: str
    unit: str
    points: list[BenchPoint]
    lower: float | None = None
    upper: float | None = None


def chart_periods(filters: Filters) -> list[Period]:
    """Days for a short span, weeks for a longer one."""
    return days(filters) if (filters.end - filters.start).days < DAILY_UP_TO else weeks(filters)


def _limit_lines(spec: dict[str, Any] | None, detail: dict[str, Any] | None) -> tuple[Any, Any]:
    """The (lower, upper) lines of a stored limit, either None where it has no such side; a
    battery's limit per cell is drawn for the cells the run counted."""
    if not spec:
        return None, None
    kind, values = spec.get("kind"), spec.get("values") or []
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) != len(values):
        return None, None
    if kind == LimitKind.AT_MOST and numbers:
        return None, numbers[0]
    if kind in (LimitKind.AT_LEAST, LimitKind.ABOVE) and numbers:
        return numbers[0], None
    if kind == LimitKind.RANGE and len(numbers) == 2:
        return numbers[0], numbers[1]
    if kind == LimitKind.WITHIN and len(numbers) == 2:
        return numbers[0] - numbers[1], numbers[0] + numbers[1]
    cells = (detail or {}).get("values") or [None]
    if (
        kind in (LimitKind.CELL_VOLTAGE, LimitKind.CELL_VOLTAGE_OR_USB)
        and (detail or {}).get("kind") == DetailKind.CELLS
        and isinstance(cells[0], int)
    ):
        return numbers[0] * cells[0], numbers[1] * cells[0]
    return None, None


def bench_series(filters: Filters, name: str) -> BenchSeries:
    """The values of the bench-test measurement `name` in the span, per day or week."""
    periods = chart_periods(filters)
    value = json_number(BenchMeasurement.value)
    measured = (
        sa.select(
            period_of(BenchRun.at, periods).label("period"),
            value.label("value"),
            BenchMeasurement.passed,
        )
        .join(BenchRun, BenchRun.id == BenchMeasurement.run_id)
        .where(
            BenchMeasurement.name == name,
            BenchRun.kind == RunKind.BENCH.value,
            BenchRun.at >= filters.since,
            BenchRun.at < filters.until,
            covered(BenchRun.unit_id, filters),
        )
        .subquery()
    )
    numbers = sa.select(measured).where(measured.c.value.is_not(None)).subquery()
    spread_of = {
        row[0]: spread(row) for row in db.session.execute(spreads(numbers, "period", "value"))
    }
    failed: dict[int, int] = dict(
        db.session.execute(
            sa.select(numbers.c.period, sa.func.count())
            .where(numbers.c.passed.is_(False))
            .group_by(numbers.c.period)
        ).all()
    )
    latest = db.session.execute(
        sa.select(BenchMeasurement.unit, BenchMeasurement.limit_spec, BenchMeasurement.detail_spec)
        .join(BenchRun, BenchRun.id == BenchMeasurement.run_id)
        .where(
            BenchMeasurement.name == name,
            BenchRun.kind == RunKind.BENCH.value,
            BenchRun.at < filters.until,
            covered(BenchRun.unit_id, filters),
        )
        .order_by(BenchRun.at.desc(), BenchMeasurement.id.desc())
        .limit(1)
    ).first()
    lower, upper = _limit_lines(*latest[1:]) if latest else (None, None)
    return BenchSeries(
        name,
        latest[0] if latest else "",
        [
            BenchPoint(period, spread_of[n], int(failed.get(n, 0)))
            for n, period in enumerate(periods)
            if n in spread_of
        ],
        lower,
        upper,
    )
