"""A unit's page (the traveler) and the moves a person makes on it."""

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.local import LocalProxy

from workshop.forms import (
    ApproveForm,
    DeliveryForm,
    FinishForm,
    PartForm,
    ReturnDecisionForm,
    ReturnForm,
    ReworkForm,
    StatusForm,
    VersionedForm,
    loss_form,
    required,
)
from workshop.models import Unit
from workshop.services import delivery, kitting, photos, printing, stages, traveler, units
from workshop.services.errors import ServiceError
from workshop.services.stages import StageInput
from workshop.views.access import roles_required
from workshop.views.fc import evidence_links
from workshop.views.form_errors import field_errors
from workshop.views.scan import opened
from workshop.workflow import Action, Role

bp = Blueprint("units", __name__)


#: The unit page's forms, empty; a refused change passes its own filled-in one instead.
FORMS: dict[str, Callable[[], FlaskForm]] = {
    "finish_form": lambda: FinishForm(formdata=None),
    "fail_form": lambda: ReworkForm(formdata=None, prefix="fail"),
    "status_form": lambda: StatusForm(formdata=None, prefix="status"),
    "part_form": lambda: PartForm(formdata=None, prefix="part"),
    "delivery_form": lambda: DeliveryForm(formdata=None, prefix="deliver"),
    "approve_form": lambda: ApproveForm(formdata=None, prefix="approve"),
    "reject_form": lambda: ReworkForm(formdata=None, prefix="reject"),
    "return_form": lambda: ReturnForm(formdata=None, prefix="return"),
    "decision_form": lambda: ReturnDecisionForm(formdata=None, prefix="decide"),
    "lost_form": lambda: loss_form(Action.MARK_LOST, "lost", formdata=None),
    "destroyed_form": lambda: loss_form(Action.MARK_DESTROYED, "destroyed", formdata=None),
}


def _current(form: FlaskForm, unit: Unit) -> FlaskForm:
    """The page shows the unit as it is now, so its forms carry the version now."""
    if hasattr(form, "version"):
        form.version.data = str(unit.version)
    return form


def _when_drawn(build: Callable[[], FlaskForm], unit: Unit) -> FlaskForm:
    """The form, built the first time the template touches it. A page draws the three or four
    forms its unit's stage and the person's role allow, of eleven; building the others cost
    about a tenth of the page's time."""
    return cast(FlaskForm, LocalProxy(functools.cache(lambda: _current(build(), unit))))


def unit_context(serial: str, **forms: FlaskForm) -> dict[str, Any]:
    """What the unit page and its parts (the stage's work, the kitting list) are drawn from."""
    unit = traveler.load(serial)
    view = traveler.build(unit, current_user)
    context = {name: _when_drawn(build, unit) for name, build in FORMS.items()}
    context |= {name: _current(form, unit) for name, form in forms.items()}
    # A unit is most often brought back by the unit it was handed over to.
    if view.can.record_return and not context["return_form"].receiver_code.data:
        context["return_form"].receiver_code.data = unit.deliveries[-1].receiver_code
    # A refused finish shows the page again with the volunteer's ticks still in place.
    checked = _checked_items() if request.method == "POST" else frozenset()
    return context | {
        "unit": unit,
        "view": view,
        "checked": checked,
        "printers": printing.active_printers(),  # the "print on" buttons, one per printer
        "evidence_links": evidence_links(unit.serial),
        "recent_receivers": delivery.recent_receiver_codes() if view.can.deliver else [],
    }


def render_unit(
    serial: str, template: str = "units/show.html", status: int = 200, **forms: FlaskForm
):
    return render_template(template, **unit_context(serial, **forms)), status


@bp.route("/u/<serial:serial>")
@login_required
def show(serial: str):
    try:
        return render_unit(serial)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("scan.index"))


def act_on_unit(
    serial: str,
    form: FlaskForm,
    form_name: str,
    change: Callable[[Unit], object],
    done: str,
    template: str = "units/show.html",
    category: str = "success",
):
    """Validate `form`, run `change(unit)`; on refusal show the page again with the reason.

    `category` colours the message of a change done: a unit sent back is no success.
    """
    try:
        unit = units.get_unit(serial)
    except ServiceError:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Some fields need attention: %(fields)s", fields=field_errors(form)), "error")
        return render_unit(unit.serial, template, status=400, **{form_name: form})
    try:
        change(unit)
    except ServiceError as error:
        flash(str(error.message), "error")
        return render_unit(unit.serial, template, status=error.status_code, **{form_name: form})
    flash(done, category)
    return redirect(url_for("units.show", serial=unit.serial))


def _checked_items() -> frozenset[int]:
    return frozenset(int(v) for v in request.form.getlist("item") if v.isdigit())


def rework_input(form: ReworkForm) -> StageInput:
    return StageInput(
        version=int(required(form.version.data)),
        reason=form.reason.data,
        rework_stage=form.rework_stage.data or None,
        text=form.text.data or "",
    )


@bp.route("/u/<serial:serial>/finish", methods=["POST"])
@login_required
def finish(serial: str):
    form = FinishForm()

    def change(unit):
        stages.finish_stage(
            unit,
            current_user,
            StageInput(
                version=int(required(form.version.data)),
                checked=_checked_items(),
                note=form.note.data or "",
                photo=form.photo.data or None,
            ),
        )

    return act_on_unit(serial, form, "finish_form", change, _("Stage finished."))


@bp.route("/u/<serial:serial>/fail", methods=["POST"])
@login_required
def fail(serial: str):
    form = ReworkForm(prefix="fail")
    return act_on_unit(
        serial,
        form,
        "fail_form",
        lambda unit: stages.fail_stage(unit, current_user, rework_input(form)),
        _("Stage failed; the unit is back for rework."),
        category="warning",
    )


@bp.route("/u/<serial:serial>/photo", methods=["POST"])
@login_required
def add_photo(serial: str):
    form = FinishForm()
    return act_on_unit(
        serial,
        form,
        "finish_form",
        lambda unit: stages.add_photo(
            unit, current_user, int(required(form.version.data)), form.photo.data
        ),
        _("Photo added."),
    )


@bp.route("/u/<serial:serial>/status/<action>", methods=["POST"])
@login_required
def change_status(serial: str, action: str):
    if action not in (Action.HOLD, Action.RELEASE, Action.SCRAP):
        abort(404)
    form = StatusForm(prefix="status")
    messages = {
        Action.HOLD: _("The unit is on hold."),
        Action.RELEASE: _("The unit is off hold."),
        Action.SCRAP: _("The unit is scrapped."),
    }
    return act_on_unit(
        serial,
        form,
        "status_form",
        lambda unit: stages.change_status(
            unit,
            current_user,
            Action(action),
            StageInput(version=int(required(form.version.data)), text=form.text.data or ""),
        ),
        messages[Action(action)],
        category="success" if action == Action.RELEASE else "warning",
    )


def _wants_json() -> bool:
    """kitting.js asks for JSON: the page keeps its place and its scanner stays ready."""
    return request.accept_mimetypes.best == "application/json"


def _kitting_answer(serial: str, message: str, category: str, status: int = 200):
    """The answer to a part recorded or removed: for kitting.js the redrawn part list and stage
    work; without JavaScript, the unit page again at its part list."""
    if not _wants_json():
        flash(message, category)
        return redirect(url_for("units.show", serial=serial, _anchor="kitting"))
    context = unit_context(serial)
    return jsonify(
        message=message,
        category=category,
        version=context["unit"].version,
        next_step=context["view"].next_step,
        parts_html=render_template("units/_part_rows.html", **context),
        work_html=render_template("units/_finish.html", **context),
    ), status


def _kitting_refusal(serial: str, form: FlaskForm, message: str, status: int):
    if _wants_json():
        return jsonify(message=message, category="error"), status
    flash(message, "error")
    return render_unit(serial, status=status, part_form=form)


def _on_kitting(serial: str, form: FlaskForm, change: Callable[[Unit], Any]):
    """Validate `form`, then answer with `change(unit)`; a refusal is answered as kitting.js or
    the page without JavaScript expects it."""
    try:
        unit = units.get_unit(serial)
    except ServiceError:
        abort(404)
    if not form.validate_on_submit():
        message = _("Some fields need attention: %(fields)s", fields=field_errors(form))
        return _kitting_refusal(unit.serial, form, message, 400)
    try:
        return change(unit)
    except ServiceError as error:
        return _kitting_refusal(unit.serial, form, str(error.message), error.status_code)


@bp.route("/u/<serial:serial>/parts", methods=["POST"])
@login_required
def record_part(serial: str):
    """A code scanned or typed at kitting: a part's code goes into the unit where it belongs
    (the part named, or the one the code is for); another unit's label, a badge or a bin opens."""
    form = PartForm(prefix="part")

    def change(unit: Unit):
        line = int(form.bom_item.data) if form.bom_item.data else None
        version = int(required(form.version.data))
        done = kitting.scanned(unit, required(form.code.data), current_user, version, line)
        if done.opens is not None:
            where = opened(done.opens.kind, done.opens.key)
            return jsonify(open=where) if _wants_json() else redirect(where)
        part = required(done.part)
        if others := units.also_in(part):
            # A lot code on many units is normal; a serial on two is a wrong scan.
            message = _(
                "%(part)s: %(code)s. It is also recorded on %(units)s: fine for a lot code, "
                "a wrong scan for a serial number.",
                part=part.bom_item.name,
                code=part.code,
                units=", ".join(others[:5]) + (" …" if len(others) > 5 else ""),
            )
            return _kitting_answer(unit.serial, message, "info")
        message = _("Part recorded: %(part)s, %(code)s.", part=part.bom_item.name, code=part.code)
        return _kitting_answer(unit.serial, message, "success")

    return _on_kitting(serial, form, change)


@bp.route("/u/<serial:serial>/parts/<id:part_id>/remove", methods=["POST"])
@login_required
def remove_part(serial: str, part_id: int):
    form = VersionedForm(prefix="part")

    def change(unit: Unit):
        units.remove_part(unit, part_id, current_user, int(required(form.version.data)))
        return _kitting_answer(unit.serial, _("Part removed from the unit."), "warning")

    return _on_kitting(serial, form, change)


@bp.route("/u/<serial:serial>/deliver", methods=["POST"])
@roles_required(Role.ADMIN)
def deliver(serial: str):
    form = DeliveryForm(prefix="deliver")
    return act_on_unit(
        serial,
        form,
        "delivery_form",
        lambda unit: delivery.hand_over(
            unit,
            current_user,
            required(form.receiver_code.data),
            required(form.delivered_on.data),
            int(required(form.version.data)),
        ),
        _("Handed over."),
    )


@bp.route("/photos/<name>")
@login_required
def photo(name: str):
    if not name.replace(".thumb", "").removesuffix(".jpg").isalnum():
        abort(404)
    return send_from_directory(Path(photos.photo_dir()), name, max_age=86400)
