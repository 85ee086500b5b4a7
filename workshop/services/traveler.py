"""The traveler: everything about one unit, gathered for its page and the review page."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.attributes import set_committed_value

from workshop import vocabulary, workflow
from workshop.extensions import db
from workshop.models import (
    AuditEvent,
    ChecklistItem,
    Delivery,
    DroneType,
    Review,
    StageRecord,
    Unit,
    UnitPart,
    User,
)
from workshop.services import kitting, stages, stock, units
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


@dataclass
class TravelerView:
    unit: Unit
    checklist: list[ChecklistItem]
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
    #: Why this person may not sign the unit off, when that is so.
    sign_off_refusal: str | None = None
    tracked_parts: list[dict[str, Any]] = field(default_factory=list)
    #: The bill of materials with what the ledger shows in the unit and, at kitting, where to
    #: take the rest.
    kit: kitting.KitView | None = None
    #: Lines with pieces in the unit: what a scrap may salvage.
    salvageable: list[kitting.PickLine] = field(default_factory=list)
    #: A scrapped unit still holds parts its page offers to salvage.
    salvage: bool = False


#: Everything the unit and review pages show, read up front: a fixed number of statements
#: however many records, photos, parts, reviews and handovers the unit has, and none later
#: from a template. Stage records come joined to the unit (a few rows each); each record's
#: photos are picked out of the unit's photos in `load`, which saves one more round trip.
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


def build(unit: Unit, user: User) -> TravelerView:
    state = unit.state
    can = unit_actions(state, user.role_enum)
    refusal = None
    if can.approve and user.id in stages.builders(unit):
        refusal = explain(Refused("four_eyes"))
    kit = kitting.kit_view(unit, stock.unit_holdings(unit.id), with_shelves=can.record_parts)
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
    return TravelerView(
        unit=unit,
        checklist=unit.drone_type.checklist_for(unit.stage),
        can=can,
        history=history(unit),
        reasons=[r.value for r in workflow.reasons_for(state.stage)],
        frozen=state.stage in workflow.FROZEN_STAGES,
        awaits_review=state.stage is Stage.REVIEW,
        on_hold=state.status is Status.ON_HOLD,
        shown_status=None if active else state.status.value,
        next_step=str(vocabulary.NEXT_STEP[state.stage]) if active else None,
        status_reason=None if active else unit.status_note or None,
        shows_fc_panel=state.stage not in (Stage.KITTING, Stage.SOLDERING),
        sign_off_refusal=refusal,
        tracked_parts=parts,
        kit=kit,
        salvageable=salvageable,
        salvage=state.status is Status.SCRAPPED and bool(salvageable),
    )
