"""A unit back from the field: recording its return, then the decision on it: repair from a
stage the person chooses, scrap, or give back as is."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from workshop.models import Delivery, Lot, Return, Unit, User
from workshop.models.timestamps import utcnow
from workshop.services import delivery, photos, salvage
from workshop.services.errors import Invalid
from workshop.services.salvage import SalvagedPart
from workshop.services.stages import NOTE_MAX, StageInput, commit_move, decide, record_move
from workshop.services.transaction import unit_change
from workshop.services.units import workshop_today
from workshop.workflow import RETURN_OUTCOMES, Action

#: Photos one return may bring: the damage from a few sides.
PHOTOS_MAX = 6


@dataclass(frozen=True)
class ReturnInput:
    """What the coordinator records when a unit comes back."""

    version: int
    receiver_code: str
    returned_on: date
    #: A FieldFailure.
    reason: str
    reason_text: str = ""
    notes: str = ""
    photos: Sequence[FileStorage] = field(default_factory=tuple)


def record_return(unit: Unit, actor: User, data: ReturnInput) -> Return:
    """A delivered unit is back: who brought it, when, what failed, notes and photos. It waits
    at "returned" for the decision."""
    if not unit.deliveries:
        raise Invalid(_l("This unit was never handed over, so it cannot come back."))
    code = delivery.receiver_code(data.receiver_code)
    handover = unit.deliveries[-1]
    if data.returned_on > workshop_today():
        raise Invalid(_l("The return date cannot be in the future."))
    if data.returned_on < handover.delivered_on:
        raise Invalid(
            _l(
                "The unit was handed over on %(date)s; it cannot have come back before that.",
                date=handover.delivered_on.isoformat(),
            )
        )
    if len(data.reason_text) > NOTE_MAX or len(data.notes) > NOTE_MAX:
        raise Invalid(_l("The note is too long (at most 2000 characters)."))
    uploads = [upload for upload in data.photos if upload.filename]
    if len(uploads) > PHOTOS_MAX:
        raise Invalid(_l("At most %(count)d photos with one return.", count=PHOTOS_MAX))
    new = decide(
        unit,
        actor,
        Action.RETURN,
        StageInput(version=data.version, text=data.reason_text, field_failure=data.reason),
    )
    back = Return(
        unit=unit,
        delivery=handover,
        receiver_code=code,
        returned_on=data.returned_on,
        reason=data.reason,
        reason_text=data.reason_text.strip(),
        notes=data.notes.strip(),
        recorded_by_id=actor.id,
    )
    prepared: list[photos.PreparedPhoto] = []
    try:
        for upload in uploads:
            if (photo := photos.prepare(upload)) is not None:
                prepared.append(photo)
        rows: list[object] = [back]
        for photo in prepared:
            attached = photos.attach(photo, unit, None, actor)
            attached.field_return = back
            rows.append(attached)
        details = {
            "receiver": code,
            "date": data.returned_on.isoformat(),
            "failure": back.reason,
            "text": back.reason_text,
        }
        commit_move(unit, actor, Action.RETURN, new, rows=rows, details=details)
    except BaseException:
        for photo in prepared:
            photo.discard()
        raise
    return back


def waiting_return(unit: Unit) -> Return | None:
    """The unit's return that waits for a decision, if any."""
    return next((r for r in reversed(unit.returns) if r.outcome is None), None)


@dataclass(frozen=True)
class Decision:
    """The return decided on, and the salvage lots a scrap made."""

    back: Return
    salvaged: list[Lot] = field(default_factory=list)


def decide_return(
    unit: Unit,
    actor: User,
    action: Action,
    data: StageInput,
    salvaged: Sequence[SalvagedPart] = (),
    salvage_place: str | None = None,
) -> Decision:
    """Repair (from `data.rework_stage`), scrap (salvaging the `salvaged` good parts into
    stock, in `salvage_place` or where they were drawn from), or give back as is (both with
    words): the decision on the unit's waiting return, in one transaction with the unit's
    move."""
    if action not in RETURN_OUTCOMES:
        raise ValueError(f"{action} is no decision on a return")
    if len(data.text) > NOTE_MAX:
        raise Invalid(_l("The note is too long (at most 2000 characters)."))
    new = decide(unit, actor, action, data)
    pending = waiting_return(unit)
    if pending is None:
        raise Invalid(_l("This unit has no return waiting for a decision."))
    with unit_change(unit):
        pending.outcome = RETURN_OUTCOMES[action].value
        pending.repair_stage = new.stage.value if action is Action.REPAIR else None
        pending.outcome_text = data.text.strip()
        pending.decided_by_id, pending.decided_at = actor.id, utcnow()
        details: dict[str, object] = {"outcome": pending.outcome, "text": pending.outcome_text}
        rows: list[object] = []
        made: list[Lot] = []
        if action is Action.GIVE_BACK:
            # Given back is handed over again: to whoever brought it, today.
            today = workshop_today()
            rows.append(
                Delivery(
                    unit=unit,
                    receiver_code=pending.receiver_code,
                    delivered_on=today,
                    handed_over_by_id=actor.id,
                )
            )
            details |= {"receiver": pending.receiver_code, "date": today.isoformat()}
        if action is Action.SCRAP_RETURNED:
            # Salvaged first: its statements flush before the unit's own row changes.
            made = salvage_returned_unit(unit, actor, salvaged, salvage_place)
            details["salvaged"] = [lot.code for lot in made]
            unit.status_note = pending.outcome_text
        record_move(unit, actor, action, new, rows=rows, details=details)
    return Decision(pending, made)


def salvage_returned_unit(
    unit: Unit, actor: User, salvaged: Sequence[SalvagedPart], place_code: str | None
) -> list[Lot]:
    """Salvage the good parts of a unit scrapped after its return into stock, inside the scrap's
    transaction; the salvage lots made (none when no part is salvaged)."""
    return salvage.salvage_alongside(unit, actor, salvaged, place_code)
