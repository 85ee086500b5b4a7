"""The figures the overview builds on: returns and what failed in the field, per drone type, per
firmware version and per part lot, each counted by the database in one statement."""

from datetime import date

import sqlalchemy as sa

from tests.helpers import make_delivered_unit, make_drone_type, make_unit, make_user, reload
from tests.integration.test_query_counts import counted
from workshop.extensions import db
from workshop.models import BenchRun, Return, UnitPart
from workshop.models.timestamps import utcnow
from workshop.services import field_figures, returns
from workshop.services.delivery import hand_over
from workshop.services.field_figures import ReturnCount
from workshop.services.returns import ReturnInput
from workshop.services.review import sign_off
from workshop.services.stages import StageInput
from workshop.workflow import Action, Role, Stage


def _back(unit, reason: str, coordinator) -> None:
    unit = reload(unit)
    returns.record_return(
        unit, coordinator, ReturnInput(unit.version, "BRAVO-7", date.today(), reason)
    )


def _firmware_of(unit, version: str) -> None:
    """The unit's board read with another firmware version (as an older batch was flashed)."""
    run = db.session.scalars(
        sa.select(BenchRun).where(BenchRun.unit_id == unit.id, BenchRun.kind == "identity")
    ).one()
    run.probe = dict(run.probe) | {"version": version}
    db.session.commit()


def test_returns_are_counted_per_drone_type_firmware_and_part_lot(app):
    coordinator = make_user(Role.ADMIN)
    seven, ten = make_drone_type("S7", "FPV 7"), make_drone_type("S10", "FPV 10")
    first = make_delivered_unit(builder=make_user(), coordinator=coordinator)  # the first type
    assert first.drone_type_id == seven.id
    second = make_delivered_unit(coordinator=coordinator)
    third = make_unit(ten, at=Stage.REVIEW)

    sign_off(third, make_user(Role.REVIEWER), Action.APPROVE, StageInput(version=third.version))
    hand_over(third, coordinator, "ALFA-1", date.today(), reload(third).version)
    _firmware_of(third, "4.5.2")
    # Two units whose ESCs came from one lot; the codes they had before were taken out.
    esc = next(item for item in seven.bom if item.name == "ESC")
    for unit in (first, second):
        for part in reload(unit).parts:
            if part.bom_item_id == esc.id:
                part.removed_at = utcnow()
        db.session.add(
            UnitPart(unit=unit, bom_item=esc, code="LOT-ESC-7", recorded_by_id=coordinator.id)
        )
    db.session.commit()

    _back(first, "motor_esc", coordinator)
    _back(second, "motor_esc", coordinator)
    _back(third, "no_video", coordinator)
    # A lot fitted after the return (in its repair) had no part in it.
    db.session.add(
        UnitPart(unit=first, bom_item=esc, code="LOT-NEW", recorded_by_id=coordinator.id)
    )
    # A unit never read (a return written by hand): its firmware is not known.
    never = make_unit(seven)
    db.session.add(
        Return(
            unit=never,
            delivery_id=reload(first).deliveries[0].id,
            receiver_code="BRAVO-7",
            returned_on=date.today(),
            reason="crash",
            recorded_by_id=coordinator.id,
        )
    )
    db.session.commit()
    firmware = db.session.scalars(
        sa.select(BenchRun.probe).where(BenchRun.unit_id == first.id)
    ).first()
    current = f"{firmware['variant']} {firmware['version']}"

    with counted() as traffic:
        by_type = field_figures.returns_by_drone_type()
        by_firmware = field_figures.returns_by_firmware()
        by_lot = field_figures.returns_by_part_lot()

    assert len(traffic.statements) == 3  # one aggregate each, however many returns
    assert by_type == [
        ReturnCount("FPV 10", "no_video", 1),
        ReturnCount("FPV 7", "crash", 1),
        ReturnCount("FPV 7", "motor_esc", 2),
    ]
    assert set(by_firmware) == {
        ReturnCount("", "crash", 1),
        ReturnCount("BTFL 4.5.2", "no_video", 1),
        ReturnCount(current, "motor_esc", 2),
    }
    lots = {(c.part, c.group, c.reason): c.returns for c in by_lot}
    assert lots[("ESC", "LOT-ESC-7", "motor_esc")] == 2
    assert not any(group == "LOT-NEW" for _part, group, _reason in lots)
    assert (
        lots[
            ("ESC", f"{third.serial}-{next(i.id for i in ten.bom if i.name == 'ESC')}", "no_video")
        ]
        == 1
    )


def test_no_returns_no_figures(app):
    make_delivered_unit()
    assert field_figures.returns_by_drone_type() == []
    assert field_figures.returns_by_firmware() == []
    assert field_figures.returns_by_part_lot() == []
