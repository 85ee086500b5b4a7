"""Quality sign-off: the review queue, approval by a second person, rejection as rework."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from workshop.extensions import db
from workshop.models import Review, Unit, User
from workshop.services.stage_facts import builders_of
from workshop.services.stages import StageInput, commit_move, decide
from workshop.workflow import Action, Stage, Status


def review_queue() -> list[Unit]:
    """Units waiting for review, the longest-waiting first."""
    return list(
        db.session.scalars(
            sa.select(Unit)
            .options(so.joinedload(Unit.drone_type))
            .where(Unit.stage == Stage.REVIEW.value, Unit.status == Status.ACTIVE.value)
            .order_by(Unit.stage_since, Unit.id)
        )
    )


def worked_on(user: User, units: list[Unit]) -> frozenset[int]:
    """The ids of those of `units` that `user` did a step on: they may not sign those off."""
    return frozenset(
        unit_id
        for unit_id, people in builders_of([u.id for u in units]).items()
        if user.id in people
    )


def sign_off(unit: Unit, actor: User, action: Action, data: StageInput) -> Review:
    """Approve (never one's own build) or reject with a reason that names where rework starts."""
    new = decide(unit, actor, action, data)
    review = Review(
        unit=unit,
        reviewer_id=actor.id,
        decision="approved" if action is Action.APPROVE else "rejected",
        reason=data.reason if action is Action.REJECT else None,
        rework_to=new.stage.value if action is Action.REJECT else None,
        note=(data.note or data.text).strip(),
    )
    details = {"reason": review.reason, "note": review.note}
    commit_move(unit, actor, action, new, rows=[review], details=details, reason=review.reason)
    return review
