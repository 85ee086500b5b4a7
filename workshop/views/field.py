"""A unit's life after the handover, the coordinator's: recording its return and deciding on it
(repair, scrap, give back as is), or marking it lost or destroyed in the field."""

from flask import Blueprint, request
from flask_babel import _
from flask_login import current_user

from workshop.forms import ReturnDecisionForm, ReturnForm, loss_form, required
from workshop.models import Unit
from workshop.services import field_losses, returns
from workshop.services.field_losses import LossInput
from workshop.services.returns import ReturnInput
from workshop.services.stages import StageInput
from workshop.views.access import roles_required
from workshop.views.units import act_on_unit, announce_salvage, salvage_place, salvaged_parts
from workshop.workflow import Action, Role

bp = Blueprint("field", __name__)

#: The decision each button of the decision form sends.
DECISIONS = {
    "repair": Action.REPAIR,
    "scrap": Action.SCRAP_RETURNED,
    "give-back": Action.GIVE_BACK,
}
#: The loss each form marks.
LOSSES = {"lost": Action.MARK_LOST, "destroyed": Action.MARK_DESTROYED}


@bp.route("/u/<serial:serial>/return", methods=["POST"])
@roles_required(Role.ADMIN)
def record_return(serial: str):
    form = ReturnForm(prefix="return")
    return act_on_unit(
        serial,
        form,
        "return_form",
        lambda unit: returns.record_return(
            unit,
            current_user,
            ReturnInput(
                version=int(required(form.version.data)),
                receiver_code=required(form.receiver_code.data),
                returned_on=required(form.returned_on.data),
                reason=required(form.reason.data),
                reason_text=form.reason_text.data or "",
                notes=form.notes.data or "",
                photos=form.photos.data or [],
            ),
        ),
        _("Return recorded. Decide what happens to the unit."),
    )


@bp.route("/u/<serial:serial>/return/<any(repair, scrap, 'give-back'):decision>", methods=["POST"])
@roles_required(Role.ADMIN)
def decide_return(serial: str, decision: str):
    form = ReturnDecisionForm(prefix="decide")
    action = DECISIONS[decision]
    said = {
        Action.REPAIR: _("The unit is in for repair."),
        Action.SCRAP_RETURNED: _("The unit is scrapped."),
        Action.GIVE_BACK: _("Given back as is."),
    }
    scrap = action is Action.SCRAP_RETURNED

    def change(unit: Unit) -> None:
        decided = returns.decide_return(
            unit,
            current_user,
            action,
            StageInput(
                version=int(required(form.version.data)),
                rework_stage=form.stage.data if action is Action.REPAIR else None,
                text=form.text.data or "",
            ),
            # A scrap salvages the good parts typed on the form into stock.
            salvaged_parts(unit) if scrap else (),
            salvage_place(request.form.get("salvage-place")) if scrap else None,
        )
        if decided.salvaged:
            announce_salvage(decided.salvaged)

    return act_on_unit(serial, form, "decision_form", change, said[action])


@bp.route("/u/<serial:serial>/field/<any(lost, destroyed):loss>", methods=["POST"])
@roles_required(Role.ADMIN)
def mark_loss(serial: str, loss: str):
    action = LOSSES[loss]
    form = loss_form(action, loss)
    return act_on_unit(
        serial,
        form,
        f"{loss}_form",
        lambda unit: field_losses.mark_loss(
            unit,
            current_user,
            action,
            LossInput(
                version=int(required(form.version.data)),
                happened_on=required(form.happened_on.data),
                reason=required(form.reason.data),
            ),
        ),
        _("Marked lost.") if action is Action.MARK_LOST else _("Marked destroyed."),
    )
