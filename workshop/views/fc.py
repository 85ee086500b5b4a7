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
from firmware_checks.run_document import RunKind, Verdict
from workshop.forms import (
    ApplyGoldenForm,
    FinishForm,
    MotorSpinForm,
    ReworkForm,
    StartRunForm,
    required,
)
from workshop.models import BenchRun, Unit
from workshop.services import (
    bench_runs,
    boards,
    fc_jobs,
    motor_checks,
    ports,
    run_summary,
    stage_work,
    traveler,
    units,
)
from workshop.services.bench_runs import KIND_STAGE
from workshop.services.errors import Invalid, ServiceError
from workshop.services.measurement_text import failed_text, step_name
from workshop.services.stage_work import StageWork
from workshop.views import fc_pages
from workshop.views.form_errors import field_errors
from workshop.vocabulary import RUN_KIND_NAMES, STAGE_NAMES, VERDICT_NAMES
from workshop.workflow import EVIDENCE_RUN, Evidence, Reason, Stage, Status

bp = Blueprint("fc", __name__)

#: The runs started from a page of their own (the motor check has its page: motors()).
PAGE_KINDS = (RunKind.IDENTITY, RunKind.BENCH, RunKind.APPLY)


@bp.app_context_processor
def fc_names() -> dict:
    return {"RUN_KIND_NAMES": RUN_KIND_NAMES, "VERDICT_NAMES": VERDICT_NAMES}


def _unit(serial: str) -> Unit:
    try:
        return units.get_unit(serial)
    except ServiceError:
        abort(404)


def _page_kind(kind: str) -> RunKind:
    if kind not in PAGE_KINDS:
        abort(404)
    return RunKind(kind)


def _elsewhere(unit: Unit, kind: RunKind):
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


def _start_page(unit: Unit, kind: RunKind, form: StartRunForm, status: int = 200):
    if away := _elsewhere(unit, kind):
        return away
    judging = bench_runs.judging_for(unit)
    board = bench_runs.bound_board(unit)
    return render_template(
        "fc/start.html",
        unit=unit,
        page=fc_pages.start_page(kind),
        form=form,
        ports=ports.list_ports(),
        judging=judging,
        board=board.uid if board else None,
        runs=[r for r in bench_runs.runs_for(unit) if r.kind == kind],
    ), status


@bp.route("/u/<serial:serial>/fc/<kind>")
@login_required
def new_run(serial: str, kind: str):
    run_kind = _page_kind(kind)
    unit = _unit(serial)
    form = (
        ApplyGoldenForm(formdata=None) if run_kind is RunKind.APPLY else StartRunForm(formdata=None)
    )
    return _start_page(unit, run_kind, form)


@bp.route("/u/<serial:serial>/fc/<kind>", methods=["POST"])
@login_required
def start(serial: str, kind: str):
    run_kind = _page_kind(kind)
    unit = _unit(serial)
    form = ApplyGoldenForm() if run_kind is RunKind.APPLY else StartRunForm()
    if not form.validate_on_submit():
        flash(_("Some fields need attention: %(fields)s", fields=field_errors(form)), "error")
        return _start_page(unit, run_kind, form, 400)
    try:
        port = ports.get_port(int(required(form.port.data)))
        board = form.board.data if run_kind is RunKind.APPLY else None
        job = fc_jobs.runner().start(run_kind, unit, port, current_user, confirmed_board=board)
    except ServiceError as error:
        flash(str(error.message), "error")
        return _start_page(unit, run_kind, form, error.status_code)
    return redirect(url_for("fc.progress", job_id=job.id), 303)


def _job(job_id: str) -> fc_jobs.Job:
    job = fc_jobs.runner().get(job_id)
    if job is None:
        abort(404)
    return job


def _identified(job: fc_jobs.Job) -> tuple[str | None, str | None]:
    """(the unit page to open, or why there is none) once an identification has read a board."""
    if not job.finished or job.error is not None:
        return None, None
    try:
        serial = boards.unit_for_board(job.document.board_uid if job.document else None)
    except ServiceError as error:
        return None, str(error.message)
    return url_for("units.show", serial=serial), None


def _job_state(job: fc_jobs.Job) -> dict:
    """What the progress page polls: the job, and once finished the page to open (its run, or
    the unit a board identified) or why there is none."""
    state = job.to_dict()
    if job.run_id is not None:
        state["open_url"] = url_for("fc.run", run_id=job.run_id)
    if job.kind == fc_jobs.IDENTIFY:
        opens, problem = _identified(job)
        state["open_url"] = opens
        state["error"] = state["error"] or problem
    return state


@bp.route("/fc/jobs/<job_id>")
@login_required
def progress(job_id: str):
    job = _job(job_id)
    if job.kind == fc_jobs.READ:
        abort(404)  # a golden reading is followed on the drone type's page
    # One reading of the job for the whole page: a job that ends while the page is drawn must
    # not show "finished" with the page to open still unknown (the page would never poll).
    state = _job_state(job)
    if state["finished"] and state.get("open_url"):
        return redirect(state["open_url"])
    steps = [(step, step_name(step)) for step in job.steps]
    if job.kind == fc_jobs.IDENTIFY:
        return render_template(
            "fc/progress.html",
            job=job,
            title=_("Identify by flight controller"),
            steps=steps,
            unit=None,
            state=state,
            again_url=url_for("scan.index"),
            back_url=url_for("scan.index"),
            back_label=_("Back to the scan page"),
        )
    return render_template(
        "fc/progress.html",
        job=job,
        title=str(RUN_KIND_NAMES[RunKind(job.kind)]),
        steps=steps,
        unit=_unit(job.serial),
        state=state,
        again_url=url_for("fc.new_run", serial=job.serial, kind=job.kind),
        back_url=url_for("units.show", serial=job.serial),
        back_label=_("Back to the unit"),
    )


@bp.route("/identify", methods=["POST"])
@login_required
def identify():
    """Read the board plugged into a bench port and open the unit it is bound to."""
    form = StartRunForm()
    try:
        if not form.validate_on_submit():
            raise Invalid(_l("The page expired; reload it and try again."))
        job = fc_jobs.runner().start_identify(ports.get_port(int(required(form.port.data))))
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("scan.index"))
    return redirect(url_for("fc.progress", job_id=job.id), 303)


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
    form.text.data = failed_text(run.failed_measurements) or run.reason
    return form


def _stage_work(run: BenchRun, unit: Unit, latest: BenchRun | None) -> StageWork | None:
    """The stage's checklist and Finish, on the result of the latest run of the unit's stage,
    when this person may finish it: a passed run leads straight on."""
    current = latest is not None and latest.id == run.id and run.stage == unit.stage
    can = traveler.unit_actions(unit.state, current_user.role_enum)
    return stage_work.build(unit, current_user) if current and can.finish else None


def run_start_url(serial: str, kind: RunKind) -> str:
    """The page that starts a run of `kind` on the unit."""
    if kind is RunKind.MOTORS:
        return url_for("fc.motors", serial=serial)
    return url_for("fc.new_run", serial=serial, kind=kind.value)


def evidence_links(serial: str) -> dict[Evidence, str]:
    """Where a person starts the run each run-made evidence comes from, for this unit."""
    return {evidence: run_start_url(serial, kind) for evidence, kind in EVIDENCE_RUN.items()}


@bp.route("/runs/<id:run_id>")
@login_required
def run(run_id: int):
    found = _run(run_id)
    unit = found.unit
    latest = bench_runs.latest_run(unit, found.run_kind)
    offer_rework = (
        found.run_verdict is Verdict.FAIL
        and found.run_kind is RunKind.BENCH
        and unit.stage == Stage.BENCH_TEST
        and unit.status == Status.ACTIVE
        and latest is not None
        and latest.id == found.id
    )
    work = _stage_work(found, unit, latest)
    finish_form = FinishForm(formdata=None)
    finish_form.version.data = str(unit.version)
    return render_template(
        "fc/run.html",
        run=found,
        unit=unit,
        page=run_summary.run_page(found),
        latest=latest,
        rework_form=_rework_form(found) if offer_rework else None,
        view={"reasons": [Reason.FAILED_BENCH_TEST.value, Reason.OTHER.value], "work": work},
        finish_form=finish_form,
        checked=frozenset(),
        evidence_links=evidence_links(unit.serial),
        next_run_url=run_start_url(unit.serial, work.main_run) if work and work.main_run else None,
    )


@bp.route("/runs/<id:run_id>/transcript.txt")
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
PROPELLERS_ON = _l("Confirm first that the propellers are off.")


@bp.route("/u/<serial:serial>/fc/motors")
@login_required
def motors(serial: str):
    unit = _unit(serial)
    if away := _elsewhere(unit, RunKind.MOTORS):
        return away
    return render_template(
        "fc/motors.html",
        unit=unit,
        form=MotorSpinForm(formdata=None),
        ports=ports.list_ports(),
        motors=range(1, motor_checks.MOTOR_COUNT + 1),
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
            RunKind.MOTORS, unit, port, current_user, motor=int(required(form.motor.data))
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
    for motor in range(1, motor_checks.MOTOR_COUNT + 1):
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
