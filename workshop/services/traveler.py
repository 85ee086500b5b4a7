"""The traveler: everything about one unit, gathered for its page and the review page."""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.attributes import set_committed_value

from firmware_checks.run_document import RunKind
from workshop import vocabulary, workflow
from workshop.extensions import db
from workshop.models import (
    AuditEvent,
    BenchRun,
    Delivery,
    DroneType,
    Review,
    StageRecord,
    Unit,
    UnitPart,
    User,
)
from workshop.services import bench_runs, run_summary, stage_facts, stage_work, units
from workshop.services.refusals import explain
from workshop.workflow import Action, Refused, Role, Stage, Status


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def stage_change(self) -> tuple[str, str] | None:
        """(from, to) when the event moved the unit to another stage."""
        before = (self.before or {}).get("stage")
        after = (self.after or {}).get("stage")
        return (before, after) if before and after and before != after else None


@dataclass(frozen=True)
class UnitActions:
    """What the page may offer this person on this unit now: templates ask these, never the
    stage or status themselves, so nothing is offered that the workflow would refuse."""

    finish: bool = False
    fail: bool = False
    record_parts: bool = False
    read_fc: bool = False
    bench_test: bool = False
    open_review: bool = False
    approve: bool = False
    reject: bool = False
    reopen: bool = False
    deliver: bool = False
    take_back: bool = False
    add_photo: bool = False
    hold: bool = False
    release: bool = False
    scrap: bool = False


def unit_actions(state: workflow.UnitState, role: Role) -> UnitActions:
    """The workflow's answer for each offer (before the checklist and four-eyes facts)."""

    def allowed(action: Action) -> bool:
        return workflow.allowed(state, action, role)

    finish = allowed(Action.FINISH)
    return UnitActions(
        finish=finish,
        fail=allowed(Action.FAIL),
        record_parts=allowed(Action.RECORD_PART),
        read_fc=finish and state.stage is Stage.FLASHING,
        bench_test=finish and state.stage is Stage.BENCH_TEST,
        open_review=allowed(Action.APPROVE),
        approve=allowed(Action.APPROVE),
        reject=allowed(Action.REJECT),
        reopen=allowed(Action.REJECT) and state.stage in workflow.FROZEN_STAGES,
        deliver=allowed(Action.DELIVER),
        take_back=allowed(Action.TAKE_BACK),
        add_photo=allowed(Action.ADD_PHOTO),
        hold=allowed(Action.HOLD),
        release=allowed(Action.RELEASE),
        scrap=allowed(Action.SCRAP),
    )


@dataclass(frozen=True)
class RunEvidence:
    """The latest run of one kind, as the reviewer sees it beside the build record."""

    run: BenchRun
    page: run_summary.RunPage
    #: Lines that differ from the golden configuration; None when none was compared.
    differences: int | None


#: The runs a reviewer weighs: the board read, the bench test, the motors seen turning.
REVIEW_RUNS = (RunKind.IDENTITY, RunKind.BENCH, RunKind.MOTORS)


def fc_evidence(unit: Unit) -> list[RunEvidence]:
    """The latest reading, bench test and motor check of the unit, in the reader's words."""
    return [
        RunEvidence(
            run=run,
            page=run_summary.run_page(run),
            differences=None if run.config_changes is None else len(run.config_changes),
        )
        for run in bench_runs.latest_of_each_kind(unit, REVIEW_RUNS)
    ]


@dataclass
class TravelerView:
    unit: Unit
    can: UnitActions
    history: list[HistoryEntry]
    reasons: list[str]
    frozen: bool
    #: The unit waits for a reviewer's sign-off (on hold or not).
    awaits_review: bool
    on_hold: bool
    #: The unit's status when it is not simply active (on hold, scrapped), for its badge.
    shown_status: str | None
    #: What to do next, while the unit is active; None otherwise.
    next_step: str | None
    #: The person's words for a hold or a scrap; None while active.
    status_reason: str | None
    #: The stage reads the flight controller, or has read it: its panel and runs are shown.
    shows_fc_panel: bool
    #: The work of the current build stage (checklist, Finish, runs) when this person may do it.
    work: stage_work.StageWork | None = None
    #: Why the unit is back as rework (the latest failure, rejection or return), while it is.
    rework_reason: str | None = None
    #: The label is part of the stage's work (kitting): its buttons stand in the unit's card.
    labels_first: bool = False
    #: Why this person may not sign the unit off, when that is so.
    sign_off_refusal: str | None = None
    #: This person did a step on the unit (the review queue and page say so).
    worked_on: bool = False
    #: While the unit waits for review: its latest flight-controller runs.
    fc_evidence: list[RunEvidence] = field(default_factory=list)
    tracked_parts: list[dict[str, Any]] = field(default_factory=list)


#: Everything the unit and review pages show, read up front: a fixed number of statements
#: however many records, photos, parts, reviews and handovers the unit has, and none later
#: from a template. Stage records come joined to the unit (a few rows each); each record's
#: photos are picked out of the unit's photos in `load`, which saves one more round trip.
TRAVELER_LOADS = (
    so.joinedload(Unit.drone_type).selectinload(DroneType.bom),
    so.joinedload(Unit.drone_type).selectinload(DroneType.checklist),
    so.joinedload(Unit.records).joinedload(StageRecord.user),
    so.selectinload(Unit.parts).options(
        so.joinedload(UnitPart.bom_item),
        so.joinedload(UnitPart.recorded_by),
        so.joinedload(UnitPart.removed_by),
    ),
    so.selectinload(Unit.reviews).joinedload(Review.reviewer),
    so.selectinload(Unit.deliveries).joinedload(Delivery.handed_over_by),
    so.selectinload(Unit.photos),
)


def load(serial: str) -> Unit:
    """The unit with everything its traveler (unit and review page) shows."""
    unit = units.get_unit(serial, *TRAVELER_LOADS)
    for record in unit.records:
        set_committed_value(
            record, "photos", [photo for photo in unit.photos if photo.record_id == record.id]
        )
    return unit


def history(unit: Unit) -> list[HistoryEntry]:
    events = db.session.execute(
        sa.select(AuditEvent, User.name)
        .outerjoin(User, AuditEvent.user_id == User.id)
        .where(AuditEvent.entity == "unit", AuditEvent.entity_key == unit.serial)
        .order_by(AuditEvent.id)
    )
    return [
        HistoryEntry(at=e.at, who=name or "—", action=e.action, before=e.before, after=e.after)
        for e, name in events
    ]


def rework_reason(unit: Unit) -> str | None:
    """Why the unit is back as rework, from the latest failed stage, rejection or return."""
    if not unit.rework:
        return None
    sent_back = [(r.at, r.reason) for r in unit.records if r.failed]
    sent_back += [(r.at, r.reason) for r in unit.reviews if not r.approved]
    sent_back += [(d.returned_at, d.return_reason) for d in unit.deliveries if d.returned_at]
    if not sent_back:
        return None
    _at, reason = max(sent_back, key=lambda pair: _comparable(pair[0]))
    return str(vocabulary.REASON_NAMES.get(reason or "", reason or ""))


def _comparable(at: datetime) -> datetime:
    """SQLite hands back naive times, PostgreSQL aware ones: all are UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def build(unit: Unit, user: User) -> TravelerView:
    state = unit.state
    can = unit_actions(state, user.role_enum)
    refusal = None
    worked_on = user.id in stage_facts.builders(unit)
    if worked_on and (can.approve or can.reject):
        # Four eyes: whoever worked on the unit neither approves nor rejects it.
        refusal = explain(Refused("four_eyes"))
        can = replace(can, open_review=False, approve=False, reject=False, reopen=False)
    parts = [
        {
            "item": item,
            "codes": [p for p in unit.parts if p.bom_item_id == item.id],
        }
        for item in unit.drone_type.bom
        if item.tracked
    ]
    active = state.status is Status.ACTIVE
    work = stage_work.build(unit, user) if can.finish else None
    if work is not None:
        next_step: str | None = work.next_step
    else:
        next_step = str(vocabulary.NEXT_STEP[state.stage]) if active else None
    return TravelerView(
        unit=unit,
        can=can,
        history=history(unit),
        reasons=[r.value for r in workflow.reasons_for(state.stage)],
        frozen=state.stage in workflow.FROZEN_STAGES,
        awaits_review=state.stage is Stage.REVIEW,
        on_hold=state.status is Status.ON_HOLD,
        shown_status=None if active else state.status.value,
        next_step=next_step,
        status_reason=None if active else unit.status_note or None,
        shows_fc_panel=state.stage not in (Stage.KITTING, Stage.SOLDERING),
        work=work,
        rework_reason=rework_reason(unit),
        labels_first=state.stage is Stage.KITTING,
        sign_off_refusal=refusal,
        worked_on=worked_on,
        fc_evidence=fc_evidence(unit) if state.stage is Stage.REVIEW else [],
        tracked_parts=parts,
    )
