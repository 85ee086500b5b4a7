"""A delivered unit marked lost or destroyed in the field, with a date and a reason from a short
list, so the workshop knows how many of its drones are still in service. Nothing about where or
how is asked for or kept."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from workshop.models import FieldLoss, Unit, User
from workshop.services.errors import Invalid
from workshop.services.stages import StageInput, commit_move, decide
from workshop.services.units import workshop_today
from workshop.workflow import LOSS_STATUS, Action


@dataclass(frozen=True)
class LossInput:
    version: int
    happened_on: date
    #: A LossReason that fits the mark (workflow.LOSS_REASONS).
    reason: str


def mark_loss(unit: Unit, actor: User, action: Action, data: LossInput) -> FieldLoss:
    """Mark the delivered unit lost or destroyed (`action`)."""
    if action not in LOSS_STATUS:
        raise ValueError(f"{action} is no field loss")
    new = decide(unit, actor, action, StageInput(version=data.version, loss_reason=data.reason))
    handover = unit.deliveries[-1]
    if data.happened_on > workshop_today():
        raise Invalid(_l("The date cannot be in the future."))
    if data.happened_on < handover.delivered_on:
        raise Invalid(
            _l(
                "The unit was handed over on %(date)s; choose that day or a later one.",
                date=handover.delivered_on.isoformat(),
            )
        )
    loss = FieldLoss(
        unit=unit,
        delivery=handover,
        kind=LOSS_STATUS[action].value,
        reason=data.reason,
        happened_on=data.happened_on,
        recorded_by_id=actor.id,
    )
    details = {"loss": data.reason, "date": data.happened_on.isoformat()}
    commit_move(unit, actor, action, new, rows=[loss], details=details)
    return loss
