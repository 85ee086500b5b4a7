"""The stage state machine, over every move and every guard.

The expectations below are written out by hand from the issues (the traveler,
issue 2; after the handover, issue 10), not read from workflow.py's own tables, so a
slip in those tables shows up here as a failing case.
"""

from dataclasses import replace
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_checks.run_document import Verdict
from workshop.field_life import FieldFailure, FieldStatus, LossReason
from workshop.workflow import (
    EVIDENCE_RUN,
    EVIDENCE_STAGE,
    Action,
    ChecklistEntry,
    ChecklistGaps,
    Evidence,
    Move,
    Reason,
    Refused,
    Role,
    Stage,
    Status,
    UnitState,
    allowed,
    apply,
    checklist_gaps,
    field_status,
    finish_refusals,
    is_ticked,
    reasons_for,
)

K, S, F, B = Stage.KITTING, Stage.SOLDERING, Stage.FLASHING, Stage.BENCH_TEST
R, A, D, RT = Stage.REVIEW, Stage.APPROVED, Stage.DELIVERED, Stage.RETURNED
BUILD = (K, S, F, B)
ALL_STAGES = (K, S, F, B, R, A, D, RT)
LOST, DESTROYED = Status.LOST, Status.DESTROYED

V, RV, AD = Role.VOLUNTEER, Role.REVIEWER, Role.ADMIN

#: The coordinator's moves after the handover.
FIELD = (
    Action.RETURN,
    Action.REPAIR,
    Action.SCRAP_RETURNED,
    Action.GIVE_BACK,
    Action.MARK_LOST,
    Action.MARK_DESTROYED,
)

#: Who may take each action: volunteers build and hold/scrap, reviewers sign off,
#: only a coordinator (admin) hands over and does what follows in the field; an admin may do
#: everything.
EXPECTED_ROLES = {
    Action.FINISH: {V, RV, AD},
    Action.FAIL: {V, RV, AD},
    Action.HOLD: {V, RV, AD},
    Action.RELEASE: {V, RV, AD},
    Action.SCRAP: {V, RV, AD},
    Action.APPROVE: {RV, AD},
    Action.REJECT: {RV, AD},
    Action.DELIVER: {AD},
    Action.RECORD_PART: {V, RV, AD},
    Action.REMOVE_PART: {V, RV, AD},
    Action.ADD_PHOTO: {V, RV, AD},
    **{action: {AD} for action in FIELD},
}

#: The stages each action starts from.
EXPECTED_FROM = {
    Action.FINISH: set(BUILD),
    Action.FAIL: set(BUILD),
    Action.APPROVE: {R},
    Action.REJECT: {R, A},  # rejecting an approved unit reopens it as rework
    Action.DELIVER: {A},
    Action.HOLD: {K, S, F, B, R, A},  # a delivered unit is out of the workshop
    Action.RELEASE: {K, S, F, B, R, A},
    Action.SCRAP: {K, S, F, B, R, A},  # a returned one is scrapped by the decision on its return
    Action.RECORD_PART: {K},  # parts go in at kitting; a replacement comes by rework to kitting
    Action.REMOVE_PART: {K},
    Action.ADD_PHOTO: {K, S, F, B, R},  # a signed-off record is frozen
    Action.RETURN: {D},  # only a handed-over unit comes back
    Action.REPAIR: {RT},
    Action.SCRAP_RETURNED: {RT},
    Action.GIVE_BACK: {RT},
    Action.MARK_LOST: {D},
    Action.MARK_DESTROYED: {D},
}

#: Actions that only add to the record: the unit stays where it is.
RECORDING = (Action.RECORD_PART, Action.REMOVE_PART, Action.ADD_PHOTO)

#: Where a finished stage leads.
EXPECTED_NEXT = {K: S, S: F, F: B, B: R}

#: Where each named reason restarts the work.
EXPECTED_REWORK = {
    Reason.COLD_JOINT: S,
    Reason.SHORT: S,
    Reason.REVERSED_POLARITY: S,
    Reason.DAMAGED_PART: K,
    Reason.WRONG_FIRMWARE: F,
    Reason.FAILED_BENCH_TEST: S,
}


def well_formed(action: Action, role: Role, actor_id: int = 99) -> Move:
    """A move with every fact in order, so only stage, status and role decide."""
    if action in (Action.FAIL, Action.REJECT):
        return Move(action, actor_id, role, reason=Reason.DAMAGED_PART, text="bent arm")
    return Move(
        action,
        actor_id,
        role,
        text="waiting for a motor",
        run_verdict=Verdict.PASS,
        rework_stage=B,
        field_failure=FieldFailure.NO_VIDEO,
        loss_reason=LossReason.UNKNOWN,
    )


def expected_refusal(stage: Stage, status: Status, action: Action, role: Role) -> str | None:
    """The rule a well-formed move breaks, checked in the order a person needs to hear it."""
    if role not in EXPECTED_ROLES[action]:
        return "role"
    if status is Status.SCRAPPED:
        return "scrapped"
    if status in (LOST, DESTROYED) and action is not Action.RETURN:
        return "out_of_service"
    if stage not in EXPECTED_FROM[action]:
        if stage in (A, D) and action in (Action.FINISH, Action.FAIL, Action.ADD_PHOTO):
            return "frozen"
        return "not_from_stage"
    if action is Action.RELEASE:
        return None if status is Status.ON_HOLD else "not_on_hold"
    if status is Status.ON_HOLD and action is not Action.SCRAP:
        return "on_hold"
    return None


def expected_state(state: UnitState, action: Action) -> UnitState:
    if action in RECORDING:
        return state
    if action is Action.FINISH:
        return replace(state, stage=EXPECTED_NEXT[state.stage])
    if action is Action.APPROVE:
        return UnitState(A, Status.ACTIVE, rework=False)
    if action is Action.DELIVER:
        return replace(state, stage=D, repair=False)
    if action in (Action.FAIL, Action.REJECT):
        return UnitState(K, state.status, rework=True)  # DAMAGED_PART -> kitting
    if action is Action.RETURN:
        return UnitState(RT)
    if action is Action.REPAIR:
        return UnitState(B, repair=True)  # the stage the person chose
    if action is Action.GIVE_BACK:
        return UnitState(D)
    if action is Action.MARK_LOST:
        return replace(state, status=LOST)
    if action is Action.MARK_DESTROYED:
        return replace(state, status=DESTROYED)
    if action is Action.HOLD:
        return replace(state, status=Status.ON_HOLD)
    if action is Action.RELEASE:
        return replace(state, status=Status.ACTIVE)
    return replace(state, status=Status.SCRAPPED)


COMBINATIONS = list(product(ALL_STAGES, Status, Action, Role))


def _case_id(case: tuple) -> str:
    return "-".join(str(part) for part in case)


def test_the_table_covers_every_combination():
    assert len(COMBINATIONS) == 8 * 5 * 17 * 3
    assert {a for a in Action} == set(EXPECTED_ROLES) == set(EXPECTED_FROM)


@pytest.mark.parametrize(
    ("stage", "status", "action", "role"), COMBINATIONS, ids=map(_case_id, COMBINATIONS)
)
def test_every_move_is_allowed_or_refused_as_the_table_says(stage, status, action, role):
    state = UnitState(stage, status)
    refusal = expected_refusal(stage, status, action, role)
    assert allowed(state, action, role) is (refusal is None)
    if refusal is None:
        assert apply(state, well_formed(action, role)) == expected_state(state, action)
    else:
        with pytest.raises(Refused) as caught:
            apply(state, well_formed(action, role))
        assert caught.value.code == refusal


@pytest.mark.parametrize("stage", BUILD)
def test_finishing_walks_the_build_stages_in_order_and_keeps_the_rework_mark(stage):
    for rework in (False, True):
        after = apply(
            UnitState(stage, rework=rework), Move(Action.FINISH, 1, V, run_verdict=Verdict.PASS)
        )
        assert after == UnitState(EXPECTED_NEXT[stage], Status.ACTIVE, rework)


# Required items ---------------------------------------------------------------


@pytest.mark.parametrize("stage", BUILD)
def test_a_stage_does_not_finish_with_a_required_item_unticked(stage):
    move = Move(Action.FINISH, 1, V, missing_required=("Props off", "Smoke stopper"))
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage), move)
    assert caught.value.code == "required_items"
    assert caught.value.params["items"] == "Props off, Smoke stopper"


@pytest.mark.parametrize("stage", BUILD)
def test_failing_a_stage_does_not_need_its_checklist(stage):
    move = Move(Action.FAIL, 1, V, missing_required=("x",), reason=Reason.OTHER, text="smoke")
    assert apply(UnitState(stage), move) == UnitState(stage, rework=True)


# Four eyes --------------------------------------------------------------------


@pytest.mark.parametrize("role", [RV, AD])
def test_a_reviewer_who_built_any_step_cannot_approve(role):
    move = Move(Action.APPROVE, 7, role, builders=frozenset({3, 7}))
    with pytest.raises(Refused) as caught:
        apply(UnitState(R), move)
    assert caught.value.code == "four_eyes"


@pytest.mark.parametrize("role", [RV, AD])
def test_another_reviewer_approves_and_the_rework_mark_clears(role):
    move = Move(Action.APPROVE, 8, role, builders=frozenset({3, 7}))
    assert apply(UnitState(R, rework=True), move) == UnitState(A, Status.ACTIVE, False)


@pytest.mark.parametrize("stage", [R, A])
def test_a_reviewer_who_built_any_step_cannot_reject_or_reopen_either(stage):
    # A sign-off either way is another person's: a builder rejecting her own unit would
    # decide its review herself.
    move = Move(Action.REJECT, 7, RV, builders=frozenset({3, 7}), reason=Reason.SHORT)
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage), move)
    assert caught.value.code == "four_eyes"


def test_another_reviewer_rejects_a_unit_others_built():
    move = Move(Action.REJECT, 8, RV, builders=frozenset({3, 7}), reason=Reason.SHORT)
    assert apply(UnitState(R), move) == UnitState(S, rework=True)


# Frozen after sign-off --------------------------------------------------------


@pytest.mark.parametrize("stage", [A, D])
@pytest.mark.parametrize("action", [Action.FINISH, Action.FAIL])
@pytest.mark.parametrize("role", list(Role))
def test_a_signed_off_unit_is_frozen(stage, action, role):
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage), well_formed(action, role))
    assert caught.value.code == "frozen"


@pytest.mark.parametrize("reason", list(EXPECTED_REWORK))
def test_rejecting_an_approved_unit_reopens_it_as_rework(reason):
    after = apply(UnitState(A), Move(Action.REJECT, 1, RV, reason=reason))
    assert after == UnitState(EXPECTED_REWORK[reason], Status.ACTIVE, rework=True)
    # ... and it must pass review again before it can be handed over.
    with pytest.raises(Refused):
        apply(after, Move(Action.DELIVER, 1, AD))


# Rework targets ---------------------------------------------------------------


def _rework_move(action: Action, reason: Reason, text: str = "", to: Stage | None = None) -> Move:
    return Move(action, 1, RV, reason=reason, text=text, rework_stage=to)


#: (action, the stages it starts from) for every move that sends a unit back.
REWORK_FROM = [(Action.FAIL, s) for s in BUILD] + [(Action.REJECT, R), (Action.REJECT, A)]


@pytest.mark.parametrize(("action", "stage"), REWORK_FROM)
@pytest.mark.parametrize("reason", list(EXPECTED_REWORK))
def test_each_reason_sends_the_unit_back_to_its_stage_never_forward(action, stage, reason):
    target = EXPECTED_REWORK[reason]
    move = _rework_move(action, reason)
    if stage in BUILD and BUILD.index(target) > BUILD.index(stage):
        with pytest.raises(Refused) as caught:
            apply(UnitState(stage), move)
        assert caught.value.code == "rework_stage_ahead"
        assert reason not in reasons_for(stage)
    else:
        assert apply(UnitState(stage), move) == UnitState(target, Status.ACTIVE, True)
        assert reason in reasons_for(stage)


@pytest.mark.parametrize(("action", "stage"), REWORK_FROM)
def test_a_rework_move_needs_a_reason(action, stage):
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage), _rework_move(action, None))  # type: ignore[arg-type]
    assert caught.value.code == "reason_required"


@pytest.mark.parametrize(("action", "stage"), REWORK_FROM)
@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_other_needs_words(action, stage, text):
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage), _rework_move(action, Reason.OTHER, text))
    assert caught.value.code == "reason_text_required"


@pytest.mark.parametrize(("action", "stage"), REWORK_FROM)
@pytest.mark.parametrize("to", ALL_STAGES)
def test_other_may_name_any_build_stage_not_ahead(action, stage, to):
    move = _rework_move(action, Reason.OTHER, "loose screw", to)
    if to not in BUILD:
        expected = "rework_stage_invalid"
    elif stage in BUILD and BUILD.index(to) > BUILD.index(stage):
        expected = "rework_stage_ahead"
    else:
        expected = None
    if expected:
        with pytest.raises(Refused) as caught:
            apply(UnitState(stage), move)
        assert caught.value.code == expected
    else:
        assert apply(UnitState(stage), move) == UnitState(to, Status.ACTIVE, True)


@pytest.mark.parametrize(("action", "stage"), REWORK_FROM)
def test_other_without_a_stage_restarts_here_or_at_kitting(action, stage):
    after = apply(UnitState(stage), _rework_move(action, Reason.OTHER, "loose screw"))
    assert after == UnitState(stage if stage in BUILD else K, Status.ACTIVE, True)


@pytest.mark.parametrize("stage", ALL_STAGES)
def test_the_reasons_offered_never_send_a_unit_forward(stage):
    offered = set(reasons_for(stage))
    assert Reason.OTHER in offered
    for reason, target in EXPECTED_REWORK.items():
        ahead = stage in BUILD and BUILD.index(target) > BUILD.index(stage)
        assert (reason in offered) is not ahead, (stage, reason)


def test_kitting_offers_only_damaged_part_and_other():
    assert set(reasons_for(K)) == {Reason.DAMAGED_PART, Reason.OTHER}


# Hold, release, scrap ---------------------------------------------------------


@pytest.mark.parametrize("stage", [K, S, F, B, R, A])
def test_hold_and_release_keep_the_stage(stage):
    held = apply(UnitState(stage, rework=True), Move(Action.HOLD, 1, V))
    assert held == UnitState(stage, Status.ON_HOLD, True)
    assert apply(held, Move(Action.RELEASE, 1, V)) == UnitState(stage, Status.ACTIVE, True)


@pytest.mark.parametrize("stage", [K, S, F, B, R, A])
@pytest.mark.parametrize("action", [a for a in Action if a not in (Action.RELEASE, Action.SCRAP)])
def test_on_hold_blocks_everything_but_release_and_scrap(stage, action):
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage, Status.ON_HOLD), well_formed(action, AD))
    assert caught.value.code in ("on_hold", "not_from_stage", "frozen")
    if action in EXPECTED_ROLES and stage in EXPECTED_FROM[action]:
        assert caught.value.code == "on_hold"


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.ON_HOLD])
@pytest.mark.parametrize("text", ["", "  ", "\n"])
def test_scrap_needs_words(status, text):
    with pytest.raises(Refused) as caught:
        apply(UnitState(S, status), Move(Action.SCRAP, 1, V, text=text))
    assert caught.value.code == "reason_text_required"


@pytest.mark.parametrize("stage", ALL_STAGES)
@pytest.mark.parametrize("action", list(Action))
def test_scrapped_is_final(stage, action):
    for role in Role:
        assert not allowed(UnitState(stage, Status.SCRAPPED), action, role)
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage, Status.SCRAPPED), well_formed(action, AD))
    assert caught.value.code == "scrapped"


def test_a_delivered_unit_cannot_be_held_or_scrapped_only_returned_or_marked():
    for action in (Action.HOLD, Action.SCRAP, Action.RELEASE, Action.FAIL, Action.REJECT):
        with pytest.raises(Refused):
            apply(UnitState(D), well_formed(action, AD))
    for action in (Action.RETURN, Action.MARK_LOST, Action.MARK_DESTROYED):
        assert allowed(UnitState(D), action, AD)


# Any sequence of moves --------------------------------------------------------

moves = st.builds(
    Move,
    action=st.sampled_from(list(Action)),
    actor_id=st.integers(1, 4),
    actor_role=st.sampled_from(list(Role)),
    builders=st.frozensets(st.integers(1, 4), max_size=3),
    repairers=st.frozensets(st.integers(1, 4), max_size=3),
    missing_required=st.sampled_from([(), ("solder joints inspected",)]),
    missing_parts=st.sampled_from([(), ("ESC 4in1",)]),
    missing_draws=st.sampled_from([(), ("4 × Motor 2807",)]),
    reason=st.none() | st.sampled_from(list(Reason)),
    rework_stage=st.none() | st.sampled_from(list(Stage)),
    text=st.sampled_from(["", " ", "waiting for ESC"]),
    run_verdict=st.none() | st.sampled_from(list(Verdict)),
    board_conflict=st.booleans(),
    field_failure=st.none() | st.sampled_from(list(FieldFailure)),
    loss_reason=st.none() | st.sampled_from(list(LossReason)),
)

#: The moves that change a unit's status, and those that take it out of the workshop's hands.
STATUS_MOVES = {
    Action.HOLD,
    Action.RELEASE,
    Action.SCRAP,
    Action.SCRAP_RETURNED,
    Action.MARK_LOST,
    Action.MARK_DESTROYED,
    Action.RETURN,  # a unit marked lost or destroyed that comes back anyway
}


@settings(max_examples=600, deadline=None)
@given(
    start=st.sampled_from(list(Stage)),
    repair=st.booleans(),
    steps=st.lists(moves, max_size=40),
)
def test_any_sequence_of_moves_keeps_the_invariants(start, repair, steps):
    state = UnitState(start, repair=repair)
    for move in steps:
        try:
            after = apply(state, move)
        except Refused:
            continue
        assert allowed(state, move.action, move.actor_role)
        assert state.status is not Status.SCRAPPED, "a scrapped unit changed"
        if move.action in FIELD:
            assert move.actor_role is AD
        if after.stage is A and state.stage is not A:
            assert state.stage is R and move.action is Action.APPROVE
            # Four eyes: the build's builders, or the repair's repairers, never sign it off.
            assert move.actor_id not in (move.repairers if state.repair else move.builders)
            assert move.actor_role in (RV, AD)
        if after.stage is D and state.stage is not D:
            assert (state.stage, move.action) in ((A, Action.DELIVER), (RT, Action.GIVE_BACK))
            assert not after.repair and not after.rework
        if after.stage is RT and state.stage is not RT:
            assert state.stage is D and move.action is Action.RETURN
            assert move.field_failure is not None
            assert after == UnitState(RT)
        if state.stage is RT and after.stage is not RT:
            assert move.action in (Action.REPAIR, Action.GIVE_BACK)
        changed = after.stage is not state.stage and move.action is not Action.FINISH
        if changed and after.stage not in (A, D, RT):
            # Every other move that changes the stage sends the unit back, or into repair.
            assert after.stage in BUILD
            if move.action is Action.REPAIR:
                assert after == UnitState(move.rework_stage, repair=True)
            else:
                assert after.rework and after.repair is state.repair
            if state.stage in BUILD:
                assert BUILD.index(after.stage) <= BUILD.index(state.stage)
        if move.action is Action.FINISH:
            assert not move.missing_required and after.stage is EXPECTED_NEXT[state.stage]
            if state.stage is K:
                assert not move.missing_parts and not move.missing_draws
            if state.stage in (F, B):
                assert move.run_verdict is Verdict.PASS and not move.board_conflict
        if move.action in RECORDING:
            assert after == state
        if after.status is not state.status:
            assert move.action in STATUS_MOVES
            if after.status is Status.SCRAPPED:
                assert move.text.strip()
            if after.status in (LOST, DESTROYED):
                assert state.stage is D and move.loss_reason is not None
        if state.status in (LOST, DESTROYED):
            assert move.action is Action.RETURN
        if state.status is Status.ON_HOLD:
            assert move.action in (Action.RELEASE, Action.SCRAP)
        state = after


@pytest.mark.parametrize("stage", BUILD)
def test_kitting_does_not_finish_until_every_tracked_part_has_a_code(stage):
    move = Move(
        Action.FINISH, 1, V, missing_parts=("ESC 4in1", "Receiver"), run_verdict=Verdict.PASS
    )
    if stage is K:
        with pytest.raises(Refused) as refused:
            apply(UnitState(K), move)
        assert refused.value.code == "parts_missing"
        assert refused.value.params["items"] == "ESC 4in1, Receiver"
    else:  # later stages do not ask for parts again
        assert apply(UnitState(stage), move).stage is EXPECTED_NEXT[stage]


@pytest.mark.parametrize("stage", BUILD)
def test_kitting_from_stock_does_not_finish_until_the_whole_bill_is_drawn(stage):
    move = Move(
        Action.FINISH,
        1,
        V,
        missing_draws=("4 × Motor 2807", "1 × ESC 4in1"),
        missing_parts=("ESC 4in1",),
        run_verdict=Verdict.PASS,
    )
    if stage is K:
        with pytest.raises(Refused) as refused:
            apply(UnitState(K), move)
        # The draw comes first: a serial is scanned from a piece taken off the shelf.
        assert refused.value.code == "draws_missing"
        assert refused.value.params["items"] == "4 × Motor 2807, 1 × ESC 4in1"
    else:
        assert apply(UnitState(stage), move).stage is EXPECTED_NEXT[stage]


@pytest.mark.parametrize("action", RECORDING)
@pytest.mark.parametrize("status", [Status.ON_HOLD, Status.SCRAPPED])
def test_nothing_is_recorded_on_a_unit_on_hold_or_scrapped(action, status):
    with pytest.raises(Refused) as refused:
        apply(UnitState(K, status), Move(action, 1, V))
    assert refused.value.code == ("on_hold" if status is Status.ON_HOLD else "scrapped")


# Flight-controller runs (issue 4) ----------------------------------------------


@pytest.mark.parametrize(
    ("stage", "verdict", "conflict", "refusal"),
    [
        (F, None, False, "fc_not_read"),
        (F, Verdict.FAIL, False, "fc_read_not_passed"),
        (F, Verdict.ERROR, False, "fc_read_not_passed"),
        (F, Verdict.PASS, True, "board_conflict"),
        (B, None, False, "bench_not_run"),
        (B, Verdict.FAIL, False, "bench_not_passed"),
        (B, Verdict.ERROR, False, "bench_not_passed"),
        (B, Verdict.PASS, True, "board_conflict"),
    ],
)
def test_flashing_and_bench_test_finish_only_on_a_passing_run_with_the_units_own_board(
    stage, verdict, conflict, refusal
):
    move = Move(Action.FINISH, 1, V, run_verdict=verdict, board_conflict=conflict)
    with pytest.raises(Refused) as refused:
        apply(UnitState(stage, rework=True), move)
    assert refused.value.code == refusal


@pytest.mark.parametrize("stage", [F, B])
def test_a_passing_run_with_the_units_own_board_lets_the_stage_finish(stage):
    move = Move(Action.FINISH, 1, V, run_verdict=Verdict.PASS)
    assert apply(UnitState(stage), move) == UnitState(EXPECTED_NEXT[stage])


@pytest.mark.parametrize("stage", [K, S])
def test_stages_without_a_flight_controller_ignore_run_facts(stage):
    move = Move(Action.FINISH, 1, V, run_verdict=Verdict.FAIL, board_conflict=True)
    assert apply(UnitState(stage), move).stage is EXPECTED_NEXT[stage]


@pytest.mark.parametrize("stage", [F, B])
def test_unticked_items_are_named_before_the_run(stage):
    move = Move(Action.FINISH, 1, V, missing_required=("Props off",))
    with pytest.raises(Refused) as refused:
        apply(UnitState(stage), move)
    assert refused.value.code == "required_items"


@pytest.mark.parametrize("stage", [F, B])
def test_a_failed_run_never_stops_failing_the_stage(stage):
    move = Move(
        Action.FAIL,
        1,
        V,
        reason=Reason.OTHER,
        text="smoke",
        run_verdict=Verdict.FAIL,
        board_conflict=True,
    )
    assert apply(UnitState(stage), move) == UnitState(stage, rework=True)


# Evidence ---------------------------------------------------------------------

#: Which stage's checklist each evidence proves, written out from the issue (13): the parts at
#: kitting, the reading and the golden configuration at flashing, the bench test and the motor
#: check at the bench test.
EXPECTED_EVIDENCE_STAGE = {
    Evidence.PARTS_SCANNED: K,
    Evidence.FC_READ: F,
    Evidence.GOLDEN_APPLIED: F,
    Evidence.BENCH_PASSED: B,
    Evidence.MOTORS_CHECKED: B,
}

BENCH_ITEMS = (
    ChecklistEntry(1, "Gyro answers", True, Evidence.BENCH_PASSED),
    ChecklistEntry(2, "Video in the goggles", True),
    ChecklistEntry(3, "Motors turn the right way", True, Evidence.MOTORS_CHECKED),
    ChecklistEntry(4, "Golden configuration", False, Evidence.GOLDEN_APPLIED),
    ChecklistEntry(5, "Craft name", False),
)


def test_each_evidence_belongs_to_the_stage_whose_work_makes_it():
    assert EVIDENCE_STAGE == EXPECTED_EVIDENCE_STAGE
    assert set(EVIDENCE_RUN) == set(Evidence) - {Evidence.PARTS_SCANNED}


@pytest.mark.parametrize("ticks", [frozenset(), frozenset({1, 3, 4})])
def test_an_item_tied_to_evidence_is_ticked_by_the_evidence_alone(ticks):
    proved = {Evidence.BENCH_PASSED}
    assert [is_ticked(e, ticks | {2}, proved) for e in BENCH_ITEMS] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_the_gaps_name_unticked_items_unproved_items_and_ticks_without_proof():
    gaps = checklist_gaps(BENCH_ITEMS, ticks={3, 4}, proved={Evidence.BENCH_PASSED})
    assert gaps.missing == ("Video in the goggles",)
    assert gaps.unproved == ("Motors turn the right way",)  # the optional one is not missing
    assert gaps.ticked_unproved == ("Motors turn the right way", "Golden configuration")


def test_a_proved_checklist_with_its_ticks_has_no_gaps():
    proved = {Evidence.BENCH_PASSED, Evidence.MOTORS_CHECKED}
    assert checklist_gaps(BENCH_ITEMS, ticks={2}, proved=proved) == ChecklistGaps()


def test_a_hand_tick_of_an_unproved_item_is_refused_before_anything_else():
    move = Move(
        Action.FINISH,
        1,
        V,
        missing_required=("Video",),
        unproved_ticks=("Motors turn the right way",),
        run_verdict=Verdict.PASS,
    )
    with pytest.raises(Refused) as caught:
        apply(UnitState(B), move)
    assert caught.value.code == "unproved_ticks"
    assert caught.value.params["items"] == "Motors turn the right way"


def test_a_required_item_without_its_evidence_keeps_the_stage_from_finishing():
    move = Move(Action.FINISH, 1, V, missing_proofs=("Motors",), run_verdict=Verdict.PASS)
    with pytest.raises(Refused) as caught:
        apply(UnitState(B), move)
    assert caught.value.code == "proofs_missing"


def test_finish_refusals_list_every_reason_in_the_order_they_are_told():
    move = Move(
        Action.FINISH,
        1,
        V,
        missing_required=("Video",),
        missing_proofs=("Motors",),
        board_conflict=True,
        run_verdict=Verdict.FAIL,
    )
    refusals = finish_refusals(UnitState(B), move)
    assert [r.code for r in refusals] == ["required_items", "bench_not_passed", "proofs_missing"]
    assert finish_refusals(UnitState(B), Move(Action.FINISH, 1, V, run_verdict=Verdict.PASS)) == []


def test_failing_a_stage_needs_no_evidence():
    move = Move(
        Action.FAIL, 1, V, missing_proofs=("Motors",), unproved_ticks=("x",), reason=Reason.SHORT
    )
    assert apply(UnitState(B), move) == UnitState(S, rework=True)


# After the handover: returns, repair, field status (issue 10) ----------------------


@pytest.mark.parametrize("role", [V, RV])
@pytest.mark.parametrize("action", (Action.DELIVER, *FIELD))
def test_only_a_coordinator_hands_over_and_records_what_happens_in_the_field(role, action):
    stage = {Action.DELIVER: A, Action.REPAIR: RT, Action.GIVE_BACK: RT}.get(action, D)
    stage = RT if action is Action.SCRAP_RETURNED else stage
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage), well_formed(action, role))
    assert caught.value.code == "role"


@pytest.mark.parametrize("status", [Status.ACTIVE, LOST, DESTROYED])
@pytest.mark.parametrize("failure", list(FieldFailure))
def test_a_delivered_unit_comes_back_returned_whatever_its_field_status(status, failure):
    move = Move(Action.RETURN, 1, AD, field_failure=failure, text="smoke from the ESC")
    assert apply(UnitState(D, status), move) == UnitState(RT)


@pytest.mark.parametrize("stage", [K, S, F, B, R, A, RT])
def test_a_unit_that_was_never_handed_over_cannot_be_returned(stage):
    move = Move(Action.RETURN, 1, AD, field_failure=FieldFailure.CRASH)
    with pytest.raises(Refused) as caught:
        apply(UnitState(stage), move)
    assert caught.value.code == "not_from_stage"


def test_a_return_needs_the_field_failure_and_words_with_other():
    with pytest.raises(Refused) as caught:
        apply(UnitState(D), Move(Action.RETURN, 1, AD, text="it broke"))
    assert caught.value.code == "field_failure_required"
    for text in ("", "  \n"):
        with pytest.raises(Refused) as caught:
            apply(
                UnitState(D),
                Move(Action.RETURN, 1, AD, field_failure=FieldFailure.OTHER, text=text),
            )
        assert caught.value.code == "reason_text_required"
    # A named failure needs no words.
    assert (
        apply(UnitState(D), Move(Action.RETURN, 1, AD, field_failure=FieldFailure.FRAME)).stage
        is RT
    )


@pytest.mark.parametrize("to", BUILD)
def test_repair_re_enters_the_chosen_work_stage_marked_as_repair(to):
    after = apply(UnitState(RT), Move(Action.REPAIR, 1, AD, rework_stage=to))
    assert after == UnitState(to, Status.ACTIVE, rework=False, repair=True)


@pytest.mark.parametrize("to", [None, R, A, D, RT])
def test_repair_starts_only_at_a_work_stage_the_person_names(to):
    with pytest.raises(Refused) as caught:
        apply(UnitState(RT), Move(Action.REPAIR, 1, AD, rework_stage=to))
    assert caught.value.code == ("repair_stage_required" if to is None else "rework_stage_invalid")


def test_a_repair_walks_the_stages_a_review_and_a_new_handover_and_the_mark_lasts_until_then():
    state = apply(UnitState(RT), Move(Action.REPAIR, 1, AD, rework_stage=F))
    for stage in (F, B):
        assert state.stage is stage and state.repair
        state = apply(state, Move(Action.FINISH, 5, V, run_verdict=Verdict.PASS))
    assert state == UnitState(R, repair=True)
    failed = apply(state, Move(Action.REJECT, 6, RV, reason=Reason.WRONG_FIRMWARE))
    assert failed == UnitState(F, rework=True, repair=True)
    state = apply(state, Move(Action.APPROVE, 6, RV, repairers=frozenset({5})))
    assert state == UnitState(A, repair=True)
    assert apply(state, Move(Action.DELIVER, 1, AD)) == UnitState(D)


@pytest.mark.parametrize("role", [RV, AD])
def test_a_repairer_cannot_sign_off_the_repair(role):
    state = UnitState(R, repair=True)
    move = Move(Action.APPROVE, 5, role, builders=frozenset({9}), repairers=frozenset({5, 7}))
    with pytest.raises(Refused) as caught:
        apply(state, move)
    assert caught.value.code == "four_eyes_repair"


@pytest.mark.parametrize("role", [RV, AD])
def test_who_built_the_unit_may_sign_off_a_repair_they_did_not_work_on(role):
    move = Move(Action.APPROVE, 9, role, builders=frozenset({9}), repairers=frozenset({5}))
    assert apply(UnitState(R, repair=True), move) == UnitState(A, repair=True)
    # ...but never the build itself.
    with pytest.raises(Refused) as caught:
        apply(UnitState(R), move)
    assert caught.value.code == "four_eyes"


@pytest.mark.parametrize("action", [Action.SCRAP_RETURNED, Action.GIVE_BACK])
@pytest.mark.parametrize("text", ["", " ", "\t"])
def test_scrap_and_give_back_after_a_return_need_words(action, text):
    with pytest.raises(Refused) as caught:
        apply(UnitState(RT), Move(action, 1, AD, text=text))
    assert caught.value.code == "reason_text_required"


def test_a_returned_unit_is_scrapped_or_given_back_as_is():
    scrapped = apply(UnitState(RT), Move(Action.SCRAP_RETURNED, 1, AD, text="frame burnt"))
    assert scrapped == UnitState(RT, Status.SCRAPPED)
    given = apply(UnitState(RT), Move(Action.GIVE_BACK, 1, AD, text="no fault found"))
    assert given == UnitState(D)


@pytest.mark.parametrize("action", [Action.REPAIR, Action.GIVE_BACK, Action.RETURN])
def test_a_unit_scrapped_after_its_return_cannot_be_repaired_or_given_back(action):
    with pytest.raises(Refused) as caught:
        apply(UnitState(RT, Status.SCRAPPED), well_formed(action, AD))
    assert caught.value.code == "scrapped"


#: The loss reasons each mark takes, written out.
EXPECTED_LOSS = {
    Action.MARK_LOST: {LossReason.NOT_RECOVERED, LossReason.UNKNOWN},
    Action.MARK_DESTROYED: {LossReason.EXPENDED, LossReason.BEYOND_REPAIR, LossReason.UNKNOWN},
}


@pytest.mark.parametrize("action", list(EXPECTED_LOSS))
@pytest.mark.parametrize("reason", [None, *LossReason])
def test_lost_or_destroyed_takes_a_reason_that_fits(action, reason):
    move = Move(action, 1, AD, loss_reason=reason)
    if reason in EXPECTED_LOSS[action]:
        status = LOST if action is Action.MARK_LOST else DESTROYED
        assert apply(UnitState(D), move) == UnitState(D, status)
        return
    with pytest.raises(Refused) as caught:
        apply(UnitState(D), move)
    assert caught.value.code == (
        "loss_reason_required" if reason is None else "loss_reason_invalid"
    )


@pytest.mark.parametrize("status", [LOST, DESTROYED])
@pytest.mark.parametrize("action", [a for a in Action if a is not Action.RETURN])
def test_a_unit_out_of_service_takes_nothing_but_its_return(status, action):
    assert not allowed(UnitState(D, status), action, AD)
    with pytest.raises(Refused) as caught:
        apply(UnitState(D, status), well_formed(action, AD))
    assert caught.value.code == "out_of_service"
    assert allowed(UnitState(D, status), Action.RETURN, AD)


@pytest.mark.parametrize(
    ("state", "handed_over", "expected"),
    [
        (UnitState(K), False, None),
        (UnitState(A), False, None),
        (UnitState(S, rework=True), False, None),  # reopened before any handover
        (UnitState(D), True, FieldStatus.IN_SERVICE),
        (UnitState(RT), True, FieldStatus.RETURNED),
        (UnitState(B, repair=True), True, FieldStatus.RETURNED),
        (UnitState(A, repair=True), True, FieldStatus.RETURNED),  # approved, not yet back out
        (UnitState(RT, Status.SCRAPPED), True, FieldStatus.RETURNED),
        (UnitState(D, LOST), True, FieldStatus.LOST),
        (UnitState(D, DESTROYED), True, FieldStatus.DESTROYED),
    ],
)
def test_field_status_follows_the_handover_the_return_and_the_marks(state, handed_over, expected):
    assert field_status(state, handed_over) is expected
