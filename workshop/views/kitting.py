"""The kitting card of a unit's page: a code scanned or typed (a lot's or a place's label draws
from the shelves, a part's own code is recorded), another quantity drawn from a lot, a part
drawn without a lot, a code removed, parts given back at rework.

kitting.js sends each form and asks for JSON: the card and the checklist are redrawn in place,
the page keeps its place and the scanner is ready for the next code at once. Without JavaScript
the same forms post and the page comes back at its kitting card.
"""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from workshop.forms import (
    DrawForm,
    DrawWithoutLotForm,
    GiveBackForm,
    PartForm,
    VersionedForm,
    required,
)
from workshop.models import LedgerEntry, Unit
from workshop.services import draws, kitting, units
from workshop.services.errors import ServiceError
from workshop.views.form_errors import field_errors
from workshop.views.scan import opened
from workshop.views.units import render_unit, unit_context

bp = Blueprint("kitting", __name__)


def _wants_json() -> bool:
    """kitting.js asks for JSON: the page keeps its place and its scanner stays ready."""
    return request.accept_mimetypes.best == "application/json"


def _answer(serial: str, message: str, category: str, status: int = 200):
    """The answer to a change at kitting: for kitting.js the redrawn kit and stage work;
    without JavaScript, the unit page again at its kitting card."""
    if not _wants_json():
        flash(message, category)
        return redirect(url_for("units.show", serial=serial, _anchor="kitting"))
    context = unit_context(serial)
    return jsonify(
        message=message,
        category=category,
        version=context["unit"].version,
        next_step=context["view"].next_step,
        parts_html=render_template("units/_kit.html", **context),
        work_html=render_template("units/_finish.html", **context),
    ), status


def _refusal(serial: str, form_name: str, form: FlaskForm, message: str, status: int):
    if _wants_json():
        return jsonify(message=message, category="error"), status
    flash(message, "error")
    return render_unit(serial, status=status, **{form_name: form})


def _on_kitting(serial: str, form: FlaskForm, form_name: str, change: Callable[[Unit], Any]):
    """Validate `form`, then answer with `change(unit)`; a refusal is answered as kitting.js or
    the page without JavaScript expects it, and changes nothing."""
    try:
        unit = units.get_unit(serial)
    except ServiceError:
        abort(404)
    if not form.validate_on_submit():
        message = _("Some fields need attention: %(fields)s", fields=field_errors(form))
        return _refusal(unit.serial, form_name, form, message, 400)
    try:
        return change(unit)
    except ServiceError as error:
        return _refusal(unit.serial, form_name, form, str(error.message), error.status_code)


def _drawn(unit: Unit, entry: LedgerEntry):
    return _answer(
        unit.serial,
        _(
            "%(quantity)s × %(part)s drawn from lot %(lot)s.",
            quantity=entry.unit_change,
            part=entry.part.name,
            lot=entry.lot.code if entry.lot else "",
        ),
        "success",
    )


@bp.route("/u/<serial:serial>/parts", methods=["POST"])
@login_required
def record_part(serial: str):
    """A code scanned or typed at kitting: a lot's or a place's label draws what the unit still
    needs from it; a part's own code goes into the unit where it belongs (the part named, or the
    next one without a code); another unit's label or a badge opens."""
    form = PartForm(prefix="part")

    def change(unit: Unit):
        line = int(form.bom_item.data) if form.bom_item.data else None
        version = int(required(form.version.data))
        done = kitting.scanned(unit, required(form.code.data), current_user, version, line)
        if done.opens is not None:
            where = opened(done.opens.kind, done.opens.key)
            return jsonify(open=where) if _wants_json() else redirect(where)
        if done.drawn is not None:
            return _drawn(unit, done.drawn)
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
            return _answer(unit.serial, message, "info")
        message = _("Part recorded: %(part)s, %(code)s.", part=part.bom_item.name, code=part.code)
        return _answer(unit.serial, message, "success")

    return _on_kitting(serial, form, "part_form", change)


@bp.route("/u/<serial:serial>/parts/<id:part_id>/remove", methods=["POST"])
@login_required
def remove_part(serial: str, part_id: int):
    """A code taken off the unit. Without a destination the piece stays in the unit (a wrong
    scan); with one it goes back to its lot or to waste."""
    form = VersionedForm(prefix="part")
    destination = request.form.get("part-destination") or None
    said = {
        "lot": _("Part taken out and returned to its lot."),
        "waste": _("Part taken out to waste."),
    }

    def change(unit: Unit):
        version = int(required(form.version.data))
        units.remove_part(unit, part_id, current_user, version, destination)
        message = said.get(destination or "", _("Part removed from the unit."))
        return _answer(unit.serial, message, "warning")

    return _on_kitting(serial, form, "part_form", change)


@bp.route("/u/<serial:serial>/draw", methods=["POST"])
@login_required
def draw(serial: str):
    """Another quantity than a scan would draw, from the lot a label names."""
    form = DrawForm(prefix="draw")

    def change(unit: Unit):
        entry = kitting.draw_scanned(
            unit,
            required(form.code.data),
            form.quantity.data,
            current_user,
            int(required(form.version.data)),
        )
        return _drawn(unit, entry)

    return _on_kitting(serial, form, "draw_form", change)


@bp.route("/u/<serial:serial>/draw-without-lot", methods=["POST"])
@login_required
def draw_without_lot(serial: str):
    form = DrawWithoutLotForm(prefix="nolot")

    def change(unit: Unit):
        draws.draw_without_lot(
            unit,
            int(required(form.bom_item.data)),
            required(form.quantity.data),
            required(form.reason.data),
            current_user,
            int(required(form.version.data)),
        )
        message = _("Drawn without a lot; the coordinator sees it as a stock discrepancy.")
        return _answer(unit.serial, message, "success")

    return _on_kitting(serial, form, "nolot_form", change)


@bp.route("/u/<serial:serial>/give-back", methods=["POST"])
@login_required
def give_back(serial: str):
    form = GiveBackForm(prefix="back")
    to_waste = form.destination.data == "waste"

    def change(unit: Unit):
        draws.give_back(
            unit,
            int(required(form.bom_item.data)),
            int(form.lot.data) if form.lot.data else None,
            required(form.quantity.data),
            to_waste,
            current_user,
            int(required(form.version.data)),
        )
        message = _("Taken out to waste.") if to_waste else _("Returned to its lot.")
        return _answer(unit.serial, message, "success")

    return _on_kitting(serial, form, "give_back_form", change)
