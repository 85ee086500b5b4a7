"""Recall: a lot and every unit that drew from it, so a bad batch is found in every drone.

A lot split by a move shares its receipt with the lots split from it: a recall covers them all.
The page reads a fixed number of statements however many units drew from the lot.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from workshop.extensions import db
from workshop.models import Delivery, DroneType, LedgerEntry, Lot, Place, Unit, UnitPart
from workshop.models.stock import EntryKind
from workshop.services.errors import NotFound
from workshop.workflow import Stage, Status

#: The lot's own ledger rows the page shows, newest first.
HISTORY_SHOWN = 100


@dataclass
class UnitDrawn:
    """A unit that drew from the lot: what it is now, how many it drew, the serials of tracked
    pieces from the lot, and for a delivered unit the receiving unit's code."""

    serial: str
    drone_type: str
    stage: str
    status: str
    drawn: int
    serials: list[str] = field(default_factory=list)
    receiver: str | None = None

    @property
    def shown_status(self) -> str | None:
        """The unit's status when it is not simply active (on hold, scrapped)."""
        return None if self.status == Status.ACTIVE.value else self.status


@dataclass(frozen=True)
class LotRecall:
    lot: Lot
    #: The lots of the same receipt (this one among them), by code.
    family: list[Lot]
    units: list[UnitDrawn]
    history: list[LedgerEntry]


def get_lot(code: str) -> Lot:
    lot = db.session.scalar(
        sa.select(Lot)
        .options(
            so.joinedload(Lot.part),
            so.joinedload(Lot.place).joinedload(Place.site),
            so.joinedload(Lot.created_by),
        )
        .where(Lot.code == code.strip().upper())
    )
    if lot is None:
        raise NotFound(_l("No lot has the code %(code)s.", code=code[:24]))
    return lot


def find_lot(code: str) -> Lot | None:
    try:
        return get_lot(code)
    except NotFound:
        return None


def recall(lot: Lot) -> LotRecall:
    origin = lot.origin_key
    family = list(
        db.session.scalars(
            sa.select(Lot)
            .options(so.joinedload(Lot.place))
            .where(sa.or_(Lot.id == origin, Lot.origin_id == origin))
            .order_by(Lot.id)
        )
    )
    family_ids = [member.id for member in family]
    drawn = sa.func.sum(-LedgerEntry.lot_change)
    rows = db.session.execute(
        sa.select(Unit.id, Unit.serial, DroneType.name, Unit.stage, Unit.status, drawn)
        .join(Unit, Unit.id == LedgerEntry.unit_id)
        .join(DroneType, DroneType.id == Unit.drone_type_id)
        .where(LedgerEntry.kind == EntryKind.DRAW.value, LedgerEntry.lot_id.in_(family_ids))
        .group_by(Unit.id, Unit.serial, DroneType.name, Unit.stage, Unit.status)
        .order_by(Unit.serial)
    )
    units = {
        unit_id: UnitDrawn(serial, type_name, stage, status, int(quantity))
        for unit_id, serial, type_name, stage, status, quantity in rows
    }
    for unit_id, code in db.session.execute(
        sa.select(UnitPart.unit_id, UnitPart.code)
        .where(UnitPart.lot_id.in_(family_ids), UnitPart.removed_at.is_(None))
        .order_by(UnitPart.id)
    ):
        if unit_id in units:
            units[unit_id].serials.append(code)
    delivered = [uid for uid, unit in units.items() if unit.stage == Stage.DELIVERED.value]
    # In order: a unit handed over again after a return keeps its latest receiving unit.
    for unit_id, receiver in db.session.execute(
        sa.select(Delivery.unit_id, Delivery.receiver_code)
        .where(Delivery.unit_id.in_(delivered))
        .order_by(Delivery.id)
    ):
        units[unit_id].receiver = receiver
    history = list(
        db.session.scalars(
            sa.select(LedgerEntry)
            .options(so.joinedload(LedgerEntry.user), so.joinedload(LedgerEntry.unit))
            .where(LedgerEntry.lot_id == lot.id)
            .order_by(LedgerEntry.id.desc())
            .limit(HISTORY_SHOWN)
        )
    )
    return LotRecall(lot, family, list(units.values()), history)
