"""The coordinator's stock pages: the parts catalogue, sites and places, what can be built and
what to ask donors for, and stock discrepancies."""

import csv
import io

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user
from flask_wtf import FlaskForm

from workshop import vocabulary
from workshop.forms import (
    CataloguePartForm,
    PlaceForm,
    RenameForm,
    RequestFilterForm,
    SiteForm,
    required,
)
from workshop.services import buildable, parts, places, stock, stock_moves
from workshop.services.errors import ServiceError
from workshop.views.access import roles_required
from workshop.views.form_errors import field_errors
from workshop.views.stock import csv_response
from workshop.workflow import Role

bp = Blueprint("stock_admin", __name__, url_prefix="/stock")


# Parts -------------------------------------------------------------------------------------


def _part_fields(form: CataloguePartForm) -> parts.PartFields:
    return parts.PartFields(
        name=required(form.name.data),
        category=form.category.data or "",
        measure=form.measure.data or "",
        tracked=form.tracked.data,
        low_stock=form.low_stock.data or 0,
    )


def _parts_page(new_form: CataloguePartForm, status: int = 200):
    found = parts.all_parts()
    edit_forms = {
        p.id: CataloguePartForm(formdata=None, prefix=f"p{p.id}", obj=p, low_stock=str(p.low_stock))
        for p in found
    }
    return render_template(
        "stock/parts.html", parts=found, new_form=new_form, edit_forms=edit_forms
    ), status


@bp.route("/parts", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def parts_page():
    form = CataloguePartForm(prefix="new")
    if request.method == "GET":
        return _parts_page(form)
    if not form.validate_on_submit():
        flash(_("The part was not added: %(fields)s", fields=field_errors(form)), "error")
        return _parts_page(form, 400)
    try:
        part = parts.create_part(_part_fields(form), current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
        return _parts_page(form, error.status_code)
    flash(_("%(name)s added to the catalogue.", name=part.name), "success")
    return redirect(url_for("stock_admin.parts_page"))


@bp.route("/parts/<id:part_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def edit_part(part_id: int):
    form = CataloguePartForm(prefix=f"p{part_id}")
    if not form.validate_on_submit():
        flash(_("The part was not changed: %(fields)s", fields=field_errors(form)), "error")
        return redirect(url_for("stock_admin.parts_page"))
    try:
        parts.update_part(part_id, _part_fields(form), current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Part saved."), "success")
    return redirect(url_for("stock_admin.parts_page"))


# Sites and places --------------------------------------------------------------------------


def _place_form(**kwargs) -> PlaceForm:
    form = PlaceForm(**kwargs)
    form.site.choices = [(s.id, s.name) for s in places.all_sites()]
    form.parent.choices = [("", _("Right under the site"))] + [
        (p.code, p.path) for p in places.places_of()
    ]
    return form


def _places_page(site_form: SiteForm, place_form: PlaceForm, status: int = 200):
    return render_template(
        "stock/places.html",
        sites=places.all_sites(),
        places=places.places_of(),
        site_form=site_form,
        place_form=place_form,
        rename_form=RenameForm(formdata=None),
    ), status


@bp.route("/places", methods=["GET"])
@roles_required(Role.ADMIN)
def places_page():
    return _places_page(
        SiteForm(formdata=None, prefix="site"), _place_form(formdata=None, prefix="place")
    )


@bp.route("/sites", methods=["POST"])
@roles_required(Role.ADMIN)
def add_site():
    form = SiteForm(prefix="site")
    if not form.validate_on_submit():
        flash(_("The site was not added: %(fields)s", fields=field_errors(form)), "error")
        return _places_page(form, _place_form(formdata=None, prefix="place"), 400)
    try:
        site = places.create_site(required(form.name.data), current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
        return _places_page(form, _place_form(formdata=None, prefix="place"), error.status_code)
    flash(_("Site %(name)s added.", name=site.name), "success")
    return redirect(url_for("stock_admin.places_page"))


@bp.route("/places", methods=["POST"])
@roles_required(Role.ADMIN)
def add_place():
    form = _place_form(prefix="place")
    if not form.validate_on_submit():
        flash(_("The place was not added: %(fields)s", fields=field_errors(form)), "error")
        return _places_page(SiteForm(formdata=None, prefix="site"), form, 400)
    try:
        place = places.create_place(
            required(form.site.data),
            form.parent.data or None,
            required(form.name.data),
            current_user,
        )
    except ServiceError as error:
        flash(str(error.message), "error")
        return _places_page(SiteForm(formdata=None, prefix="site"), form, error.status_code)
    flash(_("%(path)s added: %(code)s.", path=place.path, code=place.code), "success")
    return redirect(url_for("stock_admin.places_page"))


@bp.route("/sites/<id:site_id>/rename", methods=["POST"])
@roles_required(Role.ADMIN)
def rename_site(site_id: int):
    return _rename(lambda name: places.rename_site(site_id, name, current_user))


@bp.route("/places/<code>/rename", methods=["POST"])
@roles_required(Role.ADMIN)
def rename_place(code: str):
    return _rename(lambda name: places.rename_place(code, name, current_user))


def _rename(change):
    form = RenameForm()
    if not form.validate_on_submit():
        flash(_("Nothing was renamed: %(fields)s", fields=field_errors(form)), "error")
        return redirect(url_for("stock_admin.places_page"))
    try:
        change(required(form.name.data))
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Renamed."), "success")
    return redirect(url_for("stock_admin.places_page"))


# What can we build -------------------------------------------------------------------------


@bp.route("/buildable")
@roles_required(Role.ADMIN)
def buildable_page():
    return render_template("stock/buildable.html", overview=buildable.overview())


def _wanted() -> dict[int, int]:
    """How many more of each drone type the request asks for (n-<type id>=<count>)."""
    wanted = {}
    for key, typed in request.args.items():
        if key.startswith("n-") and key[2:].isdigit() and typed.strip():
            wanted[int(key[2:])] = stock.parse_quantity(typed, _("How many more"), minimum=0)
    return wanted


def _request(as_csv: bool):
    form = RequestFilterForm(request.args)
    form.site.choices = [(0, _("All sites"))] + [(s.id, s.name) for s in places.all_sites()]
    form.validate()
    overview = buildable.overview()
    try:
        wanted = _wanted()
        lines = buildable.request_list(wanted, form.site.data or None)
    except ServiceError as error:
        flash(str(error.message), "error")
        wanted, lines = {}, []
    if as_csv:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [_("Part"), _("Category"), _("Measure"), _("Needed"), _("On hand"), _("To ask for")]
        )
        for line in lines:
            if line.missing:
                writer.writerow(
                    [
                        line.part.name,
                        line.part.category,
                        vocabulary.MEASURE_NAMES[line.part.measure],
                        line.needed,
                        line.on_hand,
                        line.missing,
                    ]
                )
        return csv_response(out.getvalue(), "request-list.csv")
    return render_template(
        "stock/request.html", form=form, overview=overview, wanted=wanted, lines=lines
    )


@bp.route("/request")
@roles_required(Role.ADMIN)
def request_page():
    return _request(as_csv=False)


@bp.route("/request.csv")
@roles_required(Role.ADMIN)
def request_csv() -> Response:
    return _request(as_csv=True)


# Discrepancies -----------------------------------------------------------------------------


@bp.route("/discrepancies")
@roles_required(Role.ADMIN)
def discrepancies():
    return render_template(
        "stock/discrepancies.html", entries=stock_moves.discrepancies(), form=FlaskForm()
    )


@bp.route("/discrepancies/<id:entry_id>/settle", methods=["POST"])
@roles_required(Role.ADMIN)
def settle(entry_id: int):
    if not FlaskForm().validate_on_submit():
        flash(_("The page expired. Go back, reload it and try again."), "error")
        return redirect(url_for("stock_admin.discrepancies"))
    try:
        stock_moves.settle(entry_id, current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Settled."), "success")
    return redirect(url_for("stock_admin.discrepancies"))
