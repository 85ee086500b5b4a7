"""Quality review: the queue, the whole traveler, approval or rejection."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user

from workshop.forms import ApproveForm, ReworkForm, required
from workshop.services import review
from workshop.services.errors import ServiceError
from workshop.services.stages import StageInput
from workshop.views.access import roles_required
from workshop.views.units import act_on_unit, render_unit, rework_input
from workshop.workflow import Action, Role

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.route("/")
@roles_required(Role.REVIEWER)
def queue():
    waiting = review.review_queue()
    return render_template(
        "review/queue.html", units=waiting, worked_on=review.worked_on(current_user, waiting)
    )


@bp.route("/<serial:serial>")
@roles_required(Role.REVIEWER)
def show(serial: str):
    try:
        return render_unit(serial, template="review/show.html")
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("review.queue"))


@bp.route("/<serial:serial>/approve", methods=["POST"])
@roles_required(Role.REVIEWER)
def approve(serial: str):
    form = ApproveForm(prefix="approve")
    return act_on_unit(
        serial,
        form,
        "approve_form",
        lambda unit: review.sign_off(
            unit,
            current_user,
            Action.APPROVE,
            StageInput(version=int(required(form.version.data)), text=form.text.data or ""),
        ),
        _("Approved and signed off."),
        template="review/show.html",
    )


@bp.route("/<serial:serial>/reject", methods=["POST"])
@roles_required(Role.REVIEWER)
def reject(serial: str):
    form = ReworkForm(prefix="reject")
    return act_on_unit(
        serial,
        form,
        "reject_form",
        lambda unit: review.sign_off(unit, current_user, Action.REJECT, rework_input(form)),
        _("Rejected; the unit is back for rework."),
        template="review/show.html",
        category="warning",
    )
