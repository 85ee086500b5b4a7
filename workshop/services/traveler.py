"""The traveler: everything about one unit, gathered for its page and the review page."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from workshop import workflow
from workshop.extensions import db
from workshop.models import AuditEvent, ChecklistItem, Unit, User
from workshop.services.refusals import explain
from workshop.workflow import Action, Refused, Stage


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
    if can[Action.APPROVE] and user.id in unit.builder_ids():
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


def is_work_stage(stage: str) -> bool:
    return Stage(stage) in workflow.WORK_STAGES
