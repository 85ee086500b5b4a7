"""A unit's timeline: each move ends the stay the unit was in, and writes it (models.StageVisit)
inside the move's own transaction. The overview's figures read these rows."""

from datetime import datetime

import sqlalchemy as sa

from workshop.extensions import db
from workshop.models import StageVisit, Unit
from workshop.workflow import Action, UnitState

#: Moves that pause a visit to a stage rather than end it: the unit waits, then goes on.
PAUSES: frozenset[str] = frozenset({Action.HOLD.value, Action.RELEASE.value})


def stay_ended(
    unit: Unit, action: Action, new: UnitState, at: datetime, reason: str | None
) -> StageVisit:
    """The stay `unit` (still in its state before the move) leaves at `at` by `action`."""
    earlier_visit = (
        sa.exists()
        .where(
            StageVisit.unit_id == unit.id,
            StageVisit.stage == unit.stage,
            StageVisit.outcome.not_in(PAUSES),
        )
        .correlate(None)
    )
    # Not flushed first: the unit's own changes go out in one UPDATE (one version) at commit.
    with db.session.no_autoflush:
        last = db.session.execute(
            sa.select(StageVisit.left_at, StageVisit.arrived_at, StageVisit.outcome, earlier_visit)
            .where(StageVisit.unit_id == unit.id)
            .order_by(StageVisit.id.desc())
            .limit(1)
        ).first()
    entered = last.left_at if last is not None else unit.created_at
    return StageVisit(
        unit_id=unit.id,
        stage=unit.stage,
        status=unit.status,
        rework=unit.rework,
        repair=unit.repair,
        first=last is None or not last[3],
        arrived_at=last.arrived_at if last is not None and last.outcome in PAUSES else entered,
        entered_at=entered,
        left_at=at,
        outcome=action.value,
        reason=reason,
        to_stage=new.stage.value,
    )
