"""Apply a golden configuration: type a known-good `diff all` into the CLI, save, read it back.

The golden text starts (as every Betaflight `diff all` does) with `batch start` and
`defaults nosave`: the board is reset to the firmware's defaults in memory, the golden lines
are typed, and `save` writes it all and reboots. Lines that are per-unit by nature (the MCU id,
the signature, the craft name, calibration: the `ignore` patterns) are not typed from the golden
file; the board's own values of those settings are typed back after the reset instead, so a
unit keeps its name and calibration. After the reboot, `diff all` is read back and compared
with the golden text: the verdict is "pass" only when nothing differs.

read_golden() goes the other way: it reads the `diff all` of a board known to be good, for a
drone type's golden configuration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .bench_run import CheckResult, ProgressCallback, cli_timeouts, run_on_board
from .checks import CHECKS, evidence_from, judge
from .cli_session import CliError, CliSession, check_line
from .client import FlightController
from .config_diff import MASTER, compare, is_ignored, iter_settings, parse_diff
from .errors import FirmwareCheckError
from .limits import DEFAULT_LIMITS, ConfigLimits
from .measurement_specs import DetailKind, DetailSpec, LimitKind, LimitSpec
from .probe import probe
from .run_document import Measurement
from .transcript import Transcript


class WrongBoard(FirmwareCheckError):
    """The board on the port is not the one the person confirmed."""


#: The steps apply_golden reports, in order.
GOLDEN_STEPS: tuple[str, ...] = ("connect", "identity", "apply", "save", "config_diff")
#: The steps read_golden reports, in order.
READ_STEPS: tuple[str, ...] = ("connect", "identity", "config_diff")
_CONFIG_DIFF_CHECK = tuple(check for check in CHECKS if check.name == "config_diff")


def golden_lines(golden_text: str, ignore: Sequence[str]) -> tuple[list[str], list[str]]:
    """(the golden text's lines with the per-unit ones blanked, the per-unit lines left out).

    Blanked, not removed: CliSession.apply numbers what it refuses by position, so the numbers
    stay those of the golden text. Comments, blank lines and `save` are skipped by apply itself.
    """
    typed: list[str] = []
    skipped: list[str] = []
    for raw, setting in iter_settings(golden_text):
        if setting is not None and is_ignored(setting, tuple(ignore)):
            skipped.append(raw.strip())
            typed.append("")
        else:
            typed.append(raw)
    return typed, skipped


def _own_lines(board_diff: str, ignore: Sequence[str]) -> list[str]:
    """The board's own `set` lines of per-unit master settings, to type back after the reset."""
    return [
        s.line
        for s in parse_diff(board_diff).settings()
        if s.section == MASTER and s.key.startswith("set ") and is_ignored(s, tuple(ignore))
    ]


def apply_golden(
    url: str,
    golden_text: str,
    ignore: Sequence[str],
    *,
    progress: ProgressCallback | None = None,
    timeout: float = 0.5,
    expect_uid: str | None = None,
    transcript: Transcript | None = None,
) -> CheckResult:
    """Type the golden configuration into the board, save, wait for the reboot, read it back.

    A run document as run_check's: the probe says which board it was (uid), the measurements
    are `refused_lines` (lines the CLI refused), `saved` and `config_diff` (what still differs
    after the reboot; config_changes lists them). With `expect_uid` (the board a person
    confirmed), another board on the port ends the run as "error" before anything is typed.
    ValueError, before anything is sent, for a golden text with no settings or with a line that
    must never be typed (`?`, TAB).
    """
    typed, _ = golden_lines(golden_text, ignore)
    if not parse_diff(golden_text).settings():
        raise ValueError("the golden configuration has no settings (expected a `diff all`)")
    for number, line in enumerate(typed, start=1):
        try:
            check_line(line)
        except ValueError as error:
            raise ValueError(f"golden line {number}: {error}") from None
    limits = dataclasses.replace(DEFAULT_LIMITS, config=ConfigLimits(ignore=tuple(ignore)))
    cli_timeout, reboot_timeout = cli_timeouts(timeout)

    def body(fc: FlightController, result: CheckResult, report: ProgressCallback) -> None:
        report("identity")
        result.probe = probe(fc)
        if expect_uid is not None and (result.probe.uid or "").lower() != expect_uid.lower():
            raise WrongBoard(
                f"this is board {result.probe.uid or '(no MCU id)'}, not the "
                f"confirmed board {expect_uid}: nothing was changed"
            )
        report("apply")
        with CliSession(fc, timeout=cli_timeout, reboot_timeout=reboot_timeout) as cli:
            own = _own_lines(cli.diff_all(), ignore)
            refused = cli.apply(typed + own)
            report("save")
            save_refused: str | None = None
            try:
                cli.leave(save=True)
            except CliError as error:
                save_refused = error.message
                cli.leave(reboot=True)  # drop what was typed: the board runs as it was
        saved = save_refused is None
        measurements = [
            Measurement.judged(
                "refused_lines",
                len(refused),
                LimitSpec(LimitKind.NONE, (), "lines"),
                not refused,
                "\n".join(refused),  # the lines themselves: configuration, not words
            ),
            Measurement.judged(
                "saved",
                saved,
                LimitSpec(LimitKind.IS, (True,)),
                saved,
                None if saved else DetailSpec(DetailKind.SAVE_REFUSED, (save_refused,)),
            ),
        ]
        report("config_diff")
        if saved:
            with CliSession(fc, timeout=cli_timeout, reboot_timeout=reboot_timeout) as cli:
                actual = cli.diff_all()
            result.config_changes = compare(
                parse_diff(actual), parse_diff(golden_text), tuple(ignore)
            )
            evidence = dataclasses.replace(
                evidence_from(result.probe), config_changes=tuple(result.config_changes)
            )
            measurements += judge(evidence, limits, _CONFIG_DIFF_CHECK)
        result.measurements = measurements

    return run_on_board(
        url, limits, body, progress=progress, timeout=timeout, transcript=transcript
    )


def read_golden(
    url: str,
    *,
    progress: ProgressCallback | None = None,
    timeout: float = 0.5,
    transcript: Transcript | None = None,
) -> tuple[CheckResult, str | None]:
    """Read the `diff all` of a board known to be good: (the run, the text read; None when the
    run could not read it). Nothing is judged: the run has no measurements, and the probe says
    which board it was."""
    read: list[str] = []

    def body(fc: FlightController, result: CheckResult, report: ProgressCallback) -> None:
        report("identity")
        result.probe = probe(fc)
        report("config_diff")
        cli_timeout, reboot_timeout = cli_timeouts(timeout)
        with CliSession(fc, timeout=cli_timeout, reboot_timeout=reboot_timeout) as cli:
            read.append(cli.diff_all())

    result = run_on_board(
        url, DEFAULT_LIMITS, body, progress=progress, timeout=timeout, transcript=transcript
    )
    return result, read[0] if read else None
