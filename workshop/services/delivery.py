"""Handing an approved unit over to a receiving unit."""

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import Delivery, Unit, User
from workshop.services.errors import Invalid
from workshop.services.stages import StageInput, commit_move, decide
from workshop.services.units import workshop_today
from workshop.workflow import Action

#: A receiving unit's code: letters, digits, dashes. Never a name, phone or place.
RECEIVER_CODE = re.compile(r"^[\w-]{2,32}$")
#: How many receiving units' codes the handover form offers as buttons.
RECENT_RECEIVERS = 6


def recent_receiver_codes(limit: int = RECENT_RECEIVERS) -> list[str]:
    """The codes of the receiving units handed over to last, the latest first."""
    latest = sa.func.max(Delivery.id)
    return list(
        db.session.scalars(
            sa.select(Delivery.receiver_code)
            .group_by(Delivery.receiver_code)
            .order_by(latest.desc())
            .limit(limit)
        )
    )


def receiver_code(text: str) -> str:
    """A receiving unit's code as stored (capitals); Invalid when it is not one."""
    code = text.strip().upper()
    if not RECEIVER_CODE.match(code):
        raise Invalid(_l("Enter the receiving unit's code: 2 to 32 letters, digits or dashes."))
    return code


def hand_over(unit: Unit, actor: User, receiver: str, delivered_on: date, version: int) -> Delivery:
    code = receiver_code(receiver)
    if delivered_on > workshop_today():
        raise Invalid(_l("The handover date cannot be in the future."))
    new = decide(unit, actor, Action.DELIVER, StageInput(version=version))
    delivery = Delivery(
        unit=unit, receiver_code=code, delivered_on=delivered_on, handed_over_by_id=actor.id
    )
    details = {"receiver": code, "date": delivered_on.isoformat()}
    commit_move(unit, actor, Action.DELIVER, new, rows=[delivery], details=details)
    return delivery
