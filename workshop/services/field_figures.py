"""Returns from the field and what failed, counted per drone type, per firmware version and per
part lot: one aggregate (GROUP BY) in the database each, for the overview's figures."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.expression import Subquery

from firmware_checks.run_document import RunKind
from workshop.extensions import db
from workshop.models import BenchRun, BoardBinding, DroneType, LedgerEntry, Lot, Part, Return, Unit


@dataclass(frozen=True)
class ReturnCount:
    """How many returns said `reason` (a FieldFailure) among the units of `group`."""

    #: The drone type's name, the firmware ("BTFL 4.5.2"; "" when never read), or a lot code.
    group: str
    reason: str
    returns: int
    #: With a lot: the part the lot is of.
    part: str = ""


def returns_by_drone_type() -> list[ReturnCount]:
    """Returns and their field failures per drone type."""
    rows = db.session.execute(
        sa.select(DroneType.name, Return.reason, sa.func.count(Return.id))
        .join(Unit, Unit.id == Return.unit_id)
        .join(DroneType, DroneType.id == Unit.drone_type_id)
        .group_by(DroneType.name, Return.reason)
        .order_by(DroneType.name, Return.reason)
    )
    return [ReturnCount(name, reason, count) for name, reason, count in rows]


def returns_by_firmware() -> list[ReturnCount]:
    """Returns and their field failures per firmware, as the latest identity reading of each
    unit's bound board says it (firmware variant and version); "" for a unit never read."""
    latest = (
        sa.select(BenchRun.unit_id, sa.func.max(BenchRun.id).label("run_id"))
        .join(
            BoardBinding,
            sa.and_(
                BoardBinding.unit_id == BenchRun.unit_id,
                BoardBinding.uid == BenchRun.board_uid,
                BoardBinding.released_at.is_(None),
            ),
        )
        .where(BenchRun.kind == RunKind.IDENTITY.value)
        .group_by(BenchRun.unit_id)
        .subquery()
    )
    variant = BenchRun.probe["variant"].as_string()
    version = BenchRun.probe["version"].as_string()
    rows = db.session.execute(
        sa.select(variant, version, Return.reason, sa.func.count(Return.id))
        .select_from(Return)
        .outerjoin(latest, latest.c.unit_id == Return.unit_id)
        .outerjoin(BenchRun, BenchRun.id == latest.c.run_id)
        .group_by(variant, version, Return.reason)
        .order_by(variant, version, Return.reason)
    )
    return [
        ReturnCount(" ".join(part for part in (name, number) if part), reason, count)
        for name, number, reason, count in rows
    ]


def unit_lots() -> Subquery:
    """Which lot each part in a unit came from, and when it went in and came out.

    The one place a unit's lots are looked up, for the figures per lot: the stock ledger's draws
    of each unit from each lot, tracked parts or not. A lot's pieces went in with the unit's
    first draw from it and came out with the last row that took the unit's holding of it back
    to nothing (a rework, a salvage); while the unit holds some, they have not come out.
    """
    held = sa.func.sum(LedgerEntry.unit_change)
    return (
        sa.select(
            LedgerEntry.unit_id.label("unit_id"),
            Part.name.label("part"),
            Lot.code.label("lot"),
            sa.func.min(sa.case((LedgerEntry.unit_change > 0, LedgerEntry.at))).label("fitted_at"),
            sa.case((held <= 0, sa.func.max(LedgerEntry.at))).label("removed_at"),
        )
        .join(Lot, Lot.id == LedgerEntry.lot_id)
        .join(Part, Part.id == Lot.part_id)
        .where(LedgerEntry.unit_id.is_not(None), LedgerEntry.unit_change != 0)
        .group_by(LedgerEntry.unit_id, Part.name, Lot.code)
        .subquery()
    )


def returns_by_part_lot() -> list[ReturnCount]:
    """Returns and their field failures per lot of the parts the unit held when it came back."""
    lots = unit_lots()
    in_unit = sa.and_(
        lots.c.fitted_at <= Return.recorded_at,
        sa.or_(lots.c.removed_at.is_(None), lots.c.removed_at > Return.recorded_at),
    )
    rows = db.session.execute(
        sa.select(lots.c.part, lots.c.lot, Return.reason, sa.func.count(sa.distinct(Return.id)))
        .select_from(Return)
        .join(lots, sa.and_(lots.c.unit_id == Return.unit_id, in_unit))
        .group_by(lots.c.part, lots.c.lot, Return.reason)
        .order_by(lots.c.part, lots.c.lot, Return.reason)
    )
    return [ReturnCount(lot, reason, count, part) for part, lot, reason, count in rows]
