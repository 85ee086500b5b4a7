"""The stage state machine of a unit: the one place that knows which moves are allowed.

Pure: plain data in, plain data out, no Flask, no database. Services gather the
facts (who acts, who built or repaired the unit, which evidence the app holds, which
items were ticked) and ask `apply()`; it answers with the new state or raises `Refused`
with a code that the web layer turns into a translated sentence.

After the handover a unit lives in the field: it comes back (a return, then repair,
scrap or give back as is), or is marked lost or destroyed there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from firmware_checks.run_document import RunKind, Verdict
from workshop.field_life import FieldFailure, FieldStatus, LossReason, ReturnOutcome


class Stage(StrEnum):
    KITTING = "kitting"
    SOLDERING = "soldering"
    FLASHING = "flashing"
    BENCH_TEST = "bench_test"
    REVIEW = "review"
    APPROVED = "approved"
    DELIVERED = "delivered"
    #: Back from the field, waiting for the decision: repair, scrap or give back as is.
    RETURNED = "returned"


class Status(StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    SCRAPPED = "scrapped"
    #: Marked in the field after the handover: the unit is out of service.
    LOST = "lost"
    DESTROYED = "destroyed"


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class Action(StrEnum):
    FINISH = "finish"
    FAIL = "fail"
    APPROVE = "approve"
    REJECT = "reject"
    DELIVER = "deliver"
    HOLD = "hold"
    RELEASE = "release"
    SCRAP = "scrap"
    RECORD_PART = "record_part"
    REMOVE_PART = "remove_part"
    ADD_PHOTO = "add_photo"
    #: A delivered unit comes back from the field.
    RETURN = "return"
    #: The decisions on a returned unit.
    REPAIR = "repair"
    SCRAP_RETURNED = "scrap_returned"
    GIVE_BACK = "give_back"
    #: Field status of a delivered unit that does not come back.
    MARK_LOST = "mark_lost"
    MARK_DESTROYED = "mark_destroyed"


class Reason(StrEnum):
    """Why a unit goes back as rework; each names the stage the work restarts at."""

    COLD_JOINT = "cold_joint"
    SHORT = "short"
    REVERSED_POLARITY = "reversed_polarity"
    DAMAGED_PART = "damaged_part"
    WRONG_FIRMWARE = "wrong_firmware"
    FAILED_BENCH_TEST = "failed_bench_test"
    OTHER = "other"


class Evidence(StrEnum):
    """What the app proves by itself, so that a checklist item tied to it ticks itself."""

    #: Every tracked part has its serial or lot code.
    PARTS_SCANNED = "parts_scanned"
    #: The latest reading of the flight controller passed.
    FC_READ = "fc_read"
    #: The latest application of the golden configuration passed.
    GOLDEN_APPLIED = "golden_applied"
    #: The latest bench test passed.
    BENCH_PASSED = "bench_passed"
    #: The latest motor check passed (every motor turned the right way).
    MOTORS_CHECKED = "motors_checked"


#: The stages a volunteer works through with a checklist, in order.
WORK_STAGES: tuple[Stage, ...] = (
    Stage.KITTING,
    Stage.SOLDERING,
    Stage.FLASHING,
    Stage.BENCH_TEST,
)
ORDER: tuple[Stage, ...] = WORK_STAGES + (Stage.REVIEW, Stage.APPROVED, Stage.DELIVERED)

#: The field actions, the coordinator's: a return, its decision, a loss.
FIELD_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.RETURN,
        Action.REPAIR,
        Action.SCRAP_RETURNED,
        Action.GIVE_BACK,
        Action.MARK_LOST,
        Action.MARK_DESTROYED,
    }
)

#: The decision each action records on a returned unit.
RETURN_OUTCOMES: dict[Action, ReturnOutcome] = {
    Action.REPAIR: ReturnOutcome.REPAIR,
    Action.SCRAP_RETURNED: ReturnOutcome.SCRAP,
    Action.GIVE_BACK: ReturnOutcome.GIVE_BACK,
}

#: The status each field loss leaves the unit in, and the reasons that fit it.
LOSS_STATUS: dict[Action, Status] = {
    Action.MARK_LOST: Status.LOST,
    Action.MARK_DESTROYED: Status.DESTROYED,
}
LOSS_REASONS: dict[Action, frozenset[LossReason]] = {
    Action.MARK_LOST: frozenset({LossReason.NOT_RECOVERED, LossReason.UNKNOWN}),
    Action.MARK_DESTROYED: frozenset(
        {LossReason.EXPENDED, LossReason.BEYOND_REPAIR, LossReason.UNKNOWN}
    ),
}

#: Out of service in the field: nothing is done to the unit but recording its return.
OUT_OF_SERVICE: frozenset[Status] = frozenset(LOSS_STATUS.values())

#: Where rework restarts for each reason; OTHER restarts where the person says.
REWORK_STAGE: dict[Reason, Stage | None] = {
    Reason.COLD_JOINT: Stage.SOLDERING,
    Reason.SHORT: Stage.SOLDERING,
    Reason.REVERSED_POLARITY: Stage.SOLDERING,
    Reason.DAMAGED_PART: Stage.KITTING,
    Reason.WRONG_FIRMWARE: Stage.FLASHING,
    Reason.FAILED_BENCH_TEST: Stage.SOLDERING,
    Reason.OTHER: None,
}

#: Who may take each action (an admin may do everything).
ROLES: dict[Action, frozenset[Role]] = {
    Action.FINISH: frozenset(Role),
    Action.FAIL: frozenset(Role),
    Action.HOLD: frozenset(Role),
    Action.RELEASE: frozenset(Role),
    Action.SCRAP: frozenset(Role),
    Action.APPROVE: frozenset({Role.REVIEWER, Role.ADMIN}),
    Action.REJECT: frozenset({Role.REVIEWER, Role.ADMIN}),
    Action.DELIVER: frozenset({Role.ADMIN}),
    Action.RECORD_PART: frozenset(Role),
    Action.REMOVE_PART: frozenset(Role),
    Action.ADD_PHOTO: frozenset(Role),
} | {action: frozenset({Role.ADMIN}) for action in FIELD_ACTIONS}

#: The stages each action may start from.
FROM_STAGES: dict[Action, frozenset[Stage]] = {
    Action.FINISH: frozenset(WORK_STAGES),
    Action.FAIL: frozenset(WORK_STAGES),
    Action.APPROVE: frozenset({Stage.REVIEW}),
    Action.REJECT: frozenset({Stage.REVIEW, Stage.APPROVED}),
    Action.DELIVER: frozenset({Stage.APPROVED}),
    Action.HOLD: frozenset(ORDER) - {Stage.DELIVERED},
    Action.RELEASE: frozenset(ORDER) - {Stage.DELIVERED},
    Action.SCRAP: frozenset(ORDER) - {Stage.DELIVERED},
    # Tracked parts go in at kitting; a damaged one is replaced by rework back to kitting.
    Action.RECORD_PART: frozenset({Stage.KITTING}),
    Action.REMOVE_PART: frozenset({Stage.KITTING}),
    Action.ADD_PHOTO: frozenset(ORDER) - {Stage.APPROVED, Stage.DELIVERED},
    Action.RETURN: frozenset({Stage.DELIVERED}),
    Action.REPAIR: frozenset({Stage.RETURNED}),
    Action.SCRAP_RETURNED: frozenset({Stage.RETURNED}),
    Action.GIVE_BACK: frozenset({Stage.RETURNED}),
    Action.MARK_LOST: frozenset({Stage.DELIVERED}),
    Action.MARK_DESTROYED: frozenset({Stage.DELIVERED}),
}

#: The flight-controller run whose latest verdict must be a pass before the stage finishes:
#: reading its identity at flashing, the bench test at bench test.
RUN_REQUIRED: dict[Stage, RunKind] = {
    Stage.FLASHING: RunKind.IDENTITY,
    Stage.BENCH_TEST: RunKind.BENCH,
}

#: The stage whose checklist each kind of evidence can prove: it is gathered there only.
EVIDENCE_STAGE: dict[Evidence, Stage] = {
    Evidence.PARTS_SCANNED: Stage.KITTING,
    Evidence.FC_READ: Stage.FLASHING,
    Evidence.GOLDEN_APPLIED: Stage.FLASHING,
    Evidence.BENCH_PASSED: Stage.BENCH_TEST,
    Evidence.MOTORS_CHECKED: Stage.BENCH_TEST,
}

#: The flight-controller run whose latest pass (since the unit came to the stage) is the evidence.
EVIDENCE_RUN: dict[Evidence, RunKind] = {
    Evidence.FC_READ: RunKind.IDENTITY,
    Evidence.GOLDEN_APPLIED: RunKind.APPLY,
    Evidence.BENCH_PASSED: RunKind.BENCH,
    Evidence.MOTORS_CHECKED: RunKind.MOTORS,
}

#: Signed-off stages: nothing about the build may change without a new review.
FROZEN_STAGES: frozenset[Stage] = frozenset({Stage.APPROVED, Stage.DELIVERED})

#: Actions that change the build record, refused as "frozen" once it is signed off.
BUILD_RECORD_ACTIONS: frozenset[Action] = frozenset({Action.FINISH, Action.FAIL, Action.ADD_PHOTO})

#: Actions that add to the record without moving the unit.
RECORDING_ACTIONS: frozenset[Action] = frozenset(
    {Action.RECORD_PART, Action.REMOVE_PART, Action.ADD_PHOTO}
)

#: Actions that need a reason (from `Reason`) naming where rework restarts.
REWORK_ACTIONS: frozenset[Action] = frozenset({Action.FAIL, Action.REJECT})

#: Sign-offs: never by someone who worked on the unit (four eyes), whichever way they go.
SIGN_OFF_ACTIONS: frozenset[Action] = frozenset({Action.APPROVE, Action.REJECT})


@dataclass(frozen=True)
class UnitState:
    stage: Stage
    status: Status = Status.ACTIVE
    rework: bool = False
    #: Back in the workshop after a return, from the repair decision until handed over again.
    repair: bool = False


@dataclass(frozen=True)
class Move:
    """The facts around one requested move; services fill them in."""

    action: Action
    actor_id: int
    actor_role: Role
    #: Everyone who did any step of the unit's build: they may not sign off the build.
    builders: frozenset[int] = frozenset()
    #: Everyone who did a step since the unit's current repair began: they may not sign off
    #: the repair (asked only while the unit is under repair; the build was signed off before).
    repairers: frozenset[int] = frozenset()
    #: Required checklist items of the current stage left unticked (items a person ticks).
    missing_required: tuple[str, ...] = ()
    #: Required items tied to evidence the app does not hold yet.
    missing_proofs: tuple[str, ...] = ()
    #: Items tied to evidence that the person ticked although the evidence is missing.
    unproved_ticks: tuple[str, ...] = ()
    #: Tracked parts with no serial or lot code recorded (checked when kitting finishes).
    missing_parts: tuple[str, ...] = ()
    #: Bill-of-materials lines a unit kitted from stock has not drawn in full, as "4 × Motor".
    missing_draws: tuple[str, ...] = ()
    reason: Reason | None = None
    #: With Reason.OTHER: the stage rework restarts at; with REPAIR: the stage repair starts at.
    rework_stage: Stage | None = None
    #: Free text; required for SCRAP, SCRAP_RETURNED, GIVE_BACK and each reason OTHER.
    text: str = ""
    #: With RETURN: what failed in the field.
    field_failure: FieldFailure | None = None
    #: With MARK_LOST and MARK_DESTROYED: why (from LOSS_REASONS).
    loss_reason: LossReason | None = None
    #: At a stage of RUN_REQUIRED: the latest such run's verdict, None when there is none.
    run_verdict: Verdict | None = None
    #: A board conflict of the unit waits for a coordinator, or the board read last is not
    #: the one bound to the unit.
    board_conflict: bool = False


class Refused(Exception):
    """A move the rules forbid; `code` says which rule, `params` fill its sentence."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ChecklistEntry:
    """One checklist item as the rules see it: `key` is what a tick names."""

    key: int
    text: str
    required: bool = True
    evidence: Evidence | None = None


@dataclass(frozen=True)
class ChecklistGaps:
    """What a checklist still lacks, given the ticks a person gave and the evidence held."""

    #: Required items a person ticks, unticked.
    missing: tuple[str, ...] = ()
    #: Required items tied to evidence that is not there yet.
    unproved: tuple[str, ...] = ()
    #: Items tied to evidence, ticked by hand without it.
    ticked_unproved: tuple[str, ...] = ()


def is_ticked(entry: ChecklistEntry, ticks: Iterable[int], proved: Iterable[Evidence]) -> bool:
    """An item tied to evidence is ticked by that evidence alone; any other by a person."""
    if entry.evidence is not None:
        return entry.evidence in frozenset(proved)
    return entry.key in frozenset(ticks)


def checklist_gaps(
    entries: Iterable[ChecklistEntry], ticks: Iterable[int], proved: Iterable[Evidence]
) -> ChecklistGaps:
    """What keeps the checklist from being complete, for `Move` (and for the page to say)."""
    ticks, proved = frozenset(ticks), frozenset(proved)
    entries = tuple(entries)
    return ChecklistGaps(
        missing=tuple(
            e.text for e in entries if e.required and e.evidence is None and e.key not in ticks
        ),
        unproved=tuple(
            e.text for e in entries if e.required and e.evidence and e.evidence not in proved
        ),
        ticked_unproved=tuple(
            e.text for e in entries if e.evidence and e.key in ticks and e.evidence not in proved
        ),
    )


def next_stage(stage: Stage) -> Stage:
    """The stage after `stage` in the normal flow."""
    return ORDER[ORDER.index(stage) + 1]


def rework_target(state: UnitState, move: Move) -> Stage:
    """The stage a failed, rejected or returned unit goes back to."""
    if move.reason is None:
        raise Refused("reason_required")
    target: Stage | None
    if move.reason is Reason.OTHER:
        if not move.text.strip():
            raise Refused("reason_text_required")
        target = move.rework_stage or (state.stage if state.stage in WORK_STAGES else Stage.KITTING)
    else:
        target = REWORK_STAGE[move.reason]
        assert target is not None
    if target not in WORK_STAGES:
        raise Refused("rework_stage_invalid", stage=str(target))
    if state.stage in WORK_STAGES and ORDER.index(target) > ORDER.index(state.stage):
        # Failing soldering for "wrong firmware" would send the unit forward.
        raise Refused("rework_stage_ahead", stage=str(target), current=str(state.stage))
    return target


def _run_refusal(stage: Stage, move: Move) -> Refused | None:
    """A stage judged by the flight controller finishes only on its latest run's pass, and
    only with the unit's own board: a swapped board must not pass unnoticed."""
    flashing = stage is Stage.FLASHING
    if move.run_verdict is None:
        return Refused("fc_not_read" if flashing else "bench_not_run")
    if move.run_verdict is not Verdict.PASS:
        return Refused("fc_read_not_passed" if flashing else "bench_not_passed")
    if move.board_conflict:
        return Refused("board_conflict")
    return None


def finish_refusals(state: UnitState, move: Move) -> list[Refused]:
    """Every reason the current stage may not finish yet, the one to tell first first.

    `apply` refuses with the first; a page lists them all, so a person sees at once what is
    left (the unit and stage themselves are assumed right: `allowed` says so).
    """
    refusals = []
    if move.unproved_ticks:
        # A tick may not stand in for a run that did not pass.
        refusals.append(Refused("unproved_ticks", items=", ".join(move.unproved_ticks)))
    if move.missing_required:
        refusals.append(Refused("required_items", items=", ".join(move.missing_required)))
    if state.stage is Stage.KITTING and move.missing_draws:
        # A unit whose parts left no lot would be invisible to a recall, and the shelves'
        # figures would be wrong.
        refusals.append(Refused("draws_missing", items=", ".join(move.missing_draws)))
    if state.stage is Stage.KITTING and move.missing_parts:
        # A unit without its part codes would be invisible to a recall.
        refusals.append(Refused("parts_missing", items=", ".join(move.missing_parts)))
    if state.stage in RUN_REQUIRED and (run := _run_refusal(state.stage, move)) is not None:
        refusals.append(run)
    if move.missing_proofs:
        refusals.append(Refused("proofs_missing", items=", ".join(move.missing_proofs)))
    return refusals


def _check_four_eyes(state: UnitState, move: Move) -> None:
    """A build is signed off by someone who did none of it; a repair by someone who did none
    of the repair (the build it rests on was signed off before)."""
    if state.repair:
        if move.actor_id in move.repairers:
            raise Refused("four_eyes_repair")
    elif move.actor_id in move.builders:
        raise Refused("four_eyes")


def _needs_words(move: Move) -> None:
    if not move.text.strip():
        raise Refused("reason_text_required")


def _field_move(state: UnitState, move: Move) -> UnitState:
    """A return, the decision on it, or a loss in the field."""
    action = move.action
    if action is Action.RETURN:
        if move.field_failure is None:
            raise Refused("field_failure_required")
        if move.field_failure is FieldFailure.OTHER:
            _needs_words(move)
        return UnitState(Stage.RETURNED)
    if action is Action.REPAIR:
        if move.rework_stage is None:
            raise Refused("repair_stage_required")
        if move.rework_stage not in WORK_STAGES:
            raise Refused("rework_stage_invalid", stage=str(move.rework_stage))
        return UnitState(move.rework_stage, repair=True)
    if action is Action.SCRAP_RETURNED:
        _needs_words(move)
        return replace(state, status=Status.SCRAPPED)
    if action is Action.GIVE_BACK:
        _needs_words(move)
        return UnitState(Stage.DELIVERED)
    if move.loss_reason is None:
        raise Refused("loss_reason_required")
    if move.loss_reason not in LOSS_REASONS[action]:
        raise Refused("loss_reason_invalid")
    return replace(state, status=LOSS_STATUS[action])


def apply(state: UnitState, move: Move) -> UnitState:
    """Return the state after `move`, or raise `Refused` naming the rule it breaks."""
    action = move.action
    if move.actor_role not in ROLES[action]:
        raise Refused("role", action=str(action))
    if state.status is Status.SCRAPPED:
        raise Refused("scrapped")
    if state.status in OUT_OF_SERVICE and action is not Action.RETURN:
        raise Refused("out_of_service", status=str(state.status))
    if state.stage not in FROM_STAGES[action]:
        if state.stage in FROZEN_STAGES and action in BUILD_RECORD_ACTIONS:
            raise Refused("frozen")
        raise Refused("not_from_stage", action=str(action), stage=str(state.stage))
    if action is Action.RELEASE:
        if state.status is not Status.ON_HOLD:
            raise Refused("not_on_hold")
        return replace(state, status=Status.ACTIVE)
    if state.status is Status.ON_HOLD and action is not Action.SCRAP:
        raise Refused("on_hold")

    if action in RECORDING_ACTIONS:
        return state
    if action in SIGN_OFF_ACTIONS:
        _check_four_eyes(state, move)
    if action is Action.FINISH:
        if refusals := finish_refusals(state, move):
            raise refusals[0]
        return replace(state, stage=next_stage(state.stage))
    if action is Action.APPROVE:
        return replace(state, stage=Stage.APPROVED, rework=False)
    if action is Action.DELIVER:
        return replace(state, stage=Stage.DELIVERED, repair=False)
    if action in FIELD_ACTIONS:
        return _field_move(state, move)
    if action in REWORK_ACTIONS:
        return replace(state, stage=rework_target(state, move), rework=True)
    if action is Action.HOLD:
        return replace(state, status=Status.ON_HOLD)
    if action is Action.SCRAP:
        if not move.text.strip():
            raise Refused("reason_text_required")
        return replace(state, status=Status.SCRAPPED)
    raise AssertionError(f"unhandled action {action}")  # pragma: no cover


def allowed(state: UnitState, action: Action, role: Role) -> bool:
    """Whether `action` could be offered at all (before checklist and four-eyes facts)."""
    if role not in ROLES[action] or state.status is Status.SCRAPPED:
        return False
    if state.stage not in FROM_STAGES[action]:
        return False
    if state.status in OUT_OF_SERVICE:
        return action is Action.RETURN
    if action is Action.RELEASE:
        return state.status is Status.ON_HOLD
    if state.status is Status.ON_HOLD:
        return action is Action.SCRAP
    return True


def reasons_for(stage: Stage) -> list[Reason]:
    """Rework reasons that make sense when failing `stage` (none send the unit forward)."""
    if stage not in WORK_STAGES:
        return list(Reason)
    here = ORDER.index(stage)
    return [r for r in Reason if REWORK_STAGE[r] is None or ORDER.index(REWORK_STAGE[r]) <= here]


def field_status(state: UnitState, handed_over: bool) -> FieldStatus | None:
    """Where a unit stands in the field; None before its first handover."""
    if not handed_over:
        return None
    if state.status is Status.LOST:
        return FieldStatus.LOST
    if state.status is Status.DESTROYED:
        return FieldStatus.DESTROYED
    return FieldStatus.IN_SERVICE if state.stage is Stage.DELIVERED else FieldStatus.RETURNED
