"""Recording what a flight controller said: one service for the web runner and the stations.

A run document is firmware_checks' CheckResult.to_dict() (golden apply and motor checks use
the same keys). It is checked whole before anything is stored; then the run, its
measurements, its transcript, the board binding and the audit event go in one transaction.
"""

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from firmware_checks.limits import Limits, LimitsError, limits_from_mapping
from workshop.extensions import db
from workshop.models import (
    BenchMeasurement,
    BenchRun,
    BoardBinding,
    BoardConflict,
    GoldenConfig,
    LimitsVersion,
    StationToken,
    Unit,
    User,
)
from workshop.services import audit, fc_config, stages, units
from workshop.services.errors import Conflict, Invalid, NotFound
from workshop.services.transaction import unit_change
from workshop.workflow import RUN_REQUIRED, Reason, Stage, Status

IDENTITY, BENCH, APPLY, MOTORS = "identity", "bench", "apply", "motors"
KINDS = (IDENTITY, BENCH, APPLY, MOTORS)
VERDICTS = ("pass", "fail", "error")
#: The stage each kind of run is done at.
KIND_STAGE: dict[str, Stage] = {
    IDENTITY: Stage.FLASHING,
    APPLY: Stage.FLASHING,
    BENCH: Stage.BENCH_TEST,
    MOTORS: Stage.BENCH_TEST,
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

    kind: str
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
            "kind": self.kind,
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
    limits, limits_id = fc_config.current_limits(unit.drone_type)
    golden = fc_config.current_golden(unit.drone_type)
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


def latest_run(unit: Unit, kind: str) -> BenchRun | None:
    """The newest run of this kind on the unit: the latest decides."""
    return db.session.scalar(
        sa.select(BenchRun)
        .where(BenchRun.unit_id == unit.id, BenchRun.kind == kind)
        .order_by(BenchRun.id.desc())
        .limit(1)
    )


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


def record_run(
    serial: str,
    document: dict[str, Any],
    *,
    kind: str,
    actor: User | None,
    station: StationToken | None,
    limits_version_id: int | None,
    golden_version_id: int | None,
) -> BenchRun:
    """Store one run on the unit with this serial; refused whole (Invalid, NotFound,
    Conflict) with nothing stored. A failing reading at flashing fails the stage as
    "wrong firmware"; a board that does not match its binding raises a conflict."""
    unit = units.get_unit(serial.strip().upper(), so.joinedload(Unit.drone_type))
    problem = f"unknown kind {kind!r}" if kind not in KINDS else _document_problem(document)
    if problem:
        raise Invalid(_l("The run document is not valid: %(problem)s", problem=problem))
    _check_version(LimitsVersion, limits_version_id, unit)
    _check_version(GoldenConfig, golden_version_id, unit)
    if unit.stage != KIND_STAGE[kind].value or unit.status != Status.ACTIVE.value:
        raise Conflict(
            _l(
                "This unit is not at the stage of this run (or is on hold or scrapped): "
                "the run was not recorded."
            )
        )
    probe = document.get("probe")
    uid = probe.get("uid") if probe else None
    run = BenchRun(
        unit=unit,
        kind=kind,
        stage=unit.stage,
        verdict=document["verdict"],
        reason=document["reason"],
        user_id=actor.id if actor else None,
        station_id=station.id if station else None,
        url=document["url"][:200],
        board_uid=uid or None,
        probe=probe,
        limits=document["limits"],
        limits_version_id=limits_version_id,
        golden_version_id=golden_version_id,
        config_changes=document.get("config_changes"),
        transcript=document["transcript"],
        measurements=[
            BenchMeasurement(
                position=position,
                name=m["name"],
                value=m["value"],
                unit=m["unit"],
                limit=m["limit"],
                passed=m["passed"],
                detail=m.get("detail", ""),
            )
            for position, m in enumerate(document["measurements"])
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
        audit.record(actor, f"unit.run_{kind}", "unit", unit.serial, None, after)
        if kind == IDENTITY and run.verdict == "fail":
            stages.fail_after_run(unit, actor, Reason.WRONG_FIRMWARE, _failure_note(run))
    return run


def _failure_note(run: BenchRun) -> str:
    failed = "; ".join(f"{m.name}: {m.value} ({m.limit})" for m in run.failed_measurements)
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


def _document_problem(document: Any) -> str | None:
    """What is wrong with a run document, in a few words (English: tools read it), or None."""
    if not isinstance(document, dict):
        return "the run must be a JSON object"
    for key, kinds in (
        ("url", str),
        ("verdict", str),
        ("reason", str),
        ("measurements", list),
        ("transcript", list),
        ("limits", dict),
    ):
        if not isinstance(document.get(key), kinds):
            return f"{key} is missing or of the wrong type"
    if document["verdict"] not in VERDICTS:
        return f"verdict must be one of {', '.join(VERDICTS)}"
    if document.get("probe") is not None:
        problem = _probe_problem(document["probe"])
        if problem:
            return problem
    for index, m in enumerate(document["measurements"]):
        problem = _measurement_problem(m)
        if problem:
            return f"measurements[{index}]: {problem}"
    if document["verdict"] == "pass" and any(not m["passed"] for m in document["measurements"]):
        return "a run with a failed measurement cannot pass"
    changes = document.get("config_changes")
    if changes is not None and (
        not isinstance(changes, list)
        or not all(isinstance(c, dict) and isinstance(c.get("kind"), str) for c in changes)
    ):
        return "config_changes must be a list of changes"
    for index, entry in enumerate(document["transcript"]):
        if not (
            isinstance(entry, dict)
            and _is_number(entry.get("t"))
            and entry.get("direction") in ("tx", "rx")
            and isinstance(entry.get("kind"), str)
            and isinstance(entry.get("data"), str)
        ):
            return f"transcript[{index}] is not an entry"
    try:
        limits_from_mapping(document["limits"])
    except LimitsError as error:
        return f"limits: {error}"
    return None


def _probe_problem(probe: Any) -> str | None:
    if not isinstance(probe, dict):
        return "probe must be an object or null"
    uid = probe.get("uid")
    if uid is not None and (not isinstance(uid, str) or len(uid) > 48):
        return "probe.uid must be text of at most 48 characters"
    return None


def _measurement_problem(m: Any) -> str | None:
    if not isinstance(m, dict):
        return "not an object"
    if not isinstance(m.get("name"), str) or not m["name"] or len(m["name"]) > 64:
        return "name must be text of 1 to 64 characters"
    if not isinstance(m.get("passed"), bool):
        return "passed must be true or false"
    for key, longest in (("unit", 16), ("limit", 300)):
        if not isinstance(m.get(key), str) or len(m[key]) > longest:
            return f"{key} must be text of at most {longest} characters"
    if not isinstance(m.get("detail", ""), str):
        return "detail must be text"
    if "value" not in m or (isinstance(m["value"], float) and not math.isfinite(m["value"])):
        return "value is missing"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
