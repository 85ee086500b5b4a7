"""Moving a unit through its build stages: finish, fail as rework, hold, release, scrap."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from werkzeug.datastructures import FileStorage

from workshop import workflow
from workshop.extensions import db
from workshop.field_life import FieldFailure, LossReason
from workshop.models import StageRecord, Unit, User
from workshop.models.timestamps import utcnow
from workshop.services import audit, photos, visits
from workshop.services.errors import Conflict, Forbidden, Invalid
from workshop.services.evidence import Proof
from workshop.services.refusals import explain
from workshop.services.stage_facts import (
    FinishFacts,
    builders,
    finish_facts,
    finish_move,
    repairers,
)
from workshop.services.transaction import CONFLICT, unit_change
from workshop.validators import NOTE_MAX, column_length
from workshop.workflow import (
    Action,
    ChecklistEntry,
    Evidence,
    Move,
    Reason,
    Refused,
    Role,
    Stage,
)

#: A hold or scrap reason is kept on the unit itself, in a shorter column than a note.
STATUS_NOTE_MAX = column_length(Unit.status_note)


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
    facts: FinishFacts | None = None,
) -> workflow.UnitState:
    """Ask the workflow; turn a refusal into a translated `Forbidden`. Finishing needs `facts`."""
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
    if action is Action.FINISH:
        move = finish_move(unit, actor, facts or finish_facts(unit), data.checked)
    else:
        move = Move(
            action=action,
            actor_id=actor.id,
            actor_role=actor.role_enum,
            builders=builders(unit),
            repairers=repairers(unit),
            reason=reason,
            rework_stage=rework_stage,
            text=data.text,
            field_failure=field_failure,
            loss_reason=loss_reason,
        )
    try:
        return workflow.apply(unit.state, move)
    except Refused as refused:
        raise Forbidden(explain(refused)) from None


def _checklist_answers(
    unit: Unit, checked: frozenset[int], proofs: Mapping[Evidence, Proof]
) -> list[dict[str, Any]]:
    """The checklist as it stands, for the stage record: an item tied to evidence says which
    evidence ticked it and the run that holds it."""
    answers = []
    for item in unit.drone_type.checklist_for(unit.stage):
        entry = ChecklistEntry(item.id, item.text, item.required, item.proved_by)
        answer: dict[str, Any] = {
            "item_id": item.id,
            "text": item.text,
            "required": item.required,
            "checked": workflow.is_ticked(entry, checked, proofs),
        }
        if entry.evidence is not None:
            answer["evidence"] = entry.evidence.value
            proof = proofs.get(entry.evidence)
            if proof is not None and proof.run_id is not None:
                answer["run_id"] = proof.run_id
        answers.append(answer)
    return answers


def _check_note(data: StageInput) -> None:
    if len(data.note) > NOTE_MAX or len(data.text) > NOTE_MAX:
        raise Invalid(_l("The note is too long (at most 2000 characters)."))


def move_to(unit: Unit, new: workflow.UnitState, at: datetime) -> None:
    """Put the workflow's answer on the unit; the clock of its stage restarts on a new stage."""
    if new.stage.value != unit.stage:
        unit.stage_since = at
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
    reason: str | None = None,
) -> None:
    """Put a move the workflow allowed (`new`) into the caller's transaction: the rows that
    record it, the stay it ends on the unit's timeline (with the rework `reason` of a fail or
    a reject), the unit's new state, and its audit event with `details`."""
    before = audit.unit_snapshot(unit)
    now = utcnow()
    db.session.add_all(rows)
    db.session.add(visits.stay_ended(unit, action, new, now, reason))
    move_to(unit, new, now)
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
    reason: str | None = None,
) -> None:
    """`record_move` in a transaction of its own: a lost race is a Conflict, nothing kept."""
    with unit_change(unit):
        record_move(unit, actor, action, new, rows=rows, details=details, reason=reason)


def finish_stage(unit: Unit, actor: User, data: StageInput) -> StageRecord:
    """Finish the unit's current stage with its checklist answers, note and photo; an item
    tied to evidence is ticked by the evidence, never by hand."""
    _check_note(data)
    facts = finish_facts(unit)
    new = decide(unit, actor, Action.FINISH, data, facts)
    answers = _checklist_answers(unit, data.checked, facts.proofs)
    return _write_record(unit, actor, data, new, answers, Action.FINISH)


def fail_stage(unit: Unit, actor: User, data: StageInput) -> StageRecord:
    """Fail the current stage with a reason: the unit goes back as rework."""
    _check_note(data)
    facts = finish_facts(unit)
    new = decide(unit, actor, Action.FAIL, data)
    answers = _checklist_answers(unit, data.checked, facts.proofs)
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
        commit_move(unit, actor, action, new, rows=rows, details=details, reason=record.reason)
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
    record_move(unit, actor, Action.FAIL, new, rows=signed, details=details, reason=reason.value)
    # The unit's state changed: a page opened before must not save over it.
    flag_modified(unit, "status")


def change_status(
    unit: Unit,
    actor: User,
    action: Action,
    data: StageInput,
    alongside: Callable[[], object] | None = None,
) -> None:
    """Put on hold, take off hold, or scrap, with the person's words as the reason; `alongside`
    adds the caller's own changes to the same transaction (the parts salvaged at a scrap).

    `alongside` runs before the unit's own row changes: what it flushes on the way must not
    write the unit early, or the unit's row would be written (and its version bumped) twice.
    """
    _check_note(data)
    if len(data.text.strip()) > STATUS_NOTE_MAX:
        raise Invalid(
            _l("The reason is too long (at most %(max)d characters).", max=STATUS_NOTE_MAX)
        )
    new = decide(unit, actor, action, data)
    with unit_change(unit):
        if alongside is not None:
            alongside()
        unit.status_note = data.text.strip()
        record_move(unit, actor, action, new, details={"text": unit.status_note})


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
