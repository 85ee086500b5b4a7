"""Life in the field, month by month: drones delivered (their first handover), returned, lost or
destroyed, and how many were in service at each month's end. Counts only: never where a drone
went or who has it."""

from dataclasses import dataclass

import sqlalchemy as sa

from workshop.extensions import db
from workshop.models import Delivery, FieldLoss, Return, StageVisit
from workshop.services.metrics.flow import covered, handed_over_in
from workshop.services.metrics.periods import Filters, Period, months, period_of
from workshop.workflow import Action, Stage, Status

#: Moves that put a unit in service: a handover, and giving a returned one back as is.
INTO_SERVICE: tuple[str, ...] = (Action.DELIVER.value, Action.GIVE_BACK.value)
#: The period index of what happened before the span.
BEFORE = -1


@dataclass(frozen=True)
class FieldMonth:
    """One month of the span in the field."""

    period: Period
    delivered: int = 0
    returned: int = 0
    lost: int = 0
    destroyed: int = 0
    #: Units in service (handed over, neither back nor lost) when the month (or the span) ended.
    in_service: int = 0


def field_months(filters: Filters) -> list[FieldMonth]:
    """Per month of the span: first handovers, returns, losses, and units in service at its end."""
    periods = months(filters)
    delivered = sa.select(
        sa.literal("delivered").label("kind"),
        period_of(Delivery.delivered_on, periods, moments=False).label("period"),
    ).where(handed_over_in(filters))
    returned = sa.select(
        sa.literal("returned"), period_of(Return.returned_on, periods, moments=False)
    ).where(
        Return.returned_on >= filters.start,
        Return.returned_on <= filters.end,
        covered(Return.unit_id, filters),
    )
    lost = sa.select(
        FieldLoss.kind, period_of(FieldLoss.happened_on, periods, moments=False)
    ).where(
        FieldLoss.happened_on >= filters.start,
        FieldLoss.happened_on <= filters.end,
        covered(FieldLoss.unit_id, filters),
    )
    events = sa.union_all(delivered, returned, lost).subquery()
    counts = {
        (period, kind): int(n)
        for kind, period, n in db.session.execute(
            sa.select(events.c.kind, events.c.period, sa.func.count()).group_by(
                events.c.kind, events.c.period
            )
        )
    }
    changes = _service_changes(filters, periods)
    in_service, months_ = changes.get(BEFORE, 0), []
    for n, period in enumerate(periods):
        in_service += changes.get(n, 0)
        months_.append(
            FieldMonth(
                period,
                delivered=counts.get((n, "delivered"), 0),
                returned=counts.get((n, "returned"), 0),
                lost=counts.get((n, Status.LOST.value), 0),
                destroyed=counts.get((n, Status.DESTROYED.value), 0),
                in_service=in_service,
            )
        )
    return months_


def _service_changes(filters: Filters, periods: list[Period]) -> dict[int, int]:
    """How many units went into service less those that left it, per period (BEFORE: all that
    happened before the span), from the units' timelines."""
    into = StageVisit.outcome.in_(INTO_SERVICE)
    out_of = sa.and_(
        StageVisit.stage == Stage.DELIVERED.value, StageVisit.status == Status.ACTIVE.value
    )
    period = sa.case(
        (StageVisit.left_at < filters.since, BEFORE), else_=period_of(StageVisit.left_at, periods)
    )
    return {
        n: int(change)
        for n, change in db.session.execute(
            sa.select(period, sa.func.sum(sa.case((into, 1), else_=-1)))
            .where(
                sa.or_(into, out_of),
                StageVisit.left_at < filters.until,
                covered(StageVisit.unit_id, filters),
            )
            .group_by(period)
        )
    }
