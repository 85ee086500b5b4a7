"""A unit's page (the traveler) and the moves a person makes on it."""

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from flask import (
    Blueprint,
    abort,
    flash,
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
    DrawForm,
    DrawWithoutLotForm,
    FinishForm,
    GiveBackForm,
    PartForm,
    ReturnDecisionForm,
    ReturnForm,
    ReworkForm,
    SalvageForm,
    StatusForm,
    loss_form,
    required,
)
from workshop.models import Lot, Unit
from workshop.services import (
    delivery,
    photos,
    printing,
    salvage,
    scan,
    stages,
    stock,
    traveler,
    units,
)
from workshop.services.errors import ServiceError
from workshop.services.salvage import SalvagedPart
from workshop.services.stages import StageInput
from workshop.views.access import roles_required
from workshop.views.fc import evidence_links
from workshop.views.form_errors import field_errors
from workshop.views.stock import scanned_code
from workshop.workflow import Action, Role

bp = Blueprint("units", __name__)


#: The unit page's forms, empty; a refused change passes its own filled-in one instead.
FORMS: dict[str, Callable[[], FlaskForm]] = {
    "draw_form": lambda: DrawForm(formdata=None, prefix="draw"),
    "nolot_form": lambda: DrawWithoutLotForm(formdata=None, prefix="nolot"),
    "give_back_form": lambda: GiveBackForm(formdata=None, prefix="back"),
    "salvage_form": lambda: SalvageForm(formdata=None, prefix="salvage"),
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
    forms its unit's stage and the person's role allow, of fifteen; building the others cost
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
    done: str | None,
    template: str = "units/show.html",
    category: str = "success",
):
    """Validate `form`, run `change(unit)`; on refusal show the page again with the reason.

    `done` is said on success, unless `change` said something of its own (None); `category`
    colours it: a unit sent back is no success.
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
    if done is not None:
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

    def change(unit: Unit) -> None:
        data = StageInput(version=int(required(form.version.data)), text=form.text.data or "")
        if action != Action.SCRAP:
            stages.change_status(unit, current_user, Action(action), data)
            return
        # Scrapping offers to salvage the unit's good parts, in the same transaction.
        lots = salvage.scrap_and_salvage(
            unit,
            current_user,
            data,
            salvaged_parts(unit),
            salvage_place(request.form.get("salvage-place")),
        )
        if lots:
            announce_salvage(lots)

    return act_on_unit(
        serial,
        form,
        "status_form",
        change,
        messages[Action(action)],
        category="success" if action == Action.RELEASE else "warning",
    )


def salvaged_parts(unit: Unit) -> list[SalvagedPart]:
    """The good pieces per BOM line typed on a scrap or salvage form (salvage-<line id>)."""
    lines = {item.id: item for item in unit.drone_type.bom}
    wanted = []
    for key, typed in request.form.items():
        line_id = key.removeprefix("salvage-")
        if key.startswith("salvage-") and line_id.isdigit() and typed.strip():
            item = lines.get(int(line_id))
            name = item.name if item else line_id
            wanted.append(SalvagedPart(int(line_id), stock.parse_quantity(typed, name, minimum=0)))
    return wanted


def salvage_place(typed: str | None) -> str | None:
    """The place a scanned label (or a typed code) names; None when left empty."""
    return scanned_code(typed, scan.Kind.PLACE) if typed and typed.strip() else None


def announce_salvage(lots: list[Lot]) -> None:
    """Say which salvage lots were made, and send their labels where the workshop prints."""
    if not lots:
        flash(_("Nothing was salvaged."), "info")
        return
    flash(_("Salvaged into %(lots)s.", lots=", ".join(lot.code for lot in lots)), "success")
    for job in printing.auto_print_lots(lots, current_user, fallback_base=request.url_root):
        flash(*printing.outcome(job))


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


@bp.route("/u/<serial:serial>/salvage", methods=["POST"])
@login_required
def salvage_parts(serial: str):
    """Salvage good parts of a unit scrapped earlier."""
    form = SalvageForm(prefix="salvage")

    def change(unit: Unit) -> None:
        lots = salvage.salvage_unit(
            unit, current_user, salvaged_parts(unit), salvage_place(form.place.data)
        )
        announce_salvage(lots)

    return act_on_unit(serial, form, "salvage_form", change, None)
