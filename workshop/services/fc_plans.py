"""What a flight-controller job runs, decided in the request: which firmware_checks call, with
what limits and golden configuration, and whether its run is stored at once."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from firmware_checks.bench_run import IDENTITY_STEPS, CheckResult, read_identity, run_check
from firmware_checks.checks import STEPS
from firmware_checks.golden import GOLDEN_STEPS, apply_golden
from firmware_checks.limits import DEFAULT_LIMITS, Limits
from firmware_checks.motors import MOTOR_STEPS, check_motors
from firmware_checks.run_document import RunKind
from firmware_checks.transcript import Transcript
from workshop.models import Unit
from workshop.services import bench_runs
from workshop.services.errors import Invalid

#: The steps each kind of run reports, in order, for the progress bar.
KIND_STEPS: dict[RunKind, tuple[str, ...]] = {
    RunKind.IDENTITY: IDENTITY_STEPS,
    RunKind.BENCH: STEPS,
    RunKind.APPLY: GOLDEN_STEPS,
    RunKind.MOTORS: MOTOR_STEPS,
}


@dataclass(frozen=True)
class Plan:
    """What a job runs and how its result is judged and stored; read in the request."""

    #: Called as call(url, progress=..., transcript=..., **kwargs) on the job's thread.
    call: Callable[..., CheckResult]
    kwargs: dict[str, Any]
    limits: Limits
    limits_version_id: int | None
    golden_version_id: int | None
    #: False for a motor spin (its document waits for the person's direction taps) and for a
    #: golden reading (saved only when the coordinator says so).
    record: bool = True


def _spin_one(
    url: str, *, motor: int, progress: Callable[[str], None], timeout: float, transcript: Transcript
) -> CheckResult:
    """Spin one motor (1-based) within the motor module's hard bounds."""
    return check_motors(
        url, [motor - 1], progress=progress, timeout=timeout, transcript=transcript
    )[0]


def plan_for(
    kind: RunKind, unit: Unit, motor: int, confirmed_board: str | None, msp_timeout: float
) -> Plan:
    """The plan of a run of `kind` on the unit; Invalid (nothing started) when it cannot run."""
    judging = bench_runs.judging_for(unit)
    common: dict[str, Any] = {"timeout": msp_timeout}
    if kind is RunKind.MOTORS:
        return Plan(_spin_one, {"motor": motor} | common, judging.limits, None, None, False)
    call: Callable[..., CheckResult]
    kwargs: dict[str, Any]
    if kind is RunKind.APPLY:
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
            raise Invalid(_l("Another board is bound to this unit now. Look at the page again."))
        call = apply_golden
        kwargs = {"golden_text": judging.golden, "ignore": judging.ignore, "expect_uid": board.uid}
    elif kind is RunKind.IDENTITY:
        call, kwargs = read_identity, {"limits": judging.limits}
    else:
        call, kwargs = run_check, {"limits": judging.limits, "golden": judging.golden}
    return Plan(
        call,
        kwargs | common,
        judging.limits,
        judging.limits_version_id,
        judging.golden_version_id,
    )


def reading_plan(call: Callable[..., CheckResult], msp_timeout: float) -> Plan:
    """The plan of a reading that is no run of a unit (a good board's `diff all`, which board is
    plugged in): judged by nothing, stored by nobody."""
    return Plan(call, {"timeout": msp_timeout}, DEFAULT_LIMITS, None, None, record=False)
