"""Recording what a flight controller said: one service for the web runner and the stations.

A run is firmware_checks' RunDocument, read and checked whole before anything is stored (a
station's JSON through RunDocument.from_json); then the run, its measurements, its transcript,
the board binding and the audit event go in one transaction.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from firmware_checks.json_reading import DocumentError
from firmware_checks.limits import Limits
from firmware_checks.run_document import RunDocument, RunKind, Verdict
from workshop.extensions import db
from workshop.models import (
    BenchMeasurement,
    BenchRun,
    BoardBinding,
    BoardConflict,
    DroneType,
    GoldenConfig,
    LimitsVersion,
    StationToken,
    Unit,
    User,
)
from workshop.services import audit, fc_config, measurement_text, stages, units
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.transaction import unit_change
from workshop.validators import is_id
from workshop.workflow import RUN_REQUIRED, Reason, Stage, Status

#: The stage each kind of run is done at.
KIND_STAGE: dict[RunKind, Stage] = {
    RunKind.IDENTITY: Stage.FLASHING,
    RunKind.APPLY: Stage.FLASHING,
    RunKind.BENCH: Stage.BENCH_TEST,
    RunKind.MOTORS: Stage.BENCH_TEST,
}

RUN_LOADS = (
    so.selectinload(BenchRun.measurements),
    so.joinedload(BenchRun.user),
    so.joinedload(BenchRun.station),
    so.joinedload(BenchRun.conflict),
    so.joinedload(BenchRun.limits_version),
    so.joinedload(BenchRun.golden_version),
)


@dataclass(frozen=True)
class Judging:
    """What a unit's next run is judged against, by its stage and its drone type."""

    kind: RunKind
    #: The limits in force, their configuration ignore patterns those of the golden config.
    limits: Limits
    limits_version_id: int | None
    limits_number: int | None
    golden: str | None
    golden_version_id: int | None
    golden_number: int | None
    ignore: tuple[str, ...]

    def for_station(self, unit: Unit) -> dict[str, Any]:
        """The answer of GET /api/units/<serial>/limits."""
        return {
            "serial": unit.serial,
            "drone_type": unit.drone_type.name,
            "kind": self.kind.value,
            "limits": self.limits.to_dict(),
            "limits_version": self.limits_version_id,
            "golden": self.golden,
            "golden_version": self.golden_version_id,
        }


def judging_for(unit: Unit) -> Judging:
    """The limits, golden configuration and kind of run for the unit's current stage."""
    kind = RUN_REQUIRED.get(Stage(unit.stage))
    if kind is None:
        raise Conflict(_l("This unit is not at flashing or bench test: there is nothing to run."))
    return judging_of(unit.drone_type, kind)


def judging_of(drone_type: DroneType, kind: RunKind) -> Judging:
    """What a run of `kind` on a unit of `drone_type` is judged against now."""
    limits, limits_id = fc_config.current_limits(drone_type)
    golden = fc_config.current_golden(drone_type)
    ignore = golden.ignore if golden else limits.config.ignore
    limits = dataclasses.replace(limits, config=dataclasses.replace(limits.config, ignore=ignore))
    version = db.session.get(LimitsVersion, limits_id) if limits_id else None
    return Judging(
        kind=kind,
        limits=limits,
        limits_version_id=limits_id,
        limits_number=version.number if version else None,
        golden=golden.text if golden else None,
        golden_version_id=golden.version_id if golden else None,
        golden_number=golden.number if golden else None,
        ignore=ignore,
    )


def latest_run(unit: Unit, kind: RunKind) -> BenchRun | None:
    """The newest run of this kind on the unit: the latest decides."""
    return db.session.scalar(
        sa.select(BenchRun)
        .where(BenchRun.unit_id == unit.id, BenchRun.kind == kind)
        .order_by(BenchRun.id.desc())
        .limit(1)
    )


def latest_of_each_kind(unit: Unit, kinds: tuple[RunKind, ...]) -> list[BenchRun]:
    """The newest run of each of `kinds` on the unit (in that order), measurements loaded."""
    newest = (
        sa.select(sa.func.max(BenchRun.id))
        .where(BenchRun.unit_id == unit.id, BenchRun.kind.in_(kinds))
        .group_by(BenchRun.kind)
    )
    found = {
        run.run_kind: run
        for run in db.session.scalars(
            sa.select(BenchRun).where(BenchRun.id.in_(newest)).options(*RUN_LOADS)
        ).unique()
    }
    return [found[kind] for kind in kinds if kind in found]


def runs_for(unit: Unit) -> list[BenchRun]:
    """Every run on the unit, newest first, with measurements, who or which station, conflict."""
    return list(
        db.session.scalars(
            sa.select(BenchRun)
            .where(BenchRun.unit_id == unit.id)
            .options(*RUN_LOADS)
            .order_by(BenchRun.id.desc())
        ).unique()
    )


def get_run(run_id: int) -> BenchRun:
    run = (
        db.session.scalars(
            sa.select(BenchRun)
            .where(BenchRun.id == run_id)
            .options(*RUN_LOADS, so.joinedload(BenchRun.unit))
        )
        .unique()
        .one_or_none()
    )
    if run is None:
        raise NotFound(_l("There is no such run."))
    return run


def transcript_text(run: BenchRun) -> str:
    """The raw transcript as plain text, one exchange a line, for download."""
    return "".join(
        f"{entry['t']:10.3f} {entry['direction']} {entry['kind']:<4} {entry['data']}\n"
        for entry in run.transcript
    )


def bound_board(unit: Unit) -> BoardBinding | None:
    """The board bound to the unit now, if any."""
    return db.session.scalar(
        sa.select(BoardBinding).where(
            BoardBinding.unit_id == unit.id, BoardBinding.released_at.is_(None)
        )
    )


def read_document(data: object) -> RunDocument:
    """A run document from JSON (a station's post); Invalid, naming the field, if it is not one."""
    try:
        return RunDocument.from_json(data)
    except DocumentError as error:
        raise Invalid(
            _l("The run document is not valid: %(problem)s", problem=str(error))
        ) from None


def record_posted_run(serial: str, body: object, station: StationToken) -> BenchRun:
    """Store what a station posted: the run document plus {kind, limits_version,
    golden_version}; refused whole, as record_run, when any part is not valid."""
    if not isinstance(body, dict):
        raise Invalid(_l("The run document is not valid: %(problem)s", problem="not an object"))
    versions = {key: body.get(key) for key in ("limits_version", "golden_version")}
    for key, value in versions.items():
        if value is not None and not is_id(value):
            raise Invalid(
                _l(
                    "%(field)s must be the number of a saved version or null.",
                    field=key,
                )
            )
    kind = next((k for k in RunKind if k.value == body.get("kind")), None)
    if kind is None:
        problem = f"unknown kind {body.get('kind')!r}"
        raise Invalid(_l("The run document is not valid: %(problem)s", problem=problem))
    document = {k: v for k, v in body.items() if k not in {"kind", *versions}}
    return record_run(
        serial,
        read_document(document),
        kind=kind,
        actor=None,
        station=station,
        limits_version_id=versions["limits_version"],
        golden_version_id=versions["golden_version"],
    )


def record_run(
    serial: str,
    document: RunDocument,
    *,
    kind: RunKind,
    actor: User | None,
    station: StationToken | None,
    limits_version_id: int | None,
    golden_version_id: int | None,
) -> BenchRun:
    """Store one run on the unit with this serial; refused whole (NotFound, Invalid, Conflict)
    with nothing stored. A failing reading at flashing fails the stage as "wrong firmware"; a
    board that does not match its binding raises a conflict."""
    unit = units.get_unit(serial, so.joinedload(Unit.drone_type))
    _check_version(LimitsVersion, limits_version_id, unit)
    _check_version(GoldenConfig, golden_version_id, unit)
    if unit.stage != KIND_STAGE[kind].value or unit.status != Status.ACTIVE.value:
        raise Conflict(
            _l(
                "This unit is not at the stage of this run (or is on hold or scrapped): "
                "the run was not recorded."
            )
        )
    run = BenchRun(
        unit=unit,
        kind=kind.value,
        stage=unit.stage,
        verdict=document.verdict.value,
        reason=document.reason,
        user_id=actor.id if actor else None,
        station_id=station.id if station else None,
        url=document.url[:200],
        board_uid=document.board_uid,
        probe=None if document.probe is None else dict(document.probe),
        limits=document.limits.to_dict(),
        limits_version_id=limits_version_id,
        golden_version_id=golden_version_id,
        config_changes=None
        if document.config_changes is None
        else [c.to_dict() for c in document.config_changes],
        transcript=[dataclasses.asdict(e) for e in document.transcript],
        measurements=[
            BenchMeasurement(
                position=position,
                name=m.name,
                value=m.value,
                unit=m.unit,
                limit=m.limit,
                passed=m.passed,
                detail=m.detail,
                limit_spec=m.limit_spec.to_json() if m.limit_spec else None,
                detail_spec=m.detail_spec.to_json() if m.detail_spec else None,
            )
            for position, m in enumerate(document.measurements)
        ],
    )
    with unit_change(unit, bump=False):
        db.session.add(run)
        db.session.flush()
        after: dict[str, Any] = {"run": run.id, "verdict": run.verdict}
        if station is not None:
            after["station"] = station.name
        if run.board_uid:
            after["board"] = run.board_uid
            conflict = _check_board(unit, run)
            if conflict is not None:
                after["board_conflict"] = conflict.id
        # One event tells of the run, the board it bound, or the conflict it raised.
        audit.record(actor, f"unit.run_{kind.value}", "unit", unit.serial, None, after)
        if kind is RunKind.IDENTITY and document.verdict is Verdict.FAIL:
            stages.fail_after_run(unit, actor, Reason.WRONG_FIRMWARE, _failure_note(run))
    return run


def _failure_note(run: BenchRun) -> str:
    failed = measurement_text.failed_text(run.failed_measurements)
    return str(_l("Reading the flight controller failed: %(failed)s", failed=failed or run.reason))


def _check_version(
    model: type[LimitsVersion] | type[GoldenConfig], version_id: int | None, unit: Unit
) -> None:
    if version_id is None:
        return
    owner = db.session.scalar(sa.select(model.drone_type_id).where(model.id == version_id))
    if owner != unit.drone_type_id:
        raise Invalid(
            _l(
                "The run names a limits or golden configuration version "
                "this unit's type does not have."
            )
        )


def _check_board(unit: Unit, run: BenchRun) -> BoardConflict | None:
    """Bind a board seen for the first time; flag one that belongs elsewhere."""
    uid = run.board_uid
    mine = bound_board(unit)
    theirs = db.session.scalar(
        sa.select(BoardBinding).where(BoardBinding.uid == uid, BoardBinding.released_at.is_(None))
    )
    if mine is None and theirs is None:
        db.session.add(BoardBinding(uid=uid, unit=unit, run=run))
        return None
    if mine is not None and mine.uid == uid:
        return None
    conflict = BoardConflict(
        run=run,
        unit=unit,
        uid=uid,
        other_unit_id=theirs.unit_id if theirs is not None else None,
        bound_uid=mine.uid if mine is not None else None,
    )
    db.session.add(conflict)
    db.session.flush()
    return conflict
