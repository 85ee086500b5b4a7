"""What the workflow is asked about a unit before it moves, gathered from the database: the
checklist and the evidence the app holds, the parts without a code, the runs the stage needs,
and who worked on the unit (four eyes)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from firmware_checks.run_document import RunKind, Verdict
from workshop import workflow
from workshop.extensions import db
from workshop.field_life import ReturnOutcome
from workshop.models import (
    BenchRun,
    BoardBinding,
    BoardConflict,
    Photo,
    StageRecord,
    Unit,
    UnitPart,
    User,
)
from workshop.models.timestamps import as_utc
from workshop.services import evidence, stock
from workshop.services.evidence import LatestRun, Proof
from workshop.workflow import (
    RUN_REQUIRED,
    Action,
    ChecklistEntry,
    ChecklistGaps,
    Evidence,
    Move,
    Stage,
)


@dataclass(frozen=True)
class RunFacts:
    """What the workflow asks about the flight-controller runs of a unit's current stage."""

    run_verdict: Verdict | None = None
    board_conflict: bool = False


@dataclass(frozen=True)
class FinishFacts:
    """What finishing the unit's current stage depends on, gathered once: its checklist, the
    evidence the app holds, the parts still without a code or not drawn, the runs the stage
    needs."""

    entries: tuple[ChecklistEntry, ...] = ()
    proofs: Mapping[Evidence, Proof] = field(default_factory=dict)
    missing_parts: tuple[str, ...] = ()
    #: At kitting from stock: the bill's lines not drawn in full, as "4 × Motor".
    missing_draws: tuple[str, ...] = ()
    runs: RunFacts = RunFacts()
    #: The latest run of each kind since the unit came to the stage.
    latest_runs: Mapping[RunKind, LatestRun] = field(default_factory=dict)

    def gaps(self, ticks: frozenset[int]) -> ChecklistGaps:
        return workflow.checklist_gaps(self.entries, ticks, self.proofs)


def checklist_entries(unit: Unit) -> tuple[ChecklistEntry, ...]:
    """The checklist of the unit's current stage as the workflow sees it."""
    return tuple(
        ChecklistEntry(key=i.id, text=i.text, required=i.required, evidence=i.proved_by)
        for i in unit.drone_type.checklist_for(unit.stage)
    )


def finish_facts(unit: Unit) -> FinishFacts:
    runs = evidence.latest_runs(unit)
    missing_parts = unit.missing_parts()
    missing_draws = stock.missing_draws(unit) if unit.stage == Stage.KITTING else ()
    return FinishFacts(
        entries=checklist_entries(unit),
        proofs=evidence.proofs(unit, runs, kit_complete=not missing_parts and not missing_draws),
        missing_parts=missing_parts,
        missing_draws=missing_draws,
        runs=run_facts(unit, runs),
        latest_runs=runs,
    )


def finish_move(
    unit: Unit, actor: User, facts: FinishFacts, ticks: frozenset[int] = frozenset()
) -> Move:
    """The move of finishing the unit's stage with these ticks, every fact filled in."""
    gaps = facts.gaps(ticks)
    return Move(
        action=Action.FINISH,
        actor_id=actor.id,
        actor_role=actor.role_enum,
        missing_required=gaps.missing,
        missing_proofs=gaps.unproved,
        unproved_ticks=gaps.ticked_unproved,
        missing_parts=facts.missing_parts,
        missing_draws=facts.missing_draws,
        run_verdict=facts.runs.run_verdict,
        board_conflict=facts.runs.board_conflict,
    )


def builders_of(unit_ids: list[int]) -> dict[int, frozenset[int]]:
    """Everyone who did a step on each unit (started it, finished or failed a stage, recorded a
    part, added a photo, ran its flight controller from the app): they may not sign it off."""
    if not unit_ids:
        return {}
    steps: sa.CompoundSelect[int, int] = sa.union(
        sa.select(Unit.id, Unit.created_by_id).where(Unit.id.in_(unit_ids)),
        sa.select(StageRecord.unit_id, StageRecord.user_id).where(
            StageRecord.unit_id.in_(unit_ids)
        ),
        sa.select(UnitPart.unit_id, UnitPart.recorded_by_id).where(UnitPart.unit_id.in_(unit_ids)),
        sa.select(Photo.unit_id, Photo.uploaded_by_id).where(Photo.unit_id.in_(unit_ids)),
        sa.select(BenchRun.unit_id, BenchRun.user_id).where(
            BenchRun.unit_id.in_(unit_ids), BenchRun.user_id.is_not(None)
        ),
    )
    found: dict[int, set[int]] = {unit_id: set() for unit_id in unit_ids}
    for unit_id, user_id in db.session.execute(steps):
        found[unit_id].add(user_id)
    return {unit_id: frozenset(people) for unit_id, people in found.items()}


def builders(unit: Unit) -> frozenset[int]:
    """Everyone who did a step on the unit: they may not sign it off."""
    return builders_of([unit.id])[unit.id]


def repair_started(unit: Unit) -> datetime | None:
    """When the unit's current repair began (the decision to repair its latest return); None
    while it is not under repair."""
    if not unit.repair:
        return None
    decided = [
        r.decided_at
        for r in unit.returns
        if r.outcome == ReturnOutcome.REPAIR and r.decided_at is not None
    ]
    return as_utc(decided[-1]) if decided else None


def repairers(unit: Unit) -> frozenset[int]:
    """Everyone who did a step on the unit since its current repair began, a flight-controller
    run from the app included: they may not sign off the repair. Empty when not under repair."""
    since = repair_started(unit)
    if since is None:
        return frozenset()
    people = (
        {r.user_id for r in unit.records if as_utc(r.at) >= since}
        | {p.recorded_by_id for p in unit.parts if as_utc(p.recorded_at) >= since}
        | {
            p.removed_by_id
            for p in unit.parts
            if p.removed_at and p.removed_by_id and as_utc(p.removed_at) >= since
        }
        | {photo.uploaded_by_id for photo in unit.photos if as_utc(photo.at) >= since}
    )
    ran = db.session.scalars(
        sa.select(BenchRun.user_id)
        .where(BenchRun.unit_id == unit.id, BenchRun.at >= since, BenchRun.user_id.is_not(None))
        .distinct()
    )
    return frozenset(people) | frozenset(user_id for user_id in ran if user_id is not None)


def run_facts(unit: Unit, runs: Mapping[RunKind, LatestRun]) -> RunFacts:
    """The latest verdict of the run the unit's stage needs, and whether its board is in doubt."""
    kind = RUN_REQUIRED.get(Stage(unit.stage))
    if kind is None:
        return RunFacts()
    latest = runs.get(kind)
    undecided = db.session.scalar(
        sa.select(sa.func.count(BoardConflict.id)).where(
            BoardConflict.unit_id == unit.id, BoardConflict.decision.is_(None)
        )
    )
    bound = db.session.scalar(
        sa.select(BoardBinding.uid).where(
            BoardBinding.unit_id == unit.id, BoardBinding.released_at.is_(None)
        )
    )
    # A conflict decided "not this unit's board" leaves the last reading on a foreign board.
    foreign = latest is not None and latest.board_uid is not None and latest.board_uid != bound
    return RunFacts(
        run_verdict=latest.verdict if latest else None,
        board_conflict=bool(undecided) or foreign,
    )
