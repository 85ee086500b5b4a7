"""The coordinator's pages: drone types, accounts, the audit log."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user

from workshop.forms import AuditFilterForm, DroneTypeForm, EditUserForm, NewUserForm
from workshop.services import accounts, audit_log, drone_types
from workshop.services.errors import ServiceError
from workshop.views.access import roles_required
from workshop.views.form_errors import field_errors
from workshop.workflow import WORK_STAGES, Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/types")
@roles_required(Role.ADMIN)
def types():
    return render_template("admin/types.html", types=drone_types.all_types())


def _type_form(type_id: int | None) -> DroneTypeForm:
    form = DroneTypeForm()
    if type_id is not None and request.method == "GET":
        drone_type = drone_types.get_type(type_id)
        form.name.data, form.prefix.data = drone_type.name, drone_type.prefix
        form.active.data = drone_type.active
        form.bom.data = drone_types.render_bom(drone_type)
        for stage, text in drone_types.render_checklists(drone_type).items():
            getattr(form, f"checklist_{stage}").data = text
    return form


@bp.route("/types/new", methods=["GET", "POST"], defaults={"type_id": None})
@bp.route("/types/<int:type_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_type(type_id: int | None):
    try:
        form = _type_form(type_id)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("admin.types"))
    if form.validate_on_submit():
        try:
            checklists = drone_types.parse_checklists(
                {stage.value: getattr(form, f"checklist_{stage.value}").data for stage in WORK_STAGES}
            )
            drone_types.save_type(
                type_id,
                form.name.data,
                form.prefix.data,
                form.active.data,
                drone_types.parse_bom(form.bom.data or ""),
                checklists,
                current_user,
            )
        except ServiceError as error:
            flash(str(error.message), "error")
            return render_template("admin/type_form.html", form=form, type_id=type_id), 400
        flash(_("Drone type saved."), "success")
        return redirect(url_for("admin.types"))
    status = 400 if form.errors else 200
    return render_template("admin/type_form.html", form=form, type_id=type_id), status


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():
    form = NewUserForm(prefix="new")
    if form.validate_on_submit():
        try:
            accounts.create_user(form.name.data, form.role.data, form.pin.data, current_user)
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Account created."), "success")
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    people = accounts.all_users()
    edit_forms = {u.id: EditUserForm(formdata=None, prefix=f"u{u.id}", obj=u) for u in people}
    return render_template("admin/users.html", form=form, users=people, edit_forms=edit_forms), status


@bp.route("/users/<int:user_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    form = EditUserForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        flash(_("The account was not changed: %(fields)s", fields=field_errors(form)), "error")
        return redirect(url_for("admin.users"))
    try:
        accounts.update_user(user_id, form.role.data, form.active.data, form.pin.data or None, current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Account updated."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit():
    form = AuditFilterForm(request.args)
    page = audit_log.page(form.key.data or "", max(form.page.data or 1, 1) if form.validate() else 1)
    return render_template("admin/audit.html", form=form, page=page)
