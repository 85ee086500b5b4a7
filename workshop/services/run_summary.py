"""A flight-controller run in the reader's words: its verdict, a one-line summary and every
measurement's row; the run page shows it whole, the review page the latest run of each kind."""

from dataclasses import dataclass

from flask_babel import gettext as _

from firmware_checks.run_document import Verdict
from workshop.models import BenchRun
from workshop.services.measurement_text import (
    detail_text,
    limit_text,
    measurement_name,
    value_text,
)
from workshop.vocabulary import RUN_KIND_NAMES, VERDICT_NAMES


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


def run_page(run: BenchRun) -> RunPage:
    """The run page of `run`: its verdict and every measurement in the reader's words."""
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
    )
