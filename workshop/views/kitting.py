"""The unit page's stock forms: draw from a lot (by its label), draw without a lot, give parts
back at rework, and salvage a scrapped unit's good parts."""

from flask import Blueprint, flash
from flask_babel import _
from flask_login import current_user, login_required

from workshop.forms import DrawForm, DrawWithoutLotForm, GiveBackForm, SalvageForm, required
from workshop.models import Unit
from workshop.services import kitting, salvage
from workshop.views.units import act_on_unit, announce_salvage, salvage_place, salvaged_parts

bp = Blueprint("kitting", __name__)


@bp.route("/u/<serial:serial>/draw", methods=["POST"])
@login_required
def draw(serial: str):
    form = DrawForm(prefix="draw")

    def change(unit: Unit) -> None:
        entry = kitting.draw_scanned(
            unit,
            required(form.code.data),
            form.quantity.data,
            current_user,
            int(required(form.version.data)),
        )
        flash(
            _(
                "%(quantity)s × %(part)s drawn from lot %(lot)s.",
                quantity=entry.unit_change,
                part=entry.part.name,
                lot=entry.lot.code if entry.lot else "",
            ),
            "success",
        )

    return act_on_unit(serial, form, "draw_form", change, None)


@bp.route("/u/<serial:serial>/draw-without-lot", methods=["POST"])
@login_required
def draw_without_lot(serial: str):
    form = DrawWithoutLotForm(prefix="nolot")
    return act_on_unit(
        serial,
        form,
        "nolot_form",
        lambda unit: kitting.draw_without_lot(
            unit,
            int(required(form.bom_item.data)),
            required(form.quantity.data),
            required(form.reason.data),
            current_user,
            int(required(form.version.data)),
        ),
        _("Drawn without a lot; the coordinator sees it as a stock discrepancy."),
    )


@bp.route("/u/<serial:serial>/give-back", methods=["POST"])
@login_required
def give_back(serial: str):
    form = GiveBackForm(prefix="back")
    to_waste = form.destination.data == "waste"
    return act_on_unit(
        serial,
        form,
        "give_back_form",
        lambda unit: kitting.give_back(
            unit,
            int(required(form.bom_item.data)),
            int(form.lot.data) if form.lot.data else None,
            required(form.quantity.data),
            to_waste,
            current_user,
            int(required(form.version.data)),
        ),
        _("Taken out to waste.") if to_waste else _("Returned to its lot."),
    )


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
