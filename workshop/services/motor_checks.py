"""The motor check: each motor spun alone (fc_jobs), the person's direction tap for each, and
one run recorded from them all."""

from typing import Any

from flask_babel import lazy_gettext as _l

from workshop.models import BenchRun, Unit, User
from workshop.services import bench_runs, fc_jobs
from workshop.services.bench_runs import MOTORS
from workshop.services.errors import Invalid


def record(unit: Unit, actor: User, answers: dict[int, tuple[str, bool]]) -> BenchRun:
    """Record one motor check from its spins (job ids) and the person's direction taps.

    `answers` maps each motor (1-based) to (the job that spun it, direction as expected).
    """
    if not answers:
        raise Invalid(_l("Spin at least one motor and say which way it turned."))
    spins = []
    for motor, (job_id, as_expected) in sorted(answers.items()):
        job = fc_jobs.runner().get(job_id)
        if (
            job is None
            or job.kind != MOTORS
            or job.serial != unit.serial
            or job.steps[-1] != f"motor_{motor}"
            or job.document is None
        ):
            raise Invalid(
                _l("Spin motor %(number)s again: its spin is not known here.", number=motor)
            )
        spins.append((motor, job.document, as_expected))
    judging = bench_runs.judging_for(unit)
    return bench_runs.record_run(
        unit.serial,
        document(spins),
        kind=MOTORS,
        actor=actor,
        station=None,
        limits_version_id=judging.limits_version_id,
        golden_version_id=None,
    )


def document(spins: list[tuple[int, dict[str, Any], bool]]) -> dict[str, Any]:
    """One run document from the motors' spins (motor, its spin's document, direction as
    expected): each motor's RPM measurement and its direction, in motor order."""
    measurements: list[dict[str, Any]] = []
    transcript: list[dict[str, Any]] = []
    errors = [doc["reason"] for _, doc, _ in spins if doc["verdict"] == "error"]
    for motor, doc, as_expected in spins:
        measurements += doc["measurements"]
        measurements.append(
            {
                "name": f"motor_{motor}_direction",
                "value": "as expected" if as_expected else "reversed",
                "unit": "",
                "limit": "as expected",
                "passed": as_expected,
                "detail": "seen by the person at the bench",
            }
        )
        transcript += doc["transcript"]
    failed = [m["name"] for m in measurements if not m["passed"]]
    if errors:
        verdict, reason = "error", errors[0]
        measurements = []
    elif failed:
        verdict = "fail"
        reason = (
            f"{len(failed)} of {len(measurements)} measurements out of limits: {', '.join(failed)}"
        )
    else:
        verdict, reason = "pass", f"all {len(measurements)} measurements within limits"
    last = spins[-1][1]
    return {
        "url": last["url"],
        "verdict": verdict,
        "reason": reason,
        "probe": last["probe"],
        "measurements": measurements,
        "config_changes": None,
        "limits": last["limits"],
        "transcript": transcript,
    }
