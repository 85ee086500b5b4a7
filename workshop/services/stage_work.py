"""The work of a unit's current build stage as a page shows it: the checklist with what the app
has proved, the Finish button (ready, or what is still missing), the "next" line, and the latest
flight-controller runs. The unit page and a run's result page show the same."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from firmware_checks.run_document import RunKind, Verdict
from workshop import vocabulary, workflow
from workshop.models import Unit, User
from workshop.services import bench_runs, stage_facts
from workshop.services.evidence import LatestRun
from workshop.services.refusals import explain
from workshop.workflow import EVIDENCE_RUN, RUN_REQUIRED, Evidence, Stage

#: The evidence a stage's own run gives: its pass is needed whatever the checklist says.
RUN_EVIDENCE: dict[RunKind, Evidence] = {kind: ev for ev, kind in EVIDENCE_RUN.items()}


@dataclass(frozen=True)
class ChecklistRow:
    """One checklist item: a box a person ticks, or a line the app ticks from its evidence."""

    item_id: int
    text: str
    required: bool
    evidence: Evidence | None
    #: The app holds the evidence: the item shows ticked.
    proved: bool
    #: The run that proves it (None for the parts, which no run proves).
    run_id: int | None
    #: What proves it, in words: "a passing bench test".
    proof_name: str


@dataclass(frozen=True)
class RunStatus:
    """The latest run of one kind at this stage, for the flight-controller panel."""

    run_id: int
    name: str
    verdict: str  # pass, fail or error: the badge's colour
    verdict_name: str
    probe: dict[str, Any] | None


@dataclass(frozen=True)
class StageWork:
    stage_name: str
    rows: list[ChecklistRow]
    #: Nothing is missing, not even a tick: Finish is the page's main button.
    ready: bool
    #: Required items a person still ticks (the page counts again as they tick).
    to_tick: int
    #: "3 items to tick" for each number of items left (index 0: nothing).
    tick_phrases: list[str]
    #: What else is missing, each in a few words: lines to draw, part codes, runs, a
    #: coordinator's decision.
    needs: list[str]
    #: What to do next, as one line.
    next_step: str
    #: The latest run of each kind since the unit came to the stage.
    runs: list[RunStatus]
    #: The run the stage still needs first: its button is the panel's main one.
    main_run: RunKind | None


def _needed_evidence(unit: Unit, facts: stage_facts.FinishFacts) -> list[Evidence]:
    """Evidence the stage cannot finish without and does not hold, in the order it is gathered."""
    needed = []
    kind = RUN_REQUIRED.get(Stage(unit.stage))
    if kind is not None and facts.runs.run_verdict is not Verdict.PASS:
        needed.append(RUN_EVIDENCE[kind])
    for entry in facts.entries:
        if entry.required and entry.evidence and entry.evidence not in facts.proofs:
            needed.append(entry.evidence)
    return sorted(set(needed), key=list(Evidence).index)


def _rows(facts: stage_facts.FinishFacts) -> list[ChecklistRow]:
    rows = []
    for entry in facts.entries:
        proof = facts.proofs.get(entry.evidence) if entry.evidence else None
        rows.append(
            ChecklistRow(
                item_id=entry.key,
                text=entry.text,
                required=entry.required,
                evidence=entry.evidence,
                proved=proof is not None,
                run_id=proof.run_id if proof else None,
                proof_name=str(vocabulary.EVIDENCE_NAMES[entry.evidence]) if entry.evidence else "",
            )
        )
    return rows


def _needs(unit: Unit, facts: stage_facts.FinishFacts, needed: list[Evidence]) -> list[str]:
    needs = []
    if facts.missing_draws:
        count = len(facts.missing_draws)
        needs.append(ngettext("%(num)d line to draw", "%(num)d lines to draw", count))
    if facts.missing_parts:
        count = len(facts.missing_parts)
        needs.append(ngettext("%(num)d part code to scan", "%(num)d part codes to scan", count))
    needs += [str(vocabulary.EVIDENCE_NAMES[e]) for e in needed if e is not Evidence.PARTS_SCANNED]
    if facts.runs.board_conflict and Stage(unit.stage) in RUN_REQUIRED:
        needs.append(_("a coordinator's decision on the board"))
    return needs


def _next_step(
    unit: Unit, facts: stage_facts.FinishFacts, needed: list[Evidence], to_tick: int
) -> str:
    steps = [] if facts.proofs else [str(vocabulary.NEXT_STEP[unit.stage])]
    steps += [str(vocabulary.EVIDENCE_TODO[e]) for e in needed]
    steps += [
        _("optionally %(action)s", action=vocabulary.EVIDENCE_TODO[entry.evidence])
        for entry in facts.entries
        if entry.evidence and not entry.required and entry.evidence not in facts.proofs
    ]
    if facts.runs.board_conflict and Stage(unit.stage) in RUN_REQUIRED:
        steps.append(_("wait for a coordinator's decision on the board"))
    if to_tick:
        steps.append(_("tick the checklist"))
    steps.append(_("then finish the stage"))
    line = ", ".join(steps)
    return line[:1].upper() + line[1:] + "."


def _runs(unit: Unit, latest: Mapping[RunKind, LatestRun]) -> list[RunStatus]:
    kinds = [kind for kind, stage in bench_runs.KIND_STAGE.items() if stage.value == unit.stage]
    return [
        RunStatus(
            run_id=run.id,
            name=str(vocabulary.RUN_KIND_NAMES[kind]),
            verdict=run.verdict.value,
            verdict_name=str(vocabulary.VERDICT_NAMES[run.verdict]),
            probe=run.probe,
        )
        for kind in kinds
        if (run := latest.get(kind)) is not None
    ]


def _to_tick(count: int) -> str:
    return ngettext("%(num)d item to tick", "%(num)d items to tick", count)


def build(unit: Unit, user: User) -> StageWork:
    """The work of the unit's stage for `user`; the unit must be at a build stage."""
    facts = stage_facts.finish_facts(unit)
    needed = _needed_evidence(unit, facts)
    manual = [e for e in facts.entries if e.evidence is None]
    to_tick = len([e for e in manual if e.required])
    # The workflow decides whether the stage could finish once the person's ticks are given.
    ticked_all = frozenset(e.key for e in manual)
    refusals = workflow.finish_refusals(
        unit.state, stage_facts.finish_move(unit, user, facts, ticked_all)
    )
    needs = _needs(unit, facts, needed)
    if refusals and not needs:
        needs = [explain(refusal) for refusal in refusals]
    runs_needed = [EVIDENCE_RUN[e] for e in needed if e in EVIDENCE_RUN]
    return StageWork(
        stage_name=str(vocabulary.STAGE_NAMES[unit.stage]),
        rows=_rows(facts),
        ready=not refusals and not to_tick,
        to_tick=to_tick,
        tick_phrases=[""] + [_to_tick(n) for n in range(1, to_tick + 1)],
        needs=needs,
        next_step=_next_step(unit, facts, needed, to_tick),
        runs=_runs(unit, facts.latest_runs),
        main_run=runs_needed[0] if runs_needed else None,
    )
