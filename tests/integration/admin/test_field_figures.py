"""The figures the overview builds on: returns and what failed in the field, per drone type, per
firmware version and per part lot, each counted by the database in one statement."""

import sqlalchemy as sa

from tests.helpers import (
    make_delivered_unit,
    make_drone_type,
    make_place,
    make_unit,
    make_user,
    receive,
    reload,
    workshop_today,
)
from tests.integration.test_query_counts import counted
from workshop.extensions import db
from workshop.models import BenchRun, Return
from workshop.services import draws, field_figures, returns
from workshop.services.delivery import hand_over
from workshop.services.field_figures import ReturnCount
from workshop.services.returns import ReturnInput
from workshop.services.review import sign_off
from workshop.services.stages import StageInput
from workshop.workflow import Action, Role, Stage


def _back(unit, reason: str, coordinator) -> None:
    unit = reload(unit)
    returns.record_return(
        unit, coordinator, ReturnInput(unit.version, "BRAVO-7", workshop_today(), reason)
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
    shelf = make_place()  # the workshop keeps stock: every unit is kitted from its lots
    # One lot of ESCs went into two units (a tracked part), one lot of frames too (untracked).
    esc = receive("ESC", 2, shelf, coordinator)
    frames = receive("Frame", 2, shelf, coordinator)
    batch = {"ESC": esc, "Frame": frames}
    first = make_delivered_unit(builder=make_user(), coordinator=coordinator, from_lots=batch)
    assert first.drone_type_id == seven.id
    second = make_delivered_unit(coordinator=coordinator, from_lots=batch)
    third = make_unit(ten, at=Stage.REVIEW)

    sign_off(third, make_user(Role.REVIEWER), Action.APPROVE, StageInput(version=third.version))
    hand_over(third, coordinator, "ALFA-1", workshop_today(), reload(third).version)
    _firmware_of(third, "4.5.2")

    _back(first, "motor_esc", coordinator)
    _back(second, "motor_esc", coordinator)
    _back(third, "no_video", coordinator)
    # The first is repaired from kitting: its ESC goes to waste and one of a new lot goes in.
    # That lot went in after the return: it had no part in it.
    first = reload(first)
    returns.decide_return(
        first, coordinator, Action.REPAIR, StageInput(first.version, rework_stage="kitting")
    )
    esc_line = next(item for item in seven.bom if item.name == "ESC")
    first = reload(first)
    draws.give_back(first, esc_line.id, esc.id, 1, True, coordinator, first.version)
    fresh = receive("ESC", 1, shelf, coordinator)
    first = reload(first)
    draws.draw(first, esc_line.id, fresh.code, 1, coordinator, first.version)
    # A unit never read (a return written by hand): its firmware is not known.
    never = make_unit(seven)
    db.session.add(
        Return(
            unit=never,
            delivery_id=reload(first).deliveries[0].id,
            receiver_code="BRAVO-7",
            returned_on=workshop_today(),
            reason="crash",
            recorded_by_id=coordinator.id,
        )
    )
    db.session.commit()
    firmware = db.session.scalars(
        sa.select(BenchRun.probe).where(BenchRun.unit_id == second.id)
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
    assert ReturnCount("", "crash", 1) in by_firmware
    assert ReturnCount("BTFL 4.5.2", "no_video", 1) in by_firmware
    assert ReturnCount(current, "motor_esc", 2) in by_firmware
    lots = {(c.part, c.group, c.reason): c.returns for c in by_lot}
    # Both units held a part of each shared lot when they came back, tracked or not; the ESC
    # the first gave up in its repair still counts for the return before it.
    assert lots[("ESC", esc.code, "motor_esc")] == 2
    assert lots[("Frame", frames.code, "motor_esc")] == 2
    assert not any(group == fresh.code for _part, group, _reason in lots)
    # The third unit's own lots, one return each.
    third_lots = {group for (part, group, reason) in lots if reason == "no_video"}
    assert len(third_lots) == len(ten.bom)


def test_no_returns_no_figures(app):
    make_delivered_unit()
    assert field_figures.returns_by_drone_type() == []
    assert field_figures.returns_by_firmware() == []
    assert field_figures.returns_by_part_lot() == []
