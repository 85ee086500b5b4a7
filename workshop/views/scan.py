"""The scan page: one scan box, starting new units (with the parts running low, for the
coordinator), and the part recall search."""

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from workshop.extensions import login_manager
from workshop.forms import NewUnitForm, PartSearchForm, ScanForm, StartRunForm
from workshop.services import drone_types, places, ports, printing, scan, stock_levels, units
from workshop.services.errors import ServiceError
from workshop.views import access
from workshop.views.auth import badge_scanned

bp = Blueprint("scan", __name__)

#: The drone type this tablet last started a unit of: the next new unit is likely one too.
LAST_TYPE_COOKIE = "last_type"
LAST_TYPE_AGE = timedelta(days=365)


def _new_unit_form() -> NewUnitForm:
    form = NewUnitForm()
    types = drone_types.active_types()
    form.drone_type.choices = [(t.id, t.name) for t in types]
    last = request.cookies.get(LAST_TYPE_COOKIE, "")
    if request.method == "GET" and last.isdigit() and int(last) in {t.id for t in types}:
        form.drone_type.data = int(last)
    # A site to kit at is asked for only where the network has several.
    sites = places.all_sites()
    form.site.choices = [(s.id, s.name) for s in sites] if len(sites) > 1 else []
    if form.site.data is None and sites:
        form.site.data = units.usual_site(current_user, sites)
    return form


def _scan_page(form: ScanForm, status: int = 200):
    """The scan page: the scan box, identifying a board on a bench port, a new unit, and for
    the coordinator the parts running low."""
    return render_template(
        "scan/index.html",
        scan_form=form,
        new_form=_new_unit_form(),
        identify_form=StartRunForm(formdata=None),
        ports=ports.list_ports(),
        low_stock=stock_levels.low_stock() if access.menu_for(current_user).admin else [],
    ), status


@bp.route("/")
@login_required
def index():
    return _scan_page(ScanForm())


#: Where each kind of scan opens, and the URL argument its key goes in.
OPENS = {
    scan.Kind.UNIT: ("units.show", "serial"),
    scan.Kind.LOT: ("stock.lot", "code"),
    scan.Kind.PLACE: ("stock.place", "code"),
    scan.Kind.BIN: ("stock.bin_label", "number"),
    scan.Kind.BADGE: ("auth.badge", "code"),
}


def opened(kind: scan.Kind, key: str) -> str:
    """The address a scanned unit, lot, bin or badge opens."""
    endpoint, argument = OPENS[kind]
    # Typed Any: a dict of str could, for all mypy knows, fill url_for's `_external` (a bool).
    values: dict[str, Any] = {argument: key}
    return url_for(endpoint, **values)


@bp.route("/scan", methods=["POST"])
def scan_code():
    """Open what a scan names. Anyone may scan a badge (it is how a volunteer logs in); what
    else a scan opens needs a login first."""
    form = ScanForm()
    if not form.validate_on_submit():
        flash(_("The scan could not be read. Scan again."), "error")
        return _refused(form, 400)
    if not current_user.is_authenticated:
        return _scan_before_login(form.code.data or "")
    try:
        found = scan.resolve(form.code.data or "")
    except ServiceError as error:
        flash(str(error.message), "error")
        return _refused(form, error.status_code)
    if found.kind is scan.Kind.BADGE:
        return badge_scanned(found.key)
    return redirect(opened(found.kind, found.key))


def _scan_before_login(raw: str):
    """A badge logs its holder in; any other code opens after the login. Nothing but a badge
    is looked up first, so a scan without a login tells nobody which units or lots exist."""
    try:
        named = scan.parse_repaired(raw)
        if named.kind is scan.Kind.BADGE:
            return badge_scanned(scan.resolve(raw).key)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("auth.login"))
    flash(str(login_manager.login_message), "info")
    return redirect(url_for("auth.login", next=opened(named.kind, named.key)))


def _refused(form: ScanForm, status: int):
    """Back to the scan page, ready for the next scan; before a login, back to the login page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return _scan_page(form, status)


@bp.route("/units/new", methods=["POST"])
@login_required
def new_unit():
    form = _new_unit_form()
    if not form.validate_on_submit():
        flash(_("Choose a drone type."), "error")
        return redirect(url_for("scan.index"))
    try:
        unit = units.create_unit(form.drone_type.data, current_user, site_id=form.site.data)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("scan.index"))
    flash(_("New unit %(serial)s started at kitting.", serial=unit.serial), "success")
    if job := printing.auto_print_new_unit(unit, current_user, fallback_base=request.url_root):
        flash(*printing.outcome(job))
    response = redirect(url_for("units.show", serial=unit.serial))
    response.set_cookie(
        LAST_TYPE_COOKIE,
        str(unit.drone_type_id),
        max_age=LAST_TYPE_AGE,
        samesite="Lax",
        httponly=True,
    )
    return response


@bp.route("/parts")
@login_required
def parts():
    form = PartSearchForm(request.args)
    found = units.units_with_part(form.q.data or "") if form.validate() else []
    return render_template("scan/parts.html", form=form, found=found)
