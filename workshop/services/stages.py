"""Moving a unit through its build stages: finish, fail as rework, hold, release, scrap."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from werkzeug.datastructures import FileStorage

from firmware_checks.run_document import Verdict
from workshop import workflow
from workshop.extensions import db
from workshop.field_life import FieldFailure, LossReason, ReturnOutcome
from workshop.models import BenchRun, BoardBinding, BoardConflict, StageRecord, Unit, User
from workshop.models.timestamps import as_utc, utcnow
from workshop.services import audit, photos
from workshop.services.errors import Conflict, Forbidden, Invalid
from workshop.services.refusals import explain
from workshop.services.transaction import CONFLICT, unit_change
from workshop.workflow import RUN_REQUIRED, Action, Move, Reason, Refused, Role, Stage

NOTE_MAX = 2000


@dataclass(frozen=True)
class RunFacts:
    """What the workflow asks about the flight-controller runs of a unit's current stage."""

    run_verdict: Verdict | None = None
    board_conflict: bool = False


@dataclass(frozen=True)
class StageInput:
    """What the person sent from the unit page."""

    version: int
    checked: frozenset[int] = frozenset()
    note: str = ""
    reason: str | None = None
    rework_stage: str | None = None
    text: str = ""
    photo: FileStorage | None = None
    #: With a return: what failed in the field (a FieldFailure).
    field_failure: str | None = None
    #: With a unit marked lost or destroyed: why (a LossReason).
    loss_reason: str | None = None


def decide(
    unit: Unit,
    actor: User,
    action: Action,
    data: StageInput,
    missing_required: tuple[str, ...] = (),
    missing_parts: tuple[str, ...] = (),
    runs: RunFacts = RunFacts(),
) -> workflow.UnitState:
    """Ask the workflow; turn a refusal into a translated `Forbidden`."""
    if unit.version != data.version:
        # A stale page: say so, rather than judge the move against a state it never saw.
        raise Conflict(CONFLICT)
    try:
        reason = Reason(data.reason) if data.reason else None
        rework_stage = Stage(data.rework_stage) if data.rework_stage else None
        field_failure = FieldFailure(data.field_failure) if data.field_failure else None
        loss_reason = LossReason(data.loss_reason) if data.loss_reason else None
    except ValueError:
        raise Invalid(_l("That reason or stage is not one of the choices.")) from None
    move = Move(
        action=action,
        actor_id=actor.id,
        actor_role=actor.role_enum,
        builders=builders(unit),
        repairers=repairers(unit),
        reason=reason,
        rework_stage=rework_stage,
        text=data.text,
        missing_required=missing_required,
        missing_parts=missing_parts,
        run_verdict=runs.run_verdict,
        board_conflict=runs.board_conflict,
        field_failure=field_failure,
        loss_reason=loss_reason,
    )
    try:
        return workflow.apply(unit.state, move)
    except Refused as refused:
        raise Forbidden(explain(refused)) from None


def _checklist_answers(unit: Unit, checked: frozenset[int]) -> tuple[list[dict], tuple[str, ...]]:
    items = unit.drone_type.checklist_for(unit.stage)
    answers = [
        {"item_id": i.id, "text": i.text, "required": i.required, "checked": i.id in checked}
        for i in items
    ]
    missing = tuple(i.text for i in items if i.required and i.id not in checked)
    return answers, missing


def builders(unit: Unit) -> frozenset[int]:
    """Everyone who did a step on the unit, a flight-controller run from the app included:
    they may not sign it off."""
    ran = db.session.scalars(
        sa.select(BenchRun.user_id)
        .where(BenchRun.unit_id == unit.id, BenchRun.user_id.is_not(None))
        .distinct()
    )
    return unit.builder_ids() | frozenset(user_id for user_id in ran if user_id is not None)


def repair_started(unit: Unit) -> datetime | None:
    """When the unit's current repair began (the decision to repair its latest return); None
    while it is not under repair."""
    if not unit.repair:
        return None
    decided = [
        r.decided_at
        for r in unit.returns
        if r.outcome == ReturnOutcome.REPAIR and r.decided_at is not None
    ]
    return as_utc(decided[-1]) if decided else None


def repairers(unit: Unit) -> frozenset[int]:
    """Everyone who did a step on the unit since its current repair began, a flight-controller
    run from the app included: they may not sign off the repair. Empty when not under repair."""
    since = repair_started(unit)
    if since is None:
        return frozenset()
    people = (
        {r.user_id for r in unit.records if as_utc(r.at) >= since}
        | {p.recorded_by_id for p in unit.parts if as_utc(p.recorded_at) >= since}
        | {
            p.removed_by_id
            for p in unit.parts
            if p.removed_at and p.removed_by_id and as_utc(p.removed_at) >= since
        }
        | {photo.uploaded_by_id for photo in unit.photos if as_utc(photo.at) >= since}
    )
    ran = db.session.scalars(
        sa.select(BenchRun.user_id)
        .where(BenchRun.unit_id == unit.id, BenchRun.at >= since, BenchRun.user_id.is_not(None))
        .distinct()
    )
    return frozenset(people) | frozenset(user_id for user_id in ran if user_id is not None)


def run_facts(unit: Unit) -> RunFacts:
    """The latest verdict of the run the unit's stage needs, and whether its board is in doubt.

    Only runs since the unit came to this stage count: a unit sent back through flashing as
    rework is read again, not waved through on the reading of its first visit.
    """
    kind = RUN_REQUIRED.get(Stage(unit.stage))
    if kind is None:
        return RunFacts()
    latest = db.session.execute(
        sa.select(BenchRun.verdict, BenchRun.board_uid)
        .where(
            BenchRun.unit_id == unit.id,
            BenchRun.kind == kind,
            BenchRun.at >= unit.stage_since,
        )
        .order_by(BenchRun.id.desc())
        .limit(1)
    ).first()
    undecided = db.session.scalar(
        sa.select(sa.func.count(BoardConflict.id)).where(
            BoardConflict.unit_id == unit.id, BoardConflict.decision.is_(None)
        )
    )
    bound = db.session.scalar(
        sa.select(BoardBinding.uid).where(
            BoardBinding.unit_id == unit.id, BoardBinding.released_at.is_(None)
        )
    )
    # A conflict decided "not this unit's board" leaves the last reading on a foreign board.
    foreign = latest is not None and latest.board_uid is not None and latest.board_uid != bound
    return RunFacts(
        run_verdict=Verdict(latest.verdict) if latest else None,
        board_conflict=bool(undecided) or foreign,
    )


def _check_note(data: StageInput) -> None:
    if len(data.note) > NOTE_MAX or len(data.text) > NOTE_MAX:
        raise Invalid(_l("The note is too long (at most 2000 characters)."))


def move_to(unit: Unit, new: workflow.UnitState) -> None:
    """Put the workflow's answer on the unit; the clock of its stage restarts on a new stage."""
    if new.stage.value != unit.stage:
        unit.stage_since = utcnow()
    unit.stage, unit.status, unit.rework = new.stage.value, new.status.value, new.rework
    unit.repair = new.repair


def record_move(
    unit: Unit,
    actor: User | None,
    action: Action,
    new: workflow.UnitState,
    *,
    rows: Iterable[object] = (),
    details: Mapping[str, Any] | None = None,
) -> None:
    """Put a move the workflow allowed (`new`) into the caller's transaction: the rows that
    record it, the unit's new state, and its audit event with `details`."""
    before = audit.unit_snapshot(unit)
    db.session.add_all(rows)
    move_to(unit, new)
    after = audit.unit_snapshot(unit) | dict(details or {})
    audit.record(actor, f"unit.{action.value}", "unit", unit.serial, before, after)


def commit_move(
    unit: Unit,
    actor: User,
    action: Action,
    new: workflow.UnitState,
    *,
    rows: Iterable[object] = (),
    details: Mapping[str, Any] | None = None,
) -> None:
    """`record_move` in a transaction of its own: a lost race is a Conflict, nothing kept."""
    with unit_change(unit):
        record_move(unit, actor, action, new, rows=rows, details=details)


def finish_stage(unit: Unit, actor: User, data: StageInput) -> StageRecord:
    """Finish the unit's current stage with its checklist answers, note and photo."""
    _check_note(data)
    answers, missing = _checklist_answers(unit, data.checked)
    new = decide(
        unit,
        actor,
        Action.FINISH,
        data,
        missing_required=missing,
        missing_parts=unit.missing_parts(),
        runs=run_facts(unit),
    )
    return _write_record(unit, actor, data, new, answers, Action.FINISH)


def fail_stage(unit: Unit, actor: User, data: StageInput) -> StageRecord:
    """Fail the current stage with a reason: the unit goes back as rework."""
    _check_note(data)
    answers, _missing = _checklist_answers(unit, data.checked)
    new = decide(unit, actor, Action.FAIL, data)
    return _write_record(unit, actor, data, new, answers, Action.FAIL)


def _write_record(
    unit: Unit,
    actor: User,
    data: StageInput,
    new: workflow.UnitState,
    answers: list[dict],
    action: Action,
) -> StageRecord:
    failed = action is Action.FAIL
    photo = photos.prepare(data.photo) if data.photo else None
    record = StageRecord(
        unit=unit,
        stage=unit.stage,
        outcome="failed" if failed else "done",
        user_id=actor.id,
        answers=answers,
        note=(data.note or data.text).strip(),
        reason=data.reason if failed else None,
        rework_to=new.stage.value if failed else None,
    )
    details = {"record_stage": record.stage, "note": record.note}
    if record.reason:
        details["reason"] = record.reason
    rows: list[object] = [record]
    if photo:
        rows.append(photos.attach(photo, unit, record, actor))
    try:
        commit_move(unit, actor, action, new, rows=rows, details=details)
    except BaseException:
        if photo:
            photo.discard()
        raise
    return record


def fail_after_run(unit: Unit, actor: User | None, reason: Reason, note: str) -> None:
    """Fail the unit's stage because a flight-controller run said so; the caller commits.

    A person who ran it signs the failed record; a run posted by a bench station has no
    person, so only the audit event tells of it.
    """
    # A station's run has no person: the workflow is asked as for a volunteer (anyone may fail).
    move = Move(
        action=Action.FAIL,
        actor_id=actor.id if actor else 0,
        actor_role=actor.role_enum if actor else Role.VOLUNTEER,
        reason=reason,
    )
    try:
        new = workflow.apply(unit.state, move)
    except Refused as refused:
        raise Forbidden(explain(refused)) from None
    signed = (
        []
        if actor is None
        else [
            StageRecord(
                unit=unit,
                stage=unit.stage,
                outcome="failed",
                user_id=actor.id,
                answers=[],
                note=note,
                reason=reason.value,
                rework_to=new.stage.value,
            )
        ]
    )
    details = {"record_stage": unit.stage, "note": note, "reason": reason.value}
    record_move(unit, actor, Action.FAIL, new, rows=signed, details=details)
    # The unit's state changed: a page opened before must not save over it.
    flag_modified(unit, "status")


def change_status(unit: Unit, actor: User, action: Action, data: StageInput) -> None:
    """Put on hold, take off hold, or scrap, with the person's words as the reason."""
    _check_note(data)
    new = decide(unit, actor, action, data)
    unit.status_note = data.text.strip()
    commit_move(unit, actor, action, new, details={"text": unit.status_note})


def add_photo(unit: Unit, actor: User, version: int, upload: FileStorage | None) -> None:
    """Attach a photo to the unit at its current stage without finishing the stage."""
    decide(unit, actor, Action.ADD_PHOTO, StageInput(version=version))
    prepared = photos.prepare(upload) if upload else None
    if prepared is None:
        raise Invalid(_l("Choose a photo first."))
    try:
        with unit_change(unit):
            db.session.add(photos.attach(prepared, unit, None, actor))
            audit.record(
                actor,
                "unit.photo",
                "unit",
                unit.serial,
                None,
                {"stage": unit.stage, "photo": prepared.filename},
            )
    except BaseException:
        prepared.discard()
        raise
