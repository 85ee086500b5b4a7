"""Flight-controller runs off the request thread: one run per port at a time, followed by polling.

A view starts a job (read the identity at flashing, the bench test, apply the golden
configuration, spin one motor, read a good board's `diff all` for a golden configuration, read
which board is plugged in to find its unit); a thread talks to the port and reports each step;
the page polls `Job.to_dict()`; the result is recorded through bench_runs.record_run, the one
way a run is stored (a motor check once every motor has its direction tap, a golden reading when
the coordinator saves it). Identifying a board records nothing: it only looks the board up, as
a scanned label does, and the unit may be anywhere in its life, where no run belongs. What each
job runs is fc_plans; a `sim://<profile>` port is a simulated board (fc_simulators).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from firmware_checks.bench_run import IDENTITY_STEPS, CheckResult, could_not_test, read_identity
from firmware_checks.golden import READ_STEPS, read_golden
from firmware_checks.motors import MOTOR_OUTPUTS, stop_all
from firmware_checks.run_document import RunDocument, RunKind, Verdict
from firmware_checks.transcript import Transcript
from workshop import workflow
from workshop.extensions import db
from workshop.models import BenchPort, DroneType, GoldenConfig, Unit, User
from workshop.services import bench_runs, fc_config, ports
from workshop.services.bench_runs import KIND_STAGE
from workshop.services.errors import Conflict, Forbidden, Invalid, ServiceError
from workshop.services.fc_plans import KIND_STEPS, Plan, plan_for, reading_plan
from workshop.services.fc_simulators import SimulatedBoards
from workshop.workflow import Action

log = logging.getLogger(__name__)

#: Finished jobs are forgotten after this long; the run itself is in the database.
KEEP_FINISHED_S = 3600.0
#: A job's kind when it reads a good board's `diff all` for a golden configuration: no run.
READ = "read"
#: A job's kind when it reads which board is plugged in, to find its unit: no run.
IDENTIFY = "identify"

PORT_BUSY = _l(
    "%(port)s is busy with a run on %(serial)s. Wait until it ends, or choose another port."
)
PORT_IDENTIFYING = _l(
    "%(port)s is busy identifying a board. Wait until it ends, or choose another port."
)


@dataclass
class Job:
    """One run as the page follows it."""

    id: str
    #: A RunKind, READ or IDENTIFY.
    kind: RunKind | str
    #: The unit's serial; the drone type's name for READ; "" for IDENTIFY (not known yet).
    serial: str
    port: str  # the port's name, as the volunteer knows it
    url: str
    #: The simulator profile of a `sim://` port; None for a real port.
    simulator: str | None
    steps: tuple[str, ...]
    done: list[str] = field(default_factory=list)
    current: str | None = None
    finished: bool = False
    run_id: int | None = None
    verdict: Verdict | None = None
    #: Why no run was recorded; a translated sentence, said in the language of whoever polls.
    error: LazyString | str | None = None
    #: A run not stored at once: a motor spin's, kept until the whole motor check is recorded as
    #: one run; a golden reading's.
    document: RunDocument | None = None
    #: A read's `diff all` (config_text) for the drone type (drone_type_id).
    config_text: str | None = None
    drone_type_id: int | None = None
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    _ended: threading.Event = field(default_factory=threading.Event, repr=False)

    def step(self, name: str) -> None:
        """The run has started `name`: the step before it is done."""
        if self.finished:
            return  # a run closed by the timeout may still be talking: it no longer counts
        if self.current is not None and self.current not in self.done:
            self.done.append(self.current)
        self.current = name

    def finish(
        self,
        *,
        run_id: int | None = None,
        verdict: Verdict | None = None,
        error: LazyString | str | None = None,
    ) -> None:
        if verdict is not None and self.current is not None and self.current not in self.done:
            self.done.append(self.current)
        self.current = None
        self.run_id, self.verdict, self.error = run_id, verdict, error
        self.ended = time.monotonic()
        self.finished = True
        self._ended.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job has finished (or `timeout` passed); True when it has."""
        return self._ended.wait(timeout)

    def to_dict(self) -> dict[str, Any]:
        """What the page polls: the steps, and once finished the run or what was read."""
        state: dict[str, Any] = {
            "id": self.id,
            "kind": str(self.kind),
            "serial": self.serial,
            "port": self.port,
            "steps": list(self.steps),
            "done": list(self.done),
            "current": self.current,
            "finished": self.finished,
            "run_id": self.run_id,
            "verdict": None if self.verdict is None else self.verdict.value,
            "error": None if self.error is None else str(self.error),
        }
        if self.document is not None:
            state["measurements"] = [m.to_json() for m in self.document.measurements]
            state["reason"] = self.document.reason
        if self.config_text is not None:
            state["config_text"] = self.config_text
        return state


class JobRunner:
    """The jobs of one app: a thread per job, one job per port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._busy: dict[str, Job] = {}  # url -> the job holding it
        self.boards = SimulatedBoards()

    # Starting ------------------------------------------------------------------------------
    def start(
        self,
        kind: RunKind,
        unit: Unit,
        port: BenchPort,
        actor: User,
        *,
        motor: int = 0,
        confirmed_board: str | None = None,
    ) -> Job:
        """Start a run of `kind` on `port` for `unit`; refused (nothing started) with a sentence.

        A motor spin (kind motors) spins the one `motor` (1-based) and records nothing yet.
        Applying the golden configuration needs `confirmed_board`, the board the person was
        shown: it must still be the unit's, and the run stops before typing on any other.
        """
        if kind is RunKind.MOTORS and not 1 <= motor <= MOTOR_OUTPUTS:
            raise Invalid(_l("There is no motor %(number)s.", number=motor))
        if not port.active:
            raise Invalid(_l("That port is not in use any more. Choose another one."))
        if unit.stage != KIND_STAGE[kind] or not workflow.allowed(
            unit.state, Action.FINISH, actor.role_enum
        ):
            raise Forbidden(_l("This run cannot be started while the unit is where it is now."))
        plan = plan_for(kind, unit, motor, confirmed_board, self.app.config["FC_MSP_TIMEOUT"])
        steps = KIND_STEPS[kind] + ((f"motor_{motor}",) if kind is RunKind.MOTORS else ())
        job = self._claim(port, kind, unit.serial, steps)
        self._run(job, actor.id, plan)
        return job

    def _claim(
        self, port: BenchPort, kind: RunKind | str, subject: str, steps: tuple[str, ...]
    ) -> Job:
        """A new job holding the port; Conflict when another job holds it."""
        with self._lock:
            self._forget_old()
            holder = self._busy.get(port.url)
            if holder is not None and holder.kind == IDENTIFY:
                raise Conflict(PORT_IDENTIFYING % {"port": port.name})
            if holder is not None:
                raise Conflict(PORT_BUSY % {"port": port.name, "serial": holder.serial})
            job = Job(
                uuid.uuid4().hex,
                kind,
                subject,
                port.name,
                port.url,
                ports.simulator_profile(port),
                steps,
            )
            self._jobs[job.id] = job
            self._busy[port.url] = job
        return job

    def _run(self, job: Job, actor_id: int | None, plan: Plan) -> None:
        threading.Thread(
            target=self._work, args=(job, actor_id, plan), name=f"fc-job-{job.id[:8]}", daemon=True
        ).start()

    def start_read(self, drone_type: DroneType, port: BenchPort) -> Job:
        """Read the `diff all` of a board known to be good; saved only on save_read()."""
        if not port.active:
            raise Invalid(_l("That port is not in use any more. Choose another one."))
        job = self._claim(port, READ, drone_type.name, READ_STEPS)
        job.drone_type_id = drone_type.id

        def read(url: str, **options: Any) -> CheckResult:
            result, job.config_text = read_golden(url, **options)
            return result

        self._run(job, None, reading_plan(read, self.app.config["FC_MSP_TIMEOUT"]))
        return job

    def start_identify(self, port: BenchPort) -> Job:
        """Read which board is plugged into `port`; its document keeps the board's unique id."""
        if not port.active:
            raise Invalid(_l("That port is not in use any more. Choose another one."))
        job = self._claim(port, IDENTIFY, "", IDENTITY_STEPS)
        self._run(job, None, reading_plan(read_identity, self.app.config["FC_MSP_TIMEOUT"]))
        return job

    def save_read(self, drone_type: DroneType, job_id: str, actor: User) -> GoldenConfig:
        """Save what a read found as the drone type's next golden version (source "read")."""
        job = self.get(job_id)
        if (
            job is None
            or job.kind != READ
            or job.drone_type_id != drone_type.id
            or not job.config_text
        ):
            raise Invalid(_l("Read the flight controller again: that reading is not known here."))
        current = fc_config.current_golden(drone_type)
        ignore = list(current.ignore) if current else fc_config.default_patterns()
        return fc_config.save_golden(drone_type, job.config_text, ignore, "read", actor)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def busy_port(self, url: str) -> Job | None:
        with self._lock:
            return self._busy.get(url)

    # Running -------------------------------------------------------------------------------
    def _work(self, job: Job, actor_id: int | None, plan: Plan) -> None:
        outcome: dict[str, Any] = {}
        ending: dict[str, Any] = {}
        transcript = Transcript()  # ours, so a run cut short by the timeout keeps what it said
        run_timeout = self.app.config["FC_RUN_TIMEOUT"]

        def run(url: str) -> None:
            try:
                outcome["result"] = plan.call(
                    url, progress=job.step, transcript=transcript, **plan.kwargs
                )
            except ValueError as refused:  # a golden line that must never be typed: nothing sent
                outcome["refused"] = str(refused)

        try:
            runner = threading.Thread(
                target=run, args=(self._url_for(job),), name=f"fc-run-{job.id[:8]}", daemon=True
            )
            runner.start()
            runner.join(run_timeout)
            timed_out = runner.is_alive()
            if "refused" in outcome:
                ending = {"error": _l("Nothing was sent: %(problem)s", problem=outcome["refused"])}
                return
            result: CheckResult = (
                self._timed_out(job, plan, transcript, run_timeout)
                if timed_out
                else outcome["result"]
            )
            # A simulated board's socket changes with every start: keep the port as configured.
            result.url = job.url
            document = result.document()
            if plan.record:
                ending = self._record(job, actor_id, plan, document)
            else:
                job.document = document
                ending = {"verdict": document.verdict}
                if document.verdict is Verdict.ERROR:
                    ending["error"] = document.reason
            if timed_out:
                job.finish(**ending)  # the person learns at once; the port stays busy meanwhile
                if job.simulator is not None:
                    self.boards.stop(job.url, job.serial)  # a simulated board that hangs goes
                runner.join()  # a real port is free only once the stuck run lets go of it
        except Exception:
            log.exception("flight-controller job %s failed", job.id)
            ending = {"error": _l("The run stopped on an unexpected error; nothing was recorded.")}
        finally:
            with self._lock:
                self._busy.pop(job.url, None)
            if not job.finished:
                job.finish(**ending)

    def _timed_out(
        self, job: Job, plan: Plan, transcript: Transcript, run_timeout: float
    ) -> CheckResult:
        """A run that outlived its time: "could not test", with what was said until then."""
        steps = ", ".join(job.done + ([job.current] if job.current else [])) or "none"
        transcript.note(f"steps started: {steps}")
        reason = f"the run took longer than {run_timeout:g} s and was stopped"
        return could_not_test(job.url, reason, plan.limits, transcript)

    def _record(
        self, job: Job, actor_id: int | None, plan: Plan, document: RunDocument
    ) -> dict[str, Any]:
        """Store the run; answers how the job ends (its run, or why there is none)."""
        with self.app.app_context():
            try:
                run = bench_runs.record_run(
                    job.serial,
                    document,
                    kind=RunKind(job.kind),
                    actor=db.session.get(User, actor_id) if actor_id else None,
                    station=None,
                    limits_version_id=plan.limits_version_id,
                    golden_version_id=plan.golden_version_id,
                )
            except ServiceError as error:
                return {"error": error.message}
            return {"run_id": run.id, "verdict": run.run_verdict}

    # The motor check ------------------------------------------------------------------------
    def stop_motors(self, port: BenchPort, serial: str) -> bool:
        """Stop every motor on the port now, from any request (a page left, a stop button)."""
        url = port.url
        if ports.simulator_profile(port) is not None:
            board = self.boards.running(port.url, serial)
            if board is None:
                return True  # no simulated board was ever started: nothing spins
            url = board
        return stop_all(url, timeout=self.app.config["FC_MSP_TIMEOUT"])

    # Housekeeping ---------------------------------------------------------------------------
    def _url_for(self, job: Job) -> str:
        """The pyserial URL to open: a simulated board is started on first use."""
        if job.simulator is None:
            return job.url
        if job.kind == IDENTIFY:
            return self.boards.plugged(job.url, job.simulator)
        return self.boards.url_for(job.url, job.simulator, job.serial)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [
            j.id
            for j in self._jobs.values()
            if j.ended is not None and now - j.ended > KEEP_FINISHED_S
        ]:
            del self._jobs[job_id]

    def close(self) -> None:
        """Stop every simulated board (the app is going away)."""
        self.boards.close()


_runner_lock = threading.Lock()


def runner() -> JobRunner:
    """The current app's runner, made on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _runner_lock:
        found = app.extensions.get("fc_jobs")
        if found is None:
            found = app.extensions["fc_jobs"] = JobRunner(app)
        return found
