"""Flight-controller runs off the request thread: one run per port at a time, followed by polling.

A view starts a job (read the identity at flashing, the bench test, apply the golden
configuration, spin one motor, read a good board's `diff all` for a golden configuration); a
thread talks to the port and reports each step; the page polls `Job.to_dict()`; the result is
recorded through bench_runs.record_run, the one way a run is stored (a motor check once every
motor has its direction tap, a golden reading when the coordinator saves it). A port named
`sim://<profile>` is a simulated flight controller served on a loopback socket, one board per
unit (its MCU id derived from the serial), kept for the life of the app like a board on a bench.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from firmware_checks.bench_run import (
    IDENTITY_STEPS,
    CheckResult,
    ProgressCallback,
    cli_timeouts,
    read_identity,
    run_check,
    run_on_board,
)
from firmware_checks.checks import STEPS
from firmware_checks.cli_session import CliSession
from firmware_checks.client import FlightController
from firmware_checks.golden import GOLDEN_STEPS, apply_golden
from firmware_checks.limits import DEFAULT_LIMITS, Limits
from firmware_checks.motors import MOTOR_OUTPUTS, MOTOR_STEPS, check_motors, stop_all
from firmware_checks.probe import probe
from firmware_checks.simulator import SimulatorServer, uid_for
from firmware_checks.transcript import Transcript
from workshop import workflow
from workshop.extensions import db
from workshop.models import BenchPort, DroneType, GoldenConfig, Unit, User
from workshop.services import bench_runs, fc_config, ports
from workshop.services.bench_runs import APPLY, BENCH, IDENTITY, KIND_STAGE, MOTORS
from workshop.services.errors import Conflict, Forbidden, Invalid, ServiceError
from workshop.workflow import Action

log = logging.getLogger(__name__)

#: Seconds a whole run may take before it is closed as "could not test" (config FC_RUN_TIMEOUT).
RUN_TIMEOUT_S = 120.0
#: Seconds to wait for one MSP answer (config FC_MSP_TIMEOUT); the CLI waits derive from it.
MSP_TIMEOUT_S = 0.5
#: Finished jobs are forgotten after this long; the run itself is in the database.
KEEP_FINISHED_S = 3600.0

#: The steps each kind of run reports, in order, for the progress bar.
#: Reading a known-good board's `diff all` for a drone type's golden configuration; no run.
READ, READ_STEPS = "read", ("connect", "identity", "config_diff")
KIND_STEPS: dict[str, tuple[str, ...]] = {
    IDENTITY: IDENTITY_STEPS,
    BENCH: STEPS,
    APPLY: GOLDEN_STEPS,
    MOTORS: MOTOR_STEPS,
}

PORT_BUSY = _l(
    "%(port)s is busy with a run on %(serial)s. Wait until it ends, or choose another port."
)


@dataclass
class Job:
    """One run as the page follows it."""

    id: str
    kind: str
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
    verdict: str | None = None
    #: Why no run was recorded; a translated sentence, said in the language of whoever polls.
    error: LazyString | str | None = None
    #: A motor spin's run document, kept until the whole motor check is recorded as one run;
    #: a read's, with the `diff all` read (config_text) for the drone type (drone_type_id).
    document: dict[str, Any] | None = None
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
        verdict: str | None = None,
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
        return {
            "id": self.id,
            "kind": self.kind,
            "serial": self.serial,
            "port": self.port,
            "steps": list(self.steps),
            "done": list(self.done),
            "current": self.current,
            "finished": self.finished,
            "run_id": self.run_id,
            "verdict": self.verdict,
            "error": None if self.error is None else str(self.error),
        }


@dataclass(frozen=True)
class _Plan:
    """What a job runs and how its result is judged and stored; read in the request."""

    call: Callable[..., CheckResult]
    kwargs: dict[str, Any]
    limits: Limits
    limits_version_id: int | None
    golden_version_id: int | None
    #: False for a motor spin: its document waits for the person's direction taps.
    record: bool = True


def _spin_one(
    url: str, *, motor: int, progress: Callable[[str], None], timeout: float, transcript: Transcript
) -> CheckResult:
    """Spin one motor (1-based) within the motor module's hard bounds."""
    return check_motors(
        url, [motor - 1], progress=progress, timeout=timeout, transcript=transcript
    )[0]


class JobRunner:
    """The jobs of one app: a thread per job, one job per port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._busy: dict[str, Job] = {}  # url -> the job holding it
        self._simulators: dict[tuple[str, str], SimulatorServer] = {}

    @property
    def run_timeout(self) -> float:
        return float(self.app.config.get("FC_RUN_TIMEOUT", RUN_TIMEOUT_S))

    @property
    def msp_timeout(self) -> float:
        return float(self.app.config.get("FC_MSP_TIMEOUT", MSP_TIMEOUT_S))

    # Starting ------------------------------------------------------------------------------
    def start(
        self,
        kind: str,
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
        if kind not in KIND_STEPS:
            raise Invalid(_l("That is not a kind of flight-controller run."))
        if kind == MOTORS and not 1 <= motor <= MOTOR_OUTPUTS:
            raise Invalid(_l("There is no motor %(number)s.", number=motor))
        if not port.active:
            raise Invalid(_l("That port is not in use any more. Choose another one."))
        if unit.stage != KIND_STAGE[kind] or not workflow.allowed(
            unit.state, Action.FINISH, actor.role_enum
        ):
            raise Forbidden(_l("This run cannot be started while the unit is where it is now."))
        plan = self._plan(kind, unit, motor, confirmed_board)
        steps = KIND_STEPS[kind] + ((f"motor_{motor}",) if kind == MOTORS else ())
        job = self._claim(port, kind, unit.serial, steps)
        thread = threading.Thread(
            target=self._work, args=(job, actor.id, plan), name=f"fc-job-{job.id[:8]}", daemon=True
        )
        thread.start()
        return job

    def _claim(self, port: BenchPort, kind: str, subject: str, steps: tuple[str, ...]) -> Job:
        """A new job holding the port; Conflict when another job holds it."""
        with self._lock:
            self._forget_old()
            holder = self._busy.get(port.url)
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

    def start_read(self, drone_type: DroneType, port: BenchPort) -> Job:
        """Read the `diff all` of a board known to be good; saved only on save_read()."""
        if not port.active:
            raise Invalid(_l("That port is not in use any more. Choose another one."))
        job = self._claim(port, READ, drone_type.name, READ_STEPS)
        job.drone_type_id = drone_type.id

        def read(
            url: str, *, progress: ProgressCallback, timeout: float, transcript: Transcript
        ) -> CheckResult:
            def body(fc: FlightController, result: CheckResult, report: ProgressCallback) -> None:
                report("identity")
                result.probe = probe(fc)  # which board it was, for the transcript
                report("config_diff")
                cli_timeout, reboot_timeout = cli_timeouts(timeout)
                with CliSession(fc, timeout=cli_timeout, reboot_timeout=reboot_timeout) as cli:
                    job.config_text = cli.diff_all()

            return run_on_board(
                url, DEFAULT_LIMITS, body, progress=progress, timeout=timeout, transcript=transcript
            )

        plan = _Plan(read, {"timeout": self.msp_timeout}, DEFAULT_LIMITS, None, None, False)
        threading.Thread(
            target=self._work, args=(job, None, plan), name=f"fc-job-{job.id[:8]}", daemon=True
        ).start()
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

    def _plan(self, kind: str, unit: Unit, motor: int, confirmed_board: str | None) -> _Plan:
        judging = bench_runs.judging_for(unit)
        call: Callable[..., CheckResult]
        kwargs: dict[str, Any]
        common = {"timeout": self.msp_timeout}
        if kind == MOTORS:
            return _Plan(_spin_one, {"motor": motor} | common, judging.limits, None, None, False)
        if kind == APPLY:
            if judging.golden is None:
                raise Invalid(_l("This drone type has no golden configuration yet."))
            board = bench_runs.bound_board(unit)
            if board is None:
                raise Invalid(
                    _l(
                        "Read the flight controller first: the board must be known before "
                        "anything is applied to it."
                    )
                )
            if board.uid != confirmed_board:
                raise Invalid(
                    _l("Another board is bound to this unit now. Look at the page again.")
                )
            call = apply_golden
            kwargs = {
                "golden_text": judging.golden,
                "ignore": judging.ignore,
                "expect_uid": board.uid,
            } | common
        elif kind == IDENTITY:
            call, kwargs = read_identity, {"limits": judging.limits} | common
        else:
            call, kwargs = run_check, {"limits": judging.limits, "golden": judging.golden} | common
        return _Plan(
            call, kwargs, judging.limits, judging.limits_version_id, judging.golden_version_id
        )

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def busy_port(self, url: str) -> Job | None:
        with self._lock:
            return self._busy.get(url)

    # Running -------------------------------------------------------------------------------
    def _work(self, job: Job, actor_id: int | None, plan: _Plan) -> None:
        outcome: dict[str, Any] = {}
        ending: dict[str, Any] = {}
        transcript = Transcript()  # ours, so a run cut short by the timeout keeps what it said

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
            runner.join(self.run_timeout)
            timed_out = runner.is_alive()
            if "refused" in outcome:
                ending = {"error": _l("Nothing was sent: %(problem)s", problem=outcome["refused"])}
                return
            document = (
                self._timed_out(job, plan, transcript) if timed_out else outcome["result"].to_dict()
            )
            # A simulated board's socket changes with every start: keep the port as configured.
            document["url"] = job.url
            if plan.record:
                ending = self._record(job, actor_id, plan, document)
            else:
                job.document = document
                ending = {"verdict": document["verdict"]}
                if document["verdict"] == "error":
                    ending["error"] = document["reason"]
            if timed_out:
                job.finish(**ending)  # the person learns at once; the port stays busy meanwhile
                self._stop_simulator(job)  # a simulated board that hangs is let go
                runner.join()  # a real port is free only once the stuck run lets go of it
        except Exception:
            log.exception("flight-controller job %s failed", job.id)
            ending = {"error": _l("The run stopped on an unexpected error; nothing was recorded.")}
        finally:
            with self._lock:
                self._busy.pop(job.url, None)
            if not job.finished:
                job.finish(**ending)

    def _timed_out(self, job: Job, plan: _Plan, transcript: Transcript) -> dict[str, Any]:
        """A run that outlived its time: "could not test", with what was said until then."""
        reason = f"the run took longer than {self.run_timeout:g} s and was stopped"
        steps = ", ".join(job.done + ([job.current] if job.current else [])) or "none"
        transcript.note(f"steps started: {steps}")
        transcript.note(f"could not test: {reason}")
        return {
            "url": job.url,
            "verdict": "error",
            "reason": reason,
            "probe": None,
            "measurements": [],
            "config_changes": None,
            "limits": plan.limits.to_dict(),
            "transcript": transcript.to_list(),
        }

    def _record(
        self, job: Job, actor_id: int | None, plan: _Plan, document: dict[str, Any]
    ) -> dict[str, Any]:
        """Store the run; answers how the job ends (its run, or why there is none)."""
        with self.app.app_context():
            try:
                run = bench_runs.record_run(
                    job.serial,
                    document,
                    kind=job.kind,
                    actor=db.session.get(User, actor_id) if actor_id else None,
                    station=None,
                    limits_version_id=plan.limits_version_id,
                    golden_version_id=plan.golden_version_id,
                )
            except ServiceError as error:
                return {"error": error.message}
            return {"run_id": run.id, "verdict": run.verdict}

    # The motor check ------------------------------------------------------------------------
    def stop_motors(self, port: BenchPort, serial: str) -> bool:
        """Stop every motor on the port now, from any request (a page left, a stop button)."""
        url = port.url
        if ports.simulator_profile(port) is not None:
            with self._lock:
                server = self._simulators.get((port.url, serial))
            if server is None:
                return True  # no simulated board was ever started: nothing spins
            url = server.url
        return stop_all(url, timeout=self.msp_timeout)

    # Simulated boards ----------------------------------------------------------------------
    def _url_for(self, job: Job) -> str:
        """The pyserial URL to open: a simulated board is started on first use."""
        if job.simulator is None:
            return job.url
        key = (job.url, job.serial)
        with self._lock:
            server = self._simulators.get(key)
            if server is None:
                server = SimulatorServer(profile=job.simulator, uid=uid_for(job.serial)).start()
                self._simulators[key] = server
        return server.url

    def _stop_simulator(self, job: Job) -> None:
        with self._lock:
            server = self._simulators.pop((job.url, job.serial), None)
        if server is not None:
            server.stop()

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
        with self._lock:
            servers = list(self._simulators.values())
            self._simulators.clear()
        for server in servers:
            server.stop()


_runner_lock = threading.Lock()


def runner() -> JobRunner:
    """The current app's runner, made on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _runner_lock:
        found = app.extensions.get("fc_jobs")
        if found is None:
            found = app.extensions["fc_jobs"] = JobRunner(app)
        return found
