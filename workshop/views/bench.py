"""The bench page: one scan box, starting new units, and the part recall search."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from workshop.forms import NewUnitForm, PartSearchForm, ScanForm
from workshop.services import drone_types, scan, units
from workshop.services.errors import ServiceError

bp = Blueprint("bench", __name__)


def _new_unit_form() -> NewUnitForm:
    form = NewUnitForm()
    form.drone_type.choices = [(t.id, t.name) for t in drone_types.active_types()]
    return form


@bp.route("/")
@login_required
def index():
    return render_template("bench/index.html", scan_form=ScanForm(), new_form=_new_unit_form())


@bp.route("/scan", methods=["POST"])
@login_required
def scan_code():
    form = ScanForm()
    if form.validate_on_submit():
        try:
            found = scan.resolve(form.code.data or "")
        except ServiceError as error:
            flash(str(error.message), "error")
            return render_template(
                "bench/index.html", scan_form=form, new_form=_new_unit_form()
            ), error.status_code
        return redirect(url_for("units.show", serial=found.serial))
    flash(_("The scan could not be read. Scan again."), "error")
    return render_template("bench/index.html", scan_form=form, new_form=_new_unit_form()), 400


@bp.route("/units/new", methods=["POST"])
@login_required
def new_unit():
    form = _new_unit_form()
    if not form.validate_on_submit():
        flash(_("Choose a drone type."), "error")
        return redirect(url_for("bench.index"))
    try:
        unit = units.create_unit(form.drone_type.data, current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("bench.index"))
    flash(_("New unit %(serial)s started at kitting.", serial=unit.serial), "success")
    return redirect(url_for("units.show", serial=unit.serial))


@bp.route("/parts")
@login_required
def parts():
    form = PartSearchForm(request.args)
    found = units.units_with_part(form.q.data or "") if form.validate() else []
    return render_template("bench/parts.html", form=form, found=found)
