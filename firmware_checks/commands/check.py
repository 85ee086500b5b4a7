"""`check`: probe a flight controller, judge it against limits (and a golden `diff all`), print
the verdict; with --post, judged by the workshop's limits for a unit and recorded there."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..bench_run import read_identity, run_check
from ..config_diff import parse_diff, render_changes
from ..limits import DEFAULT_LIMITS, Limits, LimitsError, load_limits
from ..run_document import Measurement, RunDocument, RunKind, Verdict
from ..station import StationError, fetch_judging, post_run
from . import CouldNot, add_port_arguments, print_json, say, table, text

#: Where a bench station may keep its token instead of the command line (which others can see).
TOKEN_VARIABLE = "FIRMWARE_CHECKS_TOKEN"

CHECK_EPILOG = """\
--timeout is per MSP answer; the CLI stage (--golden) waits max(4 x timeout, 1 s) for the CLI
to answer and max(20 x timeout, 4 s) for the board to come back after a reboot.

With --post (a bench station): the limits, golden configuration and kind of run (identity at
the flashing stage, bench at the bench-test stage) come from the workshop for --unit, and the
run is recorded there; exit code 2 also when it could not be recorded.

exit codes: 0 pass, 1 fail, 2 could not test (with the reason on stderr).
"""


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "check",
        help="probe, then judge it against limits",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=CHECK_EPILOG,
    )
    add_port_arguments(
        parser,
        timeout_help="seconds to wait for each MSP answer (default 0.5); the CLI waits derive "
        "from it",
    )
    parser.add_argument("--limits", metavar="FILE", help="TOML limits (default: bench defaults)")
    parser.add_argument("--golden", metavar="FILE", help="golden `diff all` to compare with")
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="PATTERN",
        help="also ignore config lines matching this glob (or re:REGEX)",
    )
    station = parser.add_argument_group(
        "bench station", "judge by the workshop's limits for a unit and record the run there"
    )
    station.add_argument("--post", metavar="URL", help="the workshop, e.g. http://workshop:5000")
    station.add_argument("--unit", metavar="SERIAL", help="the unit's serial number")
    station.add_argument(
        "--token", metavar="TOKEN", help=f"the station's token (default: ${TOKEN_VARIABLE})"
    )
    parser.set_defaults(handler=run)


def _measurement_row(m: Measurement) -> tuple[str, ...]:
    return (m.name, text(m.value), m.unit, m.limit, "PASS" if m.passed else "FAIL")


def render_check(run: RunDocument) -> str:
    lines: list[str] = []
    if run.probe is not None:
        p = run.probe
        lines.append(
            f"{run.url}: {p.get('variant')} {p.get('version')} on {p.get('board_id')} / "
            f"{p.get('target')}" + (f", MCU id {run.board_uid}" if run.board_uid else "")
        )
    if run.measurements:
        rows: list[tuple[str, ...]] = [("MEASUREMENT", "VALUE", "UNIT", "LIMIT", "RESULT")]
        rows += [_measurement_row(m) for m in run.measurements]
        aligned = table(rows)
        lines.append(aligned[0])
        for m, line in zip(run.measurements, aligned[1:], strict=True):
            lines.append(line)
            if not m.passed and m.detail and m.name != "config_diff":
                lines.append(f"    {m.detail}")
    if run.config_changes:
        lines.append("configuration differences from golden:")
        lines.append(render_changes(run.config_changes))
    verdict = "could not test" if run.verdict is Verdict.ERROR else run.verdict.upper()
    lines.append(f"verdict: {verdict}: {run.reason}")
    return "\n".join(lines)


def _limits(args: argparse.Namespace) -> Limits:
    limits = DEFAULT_LIMITS
    if args.limits:
        try:
            limits = load_limits(args.limits)
        except LimitsError as error:
            raise CouldNot(str(error)) from error
    if args.ignore:
        ignore = limits.config.ignore + tuple(args.ignore)
        limits = dataclasses.replace(
            limits, config=dataclasses.replace(limits.config, ignore=ignore)
        )
    return limits


def _golden(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        golden = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise CouldNot(f"cannot read golden diff {path}: {error.strerror or error}") from error
    if not parse_diff(golden).settings():
        # An empty or wrong file would report every setting of the board as "extra".
        raise CouldNot(f"golden diff {path} has no settings (expected the output of `diff all`)")
    return golden


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    def progress(step: str) -> None:
        print(f"... {step}", file=sys.stderr, flush=True)

    return progress if sys.stderr.isatty() and not args.json else None


def run(args: argparse.Namespace) -> int:
    if args.post:
        return _station_check(args)
    limits, golden = _limits(args), _golden(args.golden)
    result = run_check(
        args.port, limits, golden, progress=_progress(args), timeout=args.timeout, on_cli=say
    )
    return _report_check(args, result.document())


def _station_check(args: argparse.Namespace) -> int:
    """Judged by the workshop's limits and golden for the unit; the run is posted back to it."""
    if args.limits or args.golden or args.ignore:
        raise CouldNot(
            "with --post the workshop's limits and golden configuration are used: "
            "leave out --limits, --golden and --ignore"
        )
    token = args.token or os.environ.get(TOKEN_VARIABLE, "")
    if not args.unit or not token:
        raise CouldNot(f"--post needs --unit SERIAL and --token TOKEN (or {TOKEN_VARIABLE})")
    try:
        judging = fetch_judging(args.post, args.unit, token)
    except StationError as error:
        raise CouldNot(str(error)) from error
    if judging.kind is RunKind.IDENTITY:
        result = read_identity(
            args.port, judging.limits, progress=_progress(args), timeout=args.timeout
        )
    else:
        result = run_check(
            args.port,
            judging.limits,
            judging.golden,
            progress=_progress(args),
            timeout=args.timeout,
            on_cli=say,
        )
    run = result.document()
    try:
        answer = post_run(args.post, judging, run, token)
    except StationError as error:
        _report_check(args, run, quiet=True)
        raise CouldNot(f"the run was not recorded: {error}") from error
    print(
        f"recorded as run {answer.get('id')} of unit {args.unit}"
        + (f": {answer['unit_url']}" if answer.get("unit_url") else ""),
        file=sys.stderr,
    )
    return _report_check(args, run)


def _report_check(args: argparse.Namespace, run: RunDocument, *, quiet: bool = False) -> int:
    """Print the run; exit code 0 pass, 1 fail, CouldNot (2) for could not test."""
    if args.json:
        print_json(run.to_json())
    else:
        print(render_check(run))
    if quiet:
        return run.exit_code
    if run.verdict is Verdict.ERROR:
        raise CouldNot(f"could not test {args.port}: {run.reason}")
    if run.verdict is Verdict.FAIL:
        print(f"check: FAIL: {run.reason}", file=sys.stderr)
    return run.exit_code
