"""What the app itself proves about a unit's current stage: its kit drawn and its tracked parts
scanned, and the latest run of each kind since the unit came to the stage. A checklist item tied
to evidence ticks itself from it (the workflow refuses a tick without it); the page links to the
run."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from firmware_checks.run_document import RunKind, Verdict
from workshop.extensions import db
from workshop.models import BenchRun, Unit
from workshop.workflow import EVIDENCE_RUN, EVIDENCE_STAGE, Evidence, Stage

#: The stages a flight-controller run is made at.
RUN_STAGES = frozenset(EVIDENCE_STAGE[evidence] for evidence in EVIDENCE_RUN)


@dataclass(frozen=True)
class LatestRun:
    """The newest run of one kind on the unit since it came to its stage: the latest decides."""

    id: int
    kind: RunKind
    verdict: Verdict
    board_uid: str | None
    #: What the board said of itself (firmware, board, target), when it was read.
    probe: dict[str, Any] | None = None


@dataclass(frozen=True)
class Proof:
    """Evidence held, and the run that holds it (None for the parts, which no run proves)."""

    evidence: Evidence
    run_id: int | None = None


def latest_runs(unit: Unit) -> dict[RunKind, LatestRun]:
    """The latest run of each kind made since the unit came to its stage.

    Only those count: a unit sent back through flashing as rework is read again, not waved
    through on the reading of its first visit.
    """
    if Stage(unit.stage) not in RUN_STAGES:
        return {}  # no run is made at this stage: nothing to ask the database
    rows = db.session.execute(
        sa.select(BenchRun.id, BenchRun.kind, BenchRun.verdict, BenchRun.board_uid, BenchRun.probe)
        .where(BenchRun.unit_id == unit.id, BenchRun.at >= unit.stage_since)
        .order_by(BenchRun.id.desc())
    )
    latest: dict[RunKind, LatestRun] = {}
    for row in rows:
        kind = RunKind(row.kind)
        if kind not in latest:
            latest[kind] = LatestRun(row.id, kind, Verdict(row.verdict), row.board_uid, row.probe)
    return latest


def proofs(
    unit: Unit, runs: dict[RunKind, LatestRun], *, kit_complete: bool
) -> dict[Evidence, Proof]:
    """The evidence of the unit's current stage the app holds, given its `latest_runs` and
    whether its kit is complete (every line drawn, every tracked part's code recorded)."""
    found: dict[Evidence, Proof] = {}
    for evidence, stage in EVIDENCE_STAGE.items():
        if stage.value != unit.stage:
            continue
        if evidence is Evidence.PARTS_SCANNED:
            if kit_complete:
                found[evidence] = Proof(evidence)
        elif (run := runs.get(EVIDENCE_RUN[evidence])) and run.verdict is Verdict.PASS:
            found[evidence] = Proof(evidence, run.id)
    return found


def stage_evidence(stage: Stage) -> list[Evidence]:
    """The evidence a checklist item of `stage` may be tied to."""
    return [evidence for evidence, at in EVIDENCE_STAGE.items() if at is stage]
