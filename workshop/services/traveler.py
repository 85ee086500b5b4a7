"""The traveler: everything about one unit, gathered for its page and the review page, its life
after the handover included (returns, repairs, losses in the field)."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.attributes import set_committed_value

from firmware_checks.run_document import RunKind
from workshop import vocabulary, workflow
from workshop.extensions import db
from workshop.field_life import FieldFailure, LossReason
from workshop.models import (
    AuditEvent,
    BenchRun,
    Delivery,
    DroneType,
    FieldLoss,
    Photo,
    Return,
    Review,
    StageRecord,
    Unit,
    UnitPart,
    User,
)
from workshop.models.timestamps import as_utc
from workshop.services import (
    bench_runs,
    passport,
    pick_list,
    returns,
    run_summary,
    stage_facts,
    stage_work,
    stock,
    units,
)
from workshop.services.refusals import explain
from workshop.workflow import LOSS_REASONS, Action, Move, Refused, Role, Stage, Status


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
    add_photo: bool = False
    hold: bool = False
    release: bool = False
    scrap: bool = False
    record_return: bool = False
    repair: bool = False
    scrap_returned: bool = False
    give_back: bool = False
    mark_lost: bool = False
    mark_destroyed: bool = False
    #: Its passport can be printed: it was signed off at least once.
    passport: bool = False

    @property
    def decide_return(self) -> bool:
        return self.repair or self.scrap_returned or self.give_back

    @property
    def mark_loss(self) -> bool:
        return self.mark_lost or self.mark_destroyed


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
        add_photo=allowed(Action.ADD_PHOTO),
        hold=allowed(Action.HOLD),
        release=allowed(Action.RELEASE),
        scrap=allowed(Action.SCRAP),
        record_return=allowed(Action.RETURN),
        repair=allowed(Action.REPAIR),
        scrap_returned=allowed(Action.SCRAP_RETURNED),
        give_back=allowed(Action.GIVE_BACK),
        mark_lost=allowed(Action.MARK_LOST),
        mark_destroyed=allowed(Action.MARK_DESTROYED),
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


@dataclass(frozen=True)
class LifeEntry:
    """One step of the unit's life as its page lists them, in order: a stage record, a review, a
    handover, a return (with the decision on it), a loss in the field."""

    at: datetime
    #: "record", "review", "delivery", "return" or "loss": which of the models `item` is.
    kind: str
    item: StageRecord | Review | Delivery | Return | FieldLoss
    #: The repair the step belongs to (1 for the first), 0 for the build.
    repair: int = 0


def life(unit: Unit) -> list[LifeEntry]:
    """Everything done to the unit from its kit to the field and back, in the order it happened."""
    steps: list[tuple[datetime, str, Any]] = (
        [(r.at, "record", r) for r in unit.records]
        + [(r.at, "review", r) for r in unit.reviews]
        + [(d.recorded_at, "delivery", d) for d in unit.deliveries]
        + [(r.recorded_at, "return", r) for r in unit.returns]
        + [(loss.recorded_at, "loss", loss) for loss in unit.losses]
    )
    repairs_began = sorted(
        as_utc(r.decided_at) for r in unit.returns if r.outcome == "repair" and r.decided_at
    )
    entries = []
    for at, kind, item in sorted(steps, key=lambda step: as_utc(step[0])):
        moment = as_utc(at)
        loop = sum(1 for began in repairs_began if began <= moment)
        entries.append(LifeEntry(moment, kind, item, loop))
    return entries


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
    #: Everything done to the unit, in order (see `life`).
    life: list[LifeEntry] = field(default_factory=list)
    #: Photos of the unit on no stage record and no return.
    loose_photos: list[Photo] = field(default_factory=list)
    #: The return waiting for the coordinator's decision.
    waiting_return: Return | None = None
    #: The choices of the return and loss forms, in the order offered.
    field_failures: list[str] = field(default_factory=list)
    lost_reasons: list[str] = field(default_factory=list)
    destroyed_reasons: list[str] = field(default_factory=list)
    #: The bill of materials with what the ledger shows in the unit and, at kitting, where to
    #: take the rest.
    kit: pick_list.KitView | None = None
    #: Lines with pieces in the unit: what a scrap may salvage.
    salvageable: list[pick_list.PickLine] = field(default_factory=list)
    #: A scrapped unit still holds parts its page offers to salvage.
    salvage: bool = False


#: Everything the unit and review pages show, read up front: a fixed number of statements
#: however many records, photos, parts, reviews, handovers and returns the unit has, and none
#: later from a template. Stage records come joined to the unit (a few rows each), and so do
#: its marks lost or destroyed (none or one, seldom more); each record's and return's photos
#: are picked out of the unit's photos in `load`, which saves more round trips.
TRAVELER_LOADS = (
    so.joinedload(Unit.drone_type).selectinload(DroneType.bom),
    so.joinedload(Unit.drone_type).selectinload(DroneType.checklist),
    so.joinedload(Unit.site),
    so.joinedload(Unit.records).joinedload(StageRecord.user),
    so.selectinload(Unit.parts).options(
        so.joinedload(UnitPart.bom_item),
        so.joinedload(UnitPart.lot),
        so.joinedload(UnitPart.recorded_by),
        so.joinedload(UnitPart.removed_by),
    ),
    so.selectinload(Unit.reviews).joinedload(Review.reviewer),
    so.selectinload(Unit.deliveries).joinedload(Delivery.handed_over_by),
    so.selectinload(Unit.photos),
    so.selectinload(Unit.returns).options(
        so.joinedload(Return.recorded_by), so.joinedload(Return.decided_by)
    ),
    so.joinedload(Unit.losses).joinedload(FieldLoss.recorded_by),
)


def load(serial: str) -> Unit:
    """The unit with everything its traveler (unit and review page) shows."""
    unit = units.get_unit(serial, *TRAVELER_LOADS)
    for record in unit.records:
        set_committed_value(
            record, "photos", [photo for photo in unit.photos if photo.record_id == record.id]
        )
    for back in unit.returns:
        set_committed_value(
            back, "photos", [photo for photo in unit.photos if photo.return_id == back.id]
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
    """Why the unit is back as rework, from the latest failed stage or rejection."""
    if not unit.rework:
        return None
    sent_back = [(r.at, r.reason) for r in unit.records if r.failed]
    sent_back += [(r.at, r.reason) for r in unit.reviews if not r.approved]
    if not sent_back:
        return None
    _at, reason = max(sent_back, key=lambda pair: as_utc(pair[0]))
    return str(vocabulary.REASON_NAMES.get(reason or "", reason or ""))


def _sign_off_refusal(unit: Unit, user: User) -> str | None:
    """Why the workflow's four-eyes rule keeps this person from signing the unit off (its build,
    or its repair), if it does."""
    move = Move(
        Action.REJECT,
        user.id,
        user.role_enum,
        builders=stage_facts.builders(unit),
        repairers=stage_facts.repairers(unit),
    )
    try:
        workflow.apply(unit.state, move)
    except Refused as refused:
        return explain(refused) if refused.code in ("four_eyes", "four_eyes_repair") else None
    return None


def _reasons(action: Action) -> list[str]:
    return [reason.value for reason in LossReason if reason in LOSS_REASONS[action]]


def build(unit: Unit, user: User) -> TravelerView:
    state = unit.state
    can = replace(unit_actions(state, user.role_enum), passport=passport.offered(unit))
    refusal = _sign_off_refusal(unit, user) if can.approve or can.reject else None
    worked_on = refusal is not None
    if worked_on:
        # Four eyes: whoever worked on the unit (or on its repair) neither approves nor rejects it.
        can = replace(can, open_review=False, approve=False, reject=False, reopen=False)
    kit = pick_list.kit_view(unit, stock.unit_holdings(unit.id), with_shelves=can.record_parts)
    parts = [
        {
            "item": line.item,
            "codes": [p for p in unit.parts if p.bom_item_id == line.item.id],
            # Pieces of the line the ledger shows in the unit: a code taken out with one may
            # send it back to its lot or to waste.
            "held": line.in_unit,
        }
        for line in kit.lines
        if line.item.tracked
    ]
    active = state.status is Status.ACTIVE
    salvageable = [line for line in kit.lines if line.in_unit > 0]
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
        kit=kit,
        salvageable=salvageable,
        salvage=state.status is Status.SCRAPPED and bool(salvageable),
        life=life(unit),
        loose_photos=[p for p in unit.photos if p.record_id is None and p.return_id is None],
        waiting_return=returns.waiting_return(unit) if can.decide_return else None,
        field_failures=[failure.value for failure in FieldFailure],
        lost_reasons=_reasons(Action.MARK_LOST),
        destroyed_reasons=_reasons(Action.MARK_DESTROYED),
    )
