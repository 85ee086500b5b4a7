"""What the start page of a flight-controller run shows, prepared for its template, in the
reader's language (the run page's words are services/run_summary.py's)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from firmware_checks.run_document import RunKind
from workshop.services.fc_plans import KIND_STEPS
from workshop.services.measurement_text import step_name
from workshop.vocabulary import RUN_KIND_NAMES

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
