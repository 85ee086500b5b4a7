"""What the flight-controller pages show, prepared for their templates: the start page of a
run and the run page, in the reader's language."""

from dataclasses import dataclass

from flask_babel import _
from flask_babel import lazy_gettext as _l

from firmware_checks.run_document import RunKind, Verdict
from workshop.models import BenchRun, Unit
from workshop.services.fc_plans import KIND_STEPS
from workshop.services.measurement_text import (
    detail_text,
    limit_text,
    measurement_name,
    step_name,
    value_text,
)
from workshop.vocabulary import RUN_KIND_NAMES, VERDICT_NAMES

#: What a start page tells the person to do, by kind of run.
START_HINTS = {
    RunKind.IDENTITY: _l(
        "Plug the flight controller into a bench port by USB, then press its port. The app "
        "reads the firmware, version, board, target and the board's unique id."
    ),
    RunKind.BENCH: _l(
        "Battery connected, propellers off, the quad level and still. Press the port the "
        "flight controller is plugged into."
    ),
    RunKind.APPLY: _l(
        "The golden configuration is sent to the board through its command line, saved, and "
        "read back after the reboot. The board's own settings are overwritten."
    ),
}


@dataclass(frozen=True)
class StartPage:
    """What the start page of a run says: the kind's name, what to do, the steps."""

    kind: RunKind
    title: str
    hint: str
    steps: list[str]
    #: Applying the golden configuration: a confirmation, and the ports in red.
    applies: bool
    #: The run compares the configuration (all but the identity reading).
    compares_config: bool


@dataclass(frozen=True)
class MeasurementRow:
    """One measurement as the run page shows it, in the reader's language."""

    key: str
    name: str
    value: str
    limit: str
    detail: str
    passed: bool


@dataclass(frozen=True)
class RunPage:
    """What the run page shows: the verdict in words and every measurement's row."""

    title: str
    verdict: str  # pass, fail or error: the page's colour
    verdict_name: str
    summary: str
    rows: list[MeasurementRow]
    #: The run passed and the unit is still at its stage: the page leads back to finish it.
    leads_to_finish: bool


def start_page(kind: RunKind) -> StartPage:
    """The start page of a run of `kind`: what it is called, what to do, its steps."""
    return StartPage(
        kind=kind,
        title=str(RUN_KIND_NAMES[kind]),
        hint=str(START_HINTS[kind]),
        steps=[step_name(step) for step in KIND_STEPS[kind]],
        applies=kind is RunKind.APPLY,
        compares_config=kind is not RunKind.IDENTITY,
    )


def run_page(run: BenchRun, unit: Unit) -> RunPage:
    """The run page of `run` on `unit`: its verdict and every measurement in the reader's words."""
    verdict = run.run_verdict
    total = len(run.measurements)
    if verdict is Verdict.PASS:
        summary = _("All %(total)s measurements within limits.", total=total)
    elif verdict is Verdict.FAIL:
        summary = _(
            "%(failed)s of %(total)s measurements out of limits.",
            failed=len(run.failed_measurements),
            total=total,
        )
    else:
        summary = _("The flight controller could not be tested: %(reason)s", reason=run.reason)
    return RunPage(
        title=str(RUN_KIND_NAMES[run.run_kind]),
        verdict=verdict.value,
        verdict_name=str(VERDICT_NAMES[verdict]),
        summary=summary,
        rows=[
            MeasurementRow(
                key=m.name,
                name=measurement_name(m.name),
                value=value_text(m.value, m.unit),
                limit=limit_text(m),
                # The configuration's differences have a section of their own.
                detail="" if m.name == "config_diff" else detail_text(m),
                passed=m.passed,
            )
            for m in run.measurements
        ],
        leads_to_finish=verdict is Verdict.PASS and unit.stage == run.stage,
    )
