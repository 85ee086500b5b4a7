"""The flight controller at the bench: start a run, follow its progress, read its result."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from firmware_checks.motors import DEFAULT_SECONDS, MAX_THROTTLE_PERCENT
from workshop.forms import ApplyGoldenForm, MotorSpinForm, ReworkForm, StartRunForm, required
from workshop.models import BenchRun, Unit
from workshop.services import bench_runs, drone_types, fc_jobs, motor_checks, ports, units
from workshop.services.bench_runs import APPLY, BENCH, IDENTITY, KIND_STAGE, MOTORS
from workshop.services.errors import Invalid, ServiceError
from workshop.services.fc_jobs import KIND_STEPS, READ_STEPS
from workshop.views.access import roles_required
from workshop.views.form_errors import field_errors
from workshop.vocabulary import STAGE_NAMES
from workshop.workflow import Reason, Role, Stage

bp = Blueprint("fc", __name__)

#: The runs started from a page of their own (the motor check has its page: motors()).
PAGE_KINDS = (IDENTITY, BENCH, APPLY)

#: What the volunteer sees for each step a run reports.
STEP_NAMES = {
    "connect": _l("Connect"),
    "identity": _l("Firmware and board"),
    "sensors": _l("Sensors"),
    "gyro_noise": _l("Gyro noise"),
    "battery": _l("Battery"),
    "receiver": _l("Receiver"),
    "config_diff": _l("Configuration"),
    "apply": _l("Type the golden configuration"),
    "save": _l("Save and restart"),
}
MEASUREMENT_NAMES = {
    "firmware_variant": _l("Firmware"),
    "firmware_version": _l("Firmware version"),
    "board_id": _l("Board"),
    "target": _l("Target"),
    "sensors": _l("Sensors"),
    "arming_flags": _l("Arming blocked by"),
    "attitude_tilt": _l("Tilt at rest"),
    "gyro_noise_x": _l("Gyro noise, roll"),
    "gyro_noise_y": _l("Gyro noise, pitch"),
    "gyro_noise_z": _l("Gyro noise, yaw"),
    "battery": _l("Battery"),
    "rc_link": _l("Receiver link"),
    "rc_channels": _l("Receiver channels"),
    "rc_centred": _l("Sticks centred"),
    "config_diff": _l("Configuration differences"),
    "refused_lines": _l("Lines the board refused"),
    "saved": _l("Saved"),
}
VERDICT_NAMES = {"pass": _l("Passed"), "fail": _l("Failed"), "error": _l("Could not test")}
KIND_NAMES = {
    IDENTITY: _l("Read flight controller"),
    BENCH: _l("Bench test"),
    APPLY: _l("Apply golden configuration"),
    MOTORS: _l("Motor check"),
}


def _motor(name: str) -> tuple[str, str] | None:
    """("2", "rpm") for "motor_2_rpm"; None for a name that is not a motor's."""
    parts = name.split("_")
    return (parts[1], "_".join(parts[2:])) if len(parts) >= 2 and parts[0] == "motor" else None


@bp.app_template_global()
def fc_step_name(step: str) -> str:
    motor = _motor(step)
    if motor is not None:
        return _("Motor %(number)s", number=motor[0])
    return str(STEP_NAMES.get(step, step))


@bp.app_template_global()
def fc_measurement_name(name: str) -> str:
    motor = _motor(name)
    if motor is not None and motor[1] == "rpm":
        return _("Motor %(number)s speed", number=motor[0])
    if motor is not None and motor[1] == "direction":
        return _("Motor %(number)s direction", number=motor[0])
    return str(MEASUREMENT_NAMES.get(name, name))


@bp.app_context_processor
def fc_names() -> dict:
    return {"FC_VERDICT_NAMES": VERDICT_NAMES, "FC_KIND_NAMES": KIND_NAMES}


def _unit(serial: str) -> Unit:
    try:
        return units.get_unit(serial)
    except ServiceError:
        abort(404)


def _elsewhere(unit: Unit, kind: str):
    """Back to the unit page, saying why, when the unit is not at the stage of this run."""
    if unit.stage == KIND_STAGE[kind]:
        return None
    flash(
        _(
            "This run belongs to %(stage)s; the unit is at %(current)s.",
            stage=STAGE_NAMES[KIND_STAGE[kind]],
            current=STAGE_NAMES[unit.stage],
        ),
        "error",
    )
    return redirect(url_for("units.show", serial=unit.serial))


def _start_page(unit: Unit, kind: str, form: StartRunForm, status: int = 200):
    if away := _elsewhere(unit, kind):
        return away
    judging = bench_runs.judging_for(unit)
    board = bench_runs.bound_board(unit)
    return render_template(
        "fc/start.html",
        unit=unit,
        kind=kind,
        steps=KIND_STEPS[kind],
        form=form,
        ports=ports.list_ports(),
        judging=judging,
        board=board.uid if board else None,
        runs=[r for r in bench_runs.runs_for(unit) if r.kind == kind],
    ), status


@bp.route("/u/<serial:serial>/fc/<kind>")
@login_required
def new_run(serial: str, kind: str):
    if kind not in PAGE_KINDS:
        abort(404)
    unit = _unit(serial)
    form = ApplyGoldenForm(formdata=None) if kind == APPLY else StartRunForm(formdata=None)
    return _start_page(unit, kind, form)


@bp.route("/u/<serial:serial>/fc/<kind>", methods=["POST"])
@login_required
def start(serial: str, kind: str):
    if kind not in PAGE_KINDS:
        abort(404)
    unit = _unit(serial)
    form = ApplyGoldenForm() if kind == APPLY else StartRunForm()
    if not form.validate_on_submit():
        flash(_("Some fields need attention: %(fields)s", fields=field_errors(form)), "error")
        return _start_page(unit, kind, form, 400)
    try:
        port = ports.get_port(int(required(form.port.data)))
        board = form.board.data if kind == APPLY else None
        job = fc_jobs.runner().start(kind, unit, port, current_user, confirmed_board=board)
    except ServiceError as error:
        flash(str(error.message), "error")
        return _start_page(unit, kind, form, error.status_code)
    return redirect(url_for("fc.progress", job_id=job.id), 303)


def _job(job_id: str) -> fc_jobs.Job:
    job = fc_jobs.runner().get(job_id)
    if job is None:
        abort(404)
    return job


def _job_state(job: fc_jobs.Job) -> dict:
    state = job.to_dict()
    if job.document is not None:
        state["measurements"] = job.document["measurements"]
        state["reason"] = job.document["reason"]
    if job.config_text is not None:
        state["config_text"] = job.config_text
    if job.run_id is not None:
        state["run_url"] = url_for("fc.run", run_id=job.run_id)
    return state


@bp.route("/fc/jobs/<job_id>")
@login_required
def progress(job_id: str):
    job = _job(job_id)
    if job.finished and job.run_id is not None:
        return redirect(url_for("fc.run", run_id=job.run_id))
    return render_template("fc/progress.html", job=job, unit=_unit(job.serial))


@bp.route("/fc/jobs/<job_id>/state")
@login_required
def progress_json(job_id: str):
    return jsonify(_job_state(_job(job_id)))


def _run(run_id: int) -> BenchRun:
    try:
        return bench_runs.get_run(run_id)
    except ServiceError:
        abort(404)


def _rework_form(run: BenchRun) -> ReworkForm:
    """The fail form, filled in with the reason and the measurements that failed."""
    form = ReworkForm(formdata=None, prefix="fail")
    form.reason.data = Reason.FAILED_BENCH_TEST.value
    form.version.data = str(run.unit.version)
    form.text.data = (
        "; ".join(
            _(
                "%(name)s: %(value)s (limit %(limit)s)",
                name=fc_measurement_name(m.name),
                value=f"{_value_text(m.value)} {m.unit}".strip(),
                limit=m.limit,
            )
            for m in run.failed_measurements
        )
        or run.reason
    )
    return form


def _value_text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return str(value)


@bp.app_template_filter("fc_value")
def fc_value(value: object) -> str:
    return _value_text(value)


@bp.route("/runs/<int:run_id>")
@login_required
def run(run_id: int):
    found = _run(run_id)
    unit = found.unit
    latest = bench_runs.latest_run(unit, found.kind)
    offer_rework = (
        found.verdict == "fail"
        and found.kind == BENCH
        and unit.stage == Stage.BENCH_TEST
        and unit.status == "active"
        and latest is not None
        and latest.id == found.id
    )
    return render_template(
        "fc/run.html",
        run=found,
        unit=unit,
        latest=latest,
        rework_form=_rework_form(found) if offer_rework else None,
        view={"reasons": [Reason.FAILED_BENCH_TEST.value, Reason.OTHER.value]},
    )


@bp.route("/runs/<int:run_id>/transcript.txt")
@login_required
def transcript(run_id: int):
    found = _run(run_id)
    body = bench_runs.transcript_text(found)
    name = f"{found.unit.serial}-run-{found.id}-transcript.txt"
    return Response(
        body,
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/u/<serial:serial>/runs")
@login_required
def runs(serial: str):
    unit = _unit(serial)
    return render_template("fc/runs.html", unit=unit, runs=bench_runs.runs_for(unit))


# The motor check -------------------------------------------------------------------------
#: Motors a drone type of the workshop has (quads); the board refuses a motor it lacks.
MOTOR_COUNT = 4
PROPELLERS_ON = _l("Confirm first that the propellers are off.")


@bp.route("/u/<serial:serial>/fc/motors")
@login_required
def motors(serial: str):
    unit = _unit(serial)
    if away := _elsewhere(unit, MOTORS):
        return away
    return render_template(
        "fc/motors.html",
        unit=unit,
        form=MotorSpinForm(formdata=None),
        ports=ports.list_ports(),
        motors=range(1, MOTOR_COUNT + 1),
        max_throttle=MAX_THROTTLE_PERCENT,
        seconds=DEFAULT_SECONDS,
    )


@bp.route("/u/<serial:serial>/fc/motors/spin", methods=["POST"])
@login_required
def spin(serial: str):
    unit = _unit(serial)
    form = MotorSpinForm()
    if not form.validate_on_submit():
        message = PROPELLERS_ON if "propellers_off" in form.errors else field_errors(form)
        return jsonify(error=str(message)), 400
    try:
        port = ports.get_port(int(required(form.port.data)))
        job = fc_jobs.runner().start(
            MOTORS, unit, port, current_user, motor=int(required(form.motor.data))
        )
    except ServiceError as error:
        return jsonify(error=str(error.message)), error.status_code
    return jsonify(_job_state(job)), 202


@bp.route("/u/<serial:serial>/fc/motors/stop", methods=["POST"])
@login_required
def stop_motors(serial: str):
    """Stop every motor on the port: the stop button, and the beacon of a page being left."""
    form = StartRunForm()
    if not form.validate_on_submit():
        return jsonify(error=field_errors(form)), 400
    try:
        port = ports.get_port(int(required(form.port.data)))
    except ServiceError as error:
        return jsonify(error=str(error.message)), error.status_code
    return jsonify(stopped=fc_jobs.runner().stop_motors(port, serial))


@bp.route("/u/<serial:serial>/fc/motors", methods=["POST"])
@login_required
def record_motors(serial: str):
    unit = _unit(serial)
    form = FlaskForm()  # CSRF only: the answers are one pair of fields per motor spun
    answers = {}
    for motor in range(1, MOTOR_COUNT + 1):
        job_id = request.form.get(f"job-{motor}", "")
        direction = request.form.get(f"direction-{motor}", "")
        if job_id and direction in ("ok", "reversed"):
            answers[motor] = (job_id, direction == "ok")
    try:
        if not form.validate_on_submit():
            raise Invalid(_l("The page expired; reload it and try again."))
        run = motor_checks.record(unit, current_user, answers)
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("fc.motors", serial=unit.serial))
    return redirect(url_for("fc.run", run_id=run.id))


# Reading a golden configuration from a board known to be good (the admin's golden page) ----
@bp.app_template_global()
def fc_read_steps() -> tuple[str, ...]:
    return READ_STEPS


@bp.route("/admin/types/<int:type_id>/golden/read", methods=["POST"])
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
    return jsonify(_job_state(job)), 202


@bp.route("/admin/types/<int:type_id>/golden/read/<job_id>", methods=["POST"])
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
