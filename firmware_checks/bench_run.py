"""One bench check of a flight controller: connect, read, judge, and keep the record.

The table of checks and their limits is checks.py; this module gathers the evidence for it
from a port and turns whatever goes wrong on the way into the verdict "error" with a reason.
What a run found ends as a RunDocument (run_document.py): `CheckResult.document()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .checks import CHECKS, evaluate, evidence_from, judge
from .cli_session import CliSession
from .client import FlightController
from .config_diff import ConfigChange, compare, parse_diff
from .errors import Disconnected, FirmwareCheckError
from .limits import DEFAULT_LIMITS, Limits
from .probe import ProbeResult, probe, sample_raw_imu
from .run_document import Measurement, RunDocument, Verdict, verdict_of
from .transcript import Transcript
from .transport import PORT_ERRORS

ProgressCallback = Callable[[str], None]

#: The CLI stage's waits, derived from the MSP --timeout, with floors for a real board: the
#: CLI's first byte (and any stall) at least 1 s; its reboot (USB goes away and comes back) 4 s.
CLI_TIMEOUT_FACTOR, CLI_TIMEOUT_MIN = 4.0, 1.0
REBOOT_TIMEOUT_FACTOR, REBOOT_TIMEOUT_MIN = 20.0, 4.0


def cli_timeouts(timeout: float) -> tuple[float, float]:
    """(CLI answer timeout, reboot timeout) for an MSP timeout; 0.5 s gives 2 s and 10 s."""
    return (
        max(CLI_TIMEOUT_FACTOR * timeout, CLI_TIMEOUT_MIN),
        max(REBOOT_TIMEOUT_FACTOR * timeout, REBOOT_TIMEOUT_MIN),
    )


@dataclass
class CheckResult:
    """A run as it goes: filled in while the board is read; `document()` is what it found."""

    url: str
    verdict: Verdict
    reason: str  # one sentence
    limits: Limits
    transcript: Transcript
    probe: ProbeResult | None = None
    measurements: list[Measurement] = field(default_factory=list)
    config_changes: list[ConfigChange] | None = None

    @property
    def failed(self) -> list[Measurement]:
        return [m for m in self.measurements if not m.passed]

    def document(self) -> RunDocument:
        return RunDocument(
            url=self.url,
            verdict=self.verdict,
            reason=self.reason,
            limits=self.limits,
            transcript=tuple(self.transcript.entries),
            probe=self.probe.to_dict() if self.probe is not None else None,
            measurements=tuple(self.measurements),
            config_changes=None if self.config_changes is None else tuple(self.config_changes),
        )


def could_not_test(
    url: str,
    reason: str,
    limits: Limits,
    transcript: Transcript,
    probe: ProbeResult | None = None,
) -> CheckResult:
    """A run that found nothing to judge: verdict "error", no measurements, the reason noted in
    the transcript after whatever was said until then (and what the board said, if it was read)."""
    transcript.note(f"could not test: {reason}")
    return CheckResult(url, Verdict.ERROR, reason, limits, transcript, probe)


#: What a run does once the port is open: read, fill in the result (probe, measurements,
#: config_changes), telling each step it starts. Raising a FirmwareCheckError ends it as "error".
RunBody = Callable[[FlightController, CheckResult, ProgressCallback], None]


def run_on_board(
    url: str,
    limits: Limits,
    body: RunBody,
    *,
    progress: ProgressCallback | None = None,
    timeout: float = 0.5,
    on_cli: Callable[[str], None] | None = None,
    transcript: Transcript | None = None,
) -> CheckResult:
    """Open the port, let `body` read and judge, close; the verdict follows the measurements.

    Never raises for the flight controller's sake: a port that cannot be opened, an FC that does
    not answer or answers nonsense, a link that drops: verdict "error" with the reason, no
    measurements, and whatever the transcript caught so far. A `transcript` passed in is the
    one written to, so a caller that gives up waiting still holds what was said so far.
    """
    transcript = transcript if transcript is not None else Transcript()
    result = CheckResult(url, Verdict.ERROR, "", limits, transcript)
    report = progress or (lambda step: None)
    fc: FlightController | None = None
    problem = ""
    try:
        report("connect")
        fc = FlightController.open(url, timeout=timeout, transcript=transcript)
        fc.on_cli = on_cli
        fc.reboot_timeout = cli_timeouts(timeout)[1]
        body(fc, result, report)
    except FirmwareCheckError as error:
        problem = str(error)
    except PORT_ERRORS as error:  # a last line of defence
        problem = str(Disconnected(f"lost the flight controller: {error}"))
    else:
        result.verdict, result.reason = verdict_of(result.measurements)
    finally:
        if fc is not None:
            fc.close()
    if problem:  # half a run is no result
        return could_not_test(url, problem, limits, transcript, result.probe)
    return result


def run_check(
    url: str,
    limits: Limits = DEFAULT_LIMITS,
    golden: str | None = None,
    *,
    progress: ProgressCallback | None = None,
    timeout: float = 0.5,
    on_cli: Callable[[str], None] | None = None,
    transcript: Transcript | None = None,
) -> CheckResult:
    """Connect, read, judge every check of the table (run_on_board says what "error" means).

    `golden` is the text of a golden `diff all`; without it the configuration is not compared.
    `timeout` is per MSP answer; the CLI stage's waits derive from it (cli_timeouts). `on_cli` is
    told when a board found in its CLI (left there by an earlier session) is taken out of it.
    """

    def body(fc: FlightController, result: CheckResult, report: ProgressCallback) -> None:
        report("identity")
        result.probe = probe(fc)
        report("sensors")
        evidence = evidence_from(result.probe)
        report("gyro_noise")
        imu = sample_raw_imu(fc, limits.gyro.samples) if evidence.has_gyro else []
        report("battery")
        report("receiver")
        report("config_diff")
        if golden is not None:
            cli_timeout, reboot_timeout = cli_timeouts(timeout)
            with CliSession(fc, timeout=cli_timeout, reboot_timeout=reboot_timeout) as cli:
                actual = cli.diff_all()
            result.config_changes = compare(
                parse_diff(actual), parse_diff(golden), limits.config.ignore
            )
        result.measurements = evaluate(result.probe, limits, imu, result.config_changes)

    return run_on_board(
        url, limits, body, progress=progress, timeout=timeout, on_cli=on_cli, transcript=transcript
    )


#: The checks of the flashing stage: what firmware, which board. Nothing else is judged there.
IDENTITY_CHECKS = tuple(check for check in CHECKS if check.step == "identity")
#: The steps read_identity reports.
IDENTITY_STEPS: tuple[str, ...] = ("connect", "identity")


def read_identity(
    url: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    progress: ProgressCallback | None = None,
    timeout: float = 0.5,
    transcript: Transcript | None = None,
) -> CheckResult:
    """Connect and read what the board is (firmware, version, board, target, MCU uid) and judge
    only that: the flashing stage. The result's probe carries `uid` for the board binding.
    """

    def body(fc: FlightController, result: CheckResult, report: ProgressCallback) -> None:
        report("identity")
        result.probe = probe(fc)
        result.measurements = judge(evidence_from(result.probe), limits, IDENTITY_CHECKS)

    return run_on_board(
        url, limits, body, progress=progress, timeout=timeout, transcript=transcript
    )
