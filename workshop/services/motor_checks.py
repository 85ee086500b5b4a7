"""The motor check: each motor spun alone (fc_jobs), the person's direction tap for each, and
one run recorded from them all (firmware_checks.motors.motor_check_document judges it)."""

from flask_babel import lazy_gettext as _l

from firmware_checks.motors import motor_check_document
from firmware_checks.run_document import RunDocument, RunKind
from workshop.models import BenchRun, Unit, User
from workshop.services import bench_runs, fc_jobs
from workshop.services.errors import Invalid

#: Motors a drone type of the workshop has (quads); the board refuses a motor it lacks.
MOTOR_COUNT = 4


def record(unit: Unit, actor: User, answers: dict[int, tuple[str, bool]]) -> BenchRun:
    """Record one motor check from its spins (job ids) and the person's direction taps.

    `answers` maps each motor (1-based) to (the job that spun it, direction as expected).
    """
    if not answers:
        raise Invalid(_l("Spin at least one motor and say which way it turned."))
    spins: list[tuple[int, RunDocument, bool]] = []
    for motor, (job_id, as_expected) in sorted(answers.items()):
        job = fc_jobs.runner().get(job_id)
        if (
            job is None
            or job.kind != RunKind.MOTORS
            or job.serial != unit.serial
            or job.steps[-1] != f"motor_{motor}"
            or job.document is None
        ):
            raise Invalid(
                _l("Spin motor %(number)s again: its spin is not known here.", number=motor)
            )
        spins.append((motor, job.document, as_expected))
    return record_spins(unit, actor, spins)


def record_spins(unit: Unit, actor: User, spins: list[tuple[int, RunDocument, bool]]) -> BenchRun:
    """Record one motor check from its spins: (motor, the spin's document, direction as
    expected), judged by firmware_checks.motors.motor_check_document."""
    judging = bench_runs.judging_for(unit)
    return bench_runs.record_run(
        unit.serial,
        motor_check_document(spins),
        kind=RunKind.MOTORS,
        actor=actor,
        station=None,
        limits_version_id=judging.limits_version_id,
        golden_version_id=None,
    )
