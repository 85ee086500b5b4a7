"""The coordinator's pages: drone types with their limits and golden configuration, accounts,
bench stations and ports, board conflicts, the audit log."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from firmware_checks.golden import READ_STEPS
from workshop import vocabulary
from workshop.forms import (
    AuditFilterForm,
    DroneTypeForm,
    EditUserForm,
    GoldenForm,
    NewUserForm,
    PortForm,
    StartRunForm,
    StationForm,
    required,
)
from workshop.services import (
    accounts,
    audit_log,
    boards,
    drone_types,
    fc_config,
    fc_jobs,
    ports,
    stations,
)
from workshop.services.errors import Invalid, ServiceError
from workshop.services.measurement_text import step_name
from workshop.views.access import current_login, roles_required
from workshop.views.form_errors import field_errors
from workshop.workflow import EVIDENCE_STAGE, WORK_STAGES, Role

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
        form.care_notes.data = drone_type.care_notes
        for stage, text in drone_types.render_checklists(drone_type).items():
            getattr(form, f"checklist_{stage}").data = text
    return form


@bp.route("/types/new", methods=["GET", "POST"], defaults={"type_id": None})
@bp.route("/types/<id:type_id>", methods=["GET", "POST"])
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
                {
                    stage.value: getattr(form, f"checklist_{stage.value}").data
                    for stage in WORK_STAGES
                }
            )
            drone_types.save_type(
                type_id,
                required(form.name.data),
                required(form.prefix.data),
                form.active.data,
                drone_types.parse_bom(form.bom.data or ""),
                checklists,
                current_user,
                care_notes=form.care_notes.data or "",
            )
        except ServiceError as error:
            flash(str(error.message), "error")
            return _type_page(form, type_id, 400)
        flash(_("Drone type saved."), "success")
        return redirect(url_for("admin.types"))
    return _type_page(form, type_id, 400 if form.errors else 200)


def _type_page(form: DroneTypeForm, type_id: int | None, status: int):
    """The drone type form, with the marks that tie a checklist item to evidence explained."""
    marks = [
        (
            mark,
            vocabulary.EVIDENCE_NAMES[evidence],
            vocabulary.STAGE_NAMES[EVIDENCE_STAGE[evidence]],
        )
        for mark, evidence in drone_types.EVIDENCE_MARKS.items()
    ]
    page = render_template("admin/type_form.html", form=form, type_id=type_id, marks=marks)
    return page, status


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():
    form = NewUserForm(prefix="new")
    if form.validate_on_submit():
        try:
            accounts.create_user(
                required(form.name.data), form.role.data, required(form.pin.data), current_user
            )
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Account created."), "success")
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    people = accounts.all_users()
    edit_forms = {u.id: EditUserForm(formdata=None, prefix=f"u{u.id}", obj=u) for u in people}
    return render_template(
        "admin/users.html", form=form, users=people, edit_forms=edit_forms
    ), status


@bp.route("/users/<id:user_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    form = EditUserForm(prefix=f"u{user_id}")
    if not form.validate_on_submit():
        flash(_("The account was not changed: %(fields)s", fields=field_errors(form)), "error")
        return redirect(url_for("admin.users"))
    try:
        accounts.update_user(
            user_id,
            form.role.data,
            form.active.data,
            form.pin.data or None,
            current_user,
            actor_login=current_login(),
        )
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Account updated."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit():
    form = AuditFilterForm(request.args)
    if not form.validate():
        flash(_("Some fields need attention: %(fields)s", fields=field_errors(form)), "error")
        return render_template("admin/audit.html", form=form, page=audit_log.page("", 1)), 400
    page = audit_log.page(form.key.data or "", form.page.data or 1)
    return render_template("admin/audit.html", form=form, page=page)


@bp.route("/types/<id:type_id>/limits", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def limits(type_id: int):
    try:
        drone_type = drone_types.get_type(type_id)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("admin.types"))
    current, _version = fc_config.current_limits(drone_type)
    fields, status = fc_config.limit_fields(current), 200
    if request.method == "POST":
        try:
            saved = fc_config.save_limits(
                drone_type, fc_config.limits_from_form(request.form), current_user
            )
        except ServiceError as error:
            flash(str(error.message), "error")
            # Show what the person typed, so one slip does not cost the whole form.
            fields, status = fc_config.limit_fields(current, typed=request.form), 400
        else:
            if saved is None:
                flash(_("Nothing changed: no new version."), "info")
            else:
                flash(_("Limits saved as version %(number)d.", number=saved.number), "success")
            return redirect(url_for("admin.limits", type_id=type_id))
    return render_template(
        "admin/limits.html",
        drone_type=drone_type,
        fields=fields,
        sections=vocabulary.LIMIT_SECTIONS,
        versions=fc_config.limits_versions(drone_type),
    ), status


@bp.route("/types/<id:type_id>/golden", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def golden(type_id: int):
    try:
        drone_type = drone_types.get_type(type_id)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("admin.types"))
    form, status = GoldenForm(), 200
    current = fc_config.current_golden(drone_type)
    if request.method == "GET":
        form.ignore.data = "\n".join(current.ignore if current else fc_config.default_patterns())
    if form.validate_on_submit():
        try:
            upload = form.upload.data
            if upload and upload.filename:
                text, source = fc_config.text_of_upload(upload.read()), "file"
            else:
                text, source = form.text.data or "", "pasted"
            saved = fc_config.save_golden(
                drone_type,
                text,
                fc_config.parse_patterns(form.ignore.data or ""),
                source,
                current_user,
            )
        except ServiceError as error:
            flash(str(error.message), "error")
            status = 400
        else:
            flash(
                _("Golden configuration saved as version %(number)d.", number=saved.number),
                "success",
            )
            return redirect(url_for("admin.golden", type_id=type_id))
    elif form.errors:
        status = 400
    return render_template(
        "admin/golden.html",
        drone_type=drone_type,
        form=form,
        sources=vocabulary.GOLDEN_SOURCES,
        versions=fc_config.golden_versions(drone_type),
        ports=ports.list_ports(),
        read_steps=[(step, step_name(step)) for step in READ_STEPS],
    ), status


# Reading a golden configuration from a board known to be good ------------------------------
@bp.route("/types/<id:type_id>/golden/read", methods=["POST"])
@roles_required(Role.ADMIN)
def read_golden(type_id: int):
    form = StartRunForm()
    if not form.validate_on_submit():
        return jsonify(error=field_errors(form)), 400
    try:
        drone_type = drone_types.get_type(type_id)
        job = fc_jobs.runner().start_read(drone_type, ports.get_port(int(required(form.port.data))))
    except ServiceError as error:
        return jsonify(error=str(error.message)), error.status_code
    return jsonify(job.to_dict()), 202


@bp.route("/types/<id:type_id>/golden/read/<job_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def save_read_golden(type_id: int, job_id: str):
    try:
        if not FlaskForm().validate_on_submit():
            raise Invalid(_l("The page expired; reload it and try again."))
        saved = fc_jobs.runner().save_read(drone_types.get_type(type_id), job_id, current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(
            _("Golden configuration saved as version %(number)d.", number=saved.number), "success"
        )
    return redirect(url_for("admin.golden", type_id=type_id))


@bp.route("/stations", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def stations_page():
    form, created, status = StationForm(), None, 200
    if form.validate_on_submit():
        try:
            row, plain = stations.create_token(required(form.name.data), current_user)
        except ServiceError as error:
            flash(str(error.message), "error")
            status = 400
        else:
            # Shown in this answer only: not flashed, so it is never kept in the session cookie.
            created, form = {"name": row.name, "token": plain}, StationForm(formdata=None)
    elif form.errors:
        status = 400
    return render_template(
        "admin/stations.html", form=form, created=created, tokens=stations.all_tokens()
    ), status


@bp.route("/stations/<id:token_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke_station(token_id: int):
    try:
        row = stations.revoke(token_id, current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The token of %(name)s no longer works.", name=row.name), "success")
    return redirect(url_for("admin.stations_page"))


@bp.route("/ports", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def ports_page():
    form, status = PortForm(), 200
    if form.validate_on_submit():
        try:
            ports.add_port(required(form.name.data), required(form.url.data), current_user)
        except ServiceError as error:
            flash(str(error.message), "error")
            status = 400
        else:
            flash(_("Port added."), "success")
            return redirect(url_for("admin.ports_page"))
    elif form.errors:
        status = 400
    return render_template(
        "admin/ports.html", form=form, ports=ports.list_ports(active_only=False)
    ), status


@bp.route("/ports/<id:port_id>/<any(use, rest, remove):change>", methods=["POST"])
@roles_required(Role.ADMIN)
def change_port(port_id: int, change: str):
    try:
        if change == "remove":
            ports.remove_port(port_id, current_user)
        else:
            ports.set_active(port_id, change == "use", current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Port saved."), "success")
    return redirect(url_for("admin.ports_page"))


@bp.route("/conflicts")
@roles_required(Role.ADMIN)
def conflicts():
    return render_template(
        "admin/conflicts.html", waiting=boards.undecided(), decided=boards.decided()
    )


@bp.route("/conflicts/<id:conflict_id>/<any(accept, reject):decision>", methods=["POST"])
@roles_required(Role.ADMIN)
def decide_conflict(conflict_id: int, decision: str):
    try:
        boards.decide_conflict(conflict_id, decision == "accept", current_user)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Decision saved."), "success")
    return redirect(url_for("admin.conflicts"))
