"""The traveler: everything about one unit, gathered for its page and the review page."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.attributes import set_committed_value

from workshop import workflow
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
from workshop.services import stages, units
from workshop.services.refusals import explain
from workshop.workflow import Action, Refused


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class TravelerView:
    unit: Unit
    checklist: list[ChecklistItem]
    can: dict[str, bool]
    history: list[HistoryEntry]
    reasons: list[str]
    frozen: bool
    #: Why this person may not sign the unit off, when that is so.
    sign_off_refusal: str | None = None
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


def build(unit: Unit, user: User) -> TravelerView:
    state = unit.state
    can = {a.value: workflow.allowed(state, a, user.role_enum) for a in Action}
    refusal = None
    if can[Action.APPROVE] and user.id in stages.builders(unit):
        refusal = explain(Refused("four_eyes"))
    parts = [
        {
            "item": item,
            "codes": [p for p in unit.parts if p.bom_item_id == item.id],
        }
        for item in unit.drone_type.bom
        if item.tracked
    ]
    return TravelerView(
        unit=unit,
        checklist=unit.drone_type.checklist_for(unit.stage),
        can=can,
        history=history(unit),
        reasons=[r.value for r in workflow.reasons_for(state.stage)],
        frozen=state.stage in workflow.FROZEN_STAGES,
        sign_off_refusal=refusal,
        tracked_parts=parts,
    )
