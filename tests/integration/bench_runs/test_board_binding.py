"""The MCU id binds a flight controller to its unit; a swapped board waits for a coordinator."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from firmware_checks.bench_run import read_identity, run_check
from firmware_checks.run_document import RunKind
from tests.helpers import board_uid, in_english, make_unit, make_user, reload, required_ids
from tests.integration.support import audit_events, database_state
from workshop.extensions import db
from workshop.models import BoardBinding, BoardConflict
from workshop.services import bench_runs, boards
from workshop.services.errors import Forbidden, Invalid
from workshop.services.stages import StageInput, finish_stage
from workshop.workflow import Role, Stage


def _read(unit, url, who, kind="identity"):
    judging = bench_runs.judging_for(unit)
    check = read_identity if kind == "identity" else run_check
    return bench_runs.record_run(
        unit.serial,
        check(url, judging.limits).document(),
        kind=RunKind(kind),
        actor=who,
        station=None,
        limits_version_id=None,
        golden_version_id=None,
    )


def _finish(unit, who):
    unit = reload(unit)
    return finish_stage(unit, who, StageInput(version=unit.version, checked=required_ids(unit)))


def _active_bindings():
    db.session.expire_all()
    return sorted(
        (b.uid, b.unit.serial)
        for b in db.session.scalars(
            sa.select(BoardBinding).where(BoardBinding.released_at.is_(None))
        )
    )


def test_a_board_seen_first_is_bound_to_its_unit(app, board):
    volunteer = make_user()
    unit = make_unit(builder=volunteer, at=Stage.FLASHING)
    run = _read(unit, board(serial=unit.serial), volunteer)
    assert run.verdict == "pass" and run.conflict is None
    assert _active_bindings() == [(board_uid(unit.serial), unit.serial)]
    assert audit_events(unit.serial, "unit.run_identity")[-1].after["board"] == board_uid(
        unit.serial
    )
    _finish(unit, volunteer)
    assert reload(unit).stage == "bench_test"


def test_a_board_bound_to_another_unit_is_flagged_and_accepting_moves_it(app, board):
    volunteer, coordinator = make_user(), make_user(Role.ADMIN)
    first = make_unit(builder=volunteer, at=Stage.BENCH_TEST)  # its own board bound at flashing
    second = make_unit(builder=volunteer, at=Stage.FLASHING)
    # The first unit's flight controller ends up on the second unit.
    run = _read(second, board(serial=first.serial), volunteer)

    assert run.verdict == "pass"  # the board itself is fine; whose it is, is the question
    conflict = run.conflict
    assert conflict.undecided and conflict.uid == board_uid(first.serial)
    assert conflict.other_unit_id == first.id and conflict.bound_uid is None
    assert (
        audit_events(second.serial, "unit.run_identity")[-1].after["board_conflict"] == conflict.id
    )
    assert [c.id for c in boards.undecided()] == [conflict.id]
    with force_locale("en"), pytest.raises(Forbidden) as refused:
        _finish(second, volunteer)
    assert "A coordinator must decide" in in_english(refused.value.message)

    boards.decide_conflict(conflict.id, True, coordinator)

    assert _active_bindings() == [(board_uid(first.serial), second.serial)]
    assert boards.undecided() == [] and boards.decided()[0].decision == "accepted"
    event = audit_events(second.serial, "board.decide")[-1]
    assert event.user_id == coordinator.id and event.after == {
        "board": board_uid(first.serial),
        "decision": "accepted",
    }
    _finish(second, volunteer)
    assert reload(second).stage == "bench_test"


def test_another_board_on_a_bound_unit_is_flagged_and_rejecting_needs_its_own_board(app, board):
    volunteer, coordinator = make_user(), make_user(Role.ADMIN)
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    spare = board(serial="SPARE-BOARD")
    run = _read(unit, spare, volunteer, kind="bench")
    conflict = run.conflict
    assert conflict.bound_uid == board_uid(unit.serial) and conflict.other_unit_id is None
    # Reading the spare again raises a second flag; one decision settles both.
    again = _read(unit, spare, volunteer, kind="bench")
    assert again.conflict is not None and len(boards.undecided()) == 2

    boards.decide_conflict(conflict.id, False, coordinator)

    assert boards.undecided() == [] and {c.decision for c in boards.decided()} == {"rejected"}
    assert _active_bindings() == [(board_uid(unit.serial), unit.serial)]
    with force_locale("en"), pytest.raises(Forbidden) as refused:
        _finish(unit, volunteer)  # the passing test was made on a board that is not the unit's
    assert "not the board bound to it" in in_english(refused.value.message)
    _read(unit, board(serial=unit.serial), volunteer, kind="bench")
    _finish(unit, volunteer)
    assert reload(unit).stage == "review"


def test_only_a_coordinator_decides_and_only_once(app, board):
    volunteer, reviewer, coordinator = make_user(), make_user(Role.REVIEWER), make_user(Role.ADMIN)
    unit = make_unit(builder=volunteer, at=Stage.BENCH_TEST)
    conflict = _read(unit, board(serial="SPARE"), volunteer, kind="bench").conflict
    before = database_state()
    for person in (volunteer, reviewer):
        with pytest.raises(Forbidden):
            boards.decide_conflict(conflict.id, True, person)
    assert database_state() == before
    boards.decide_conflict(conflict.id, True, coordinator)
    before = database_state()
    with pytest.raises(Invalid):
        boards.decide_conflict(conflict.id, False, coordinator)
    assert database_state() == before
    assert db.session.scalar(sa.select(sa.func.count(BoardConflict.id))) == 1
