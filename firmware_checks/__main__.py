"""`python -m firmware_checks ports | simulate | probe | check`: the bench station's command line.

Exit codes: 0 done (probe read the board, check passed), 1 check failed, 2 could not (no port,
no answer, protocol error, link lost, bad arguments), each with one line on stderr saying why;
never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .bench_run import CheckResult, read_identity, run_check
from .checks import Measurement
from .client import FlightController
from .config_diff import parse_diff, render_changes
from .errors import FirmwareCheckError
from .limits import DEFAULT_LIMITS, Limits, LimitsError, load_limits
from .probe import ProbeResult, probe
from .station import StationError, fetch_judging, post_run
from .transcript import Transcript
from .transport import PORT_ERRORS, find_flight_controllers

EXIT_OK, EXIT_FAIL, EXIT_COULD_NOT = 0, 1, 2
#: Where a bench station may keep its token instead of the command line (which others can see).
TOKEN_VARIABLE = "FIRMWARE_CHECKS_TOKEN"


class CouldNot(Exception):
    """Ends a command with exit code 2 and this sentence on stderr."""


def _print_json(document: Any) -> None:
    print(json.dumps(document, indent=2, ensure_ascii=False))


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


# -- ports ------------------------------------------------------------------------------------


def cmd_ports(args: argparse.Namespace) -> int:
    ports = find_flight_controllers(include_unknown=True)
    if args.json:
        _print_json([dataclasses.asdict(p) for p in ports])
        return EXIT_OK
    if not ports:
        print("no USB serial port that looks like a flight controller", file=sys.stderr)
        return EXIT_OK
    rows = [("PORT", "FC?", "CHIP", "USB ID", "SERIAL", "DESCRIPTION")]
    for p in ports:
        usb_id = (
            "-"
            if p.vid is None
            else f"{p.vid:04x}:" + ("????" if p.pid is None else f"{p.pid:04x}")
        )
        rows.append(
            (
                p.device,
                "yes" if p.likely_fc else "maybe",
                p.chip or "-",
                usb_id,
                p.serial_number or "-",
                p.description,
            )
        )
    print("\n".join(_table(rows)))
    return EXIT_OK


# -- simulate ---------------------------------------------------------------------------------


def _listen_address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (e.g. 127.0.0.1:5761), not {text!r}")
    return host.strip("[]"), int(port)


def cmd_simulate(args: argparse.Namespace) -> int:
    from .simulator import SimulatorServer  # only this command needs it

    host, port = args.listen
    try:
        server = SimulatorServer(
            host, port, profile=args.profile, realistic_timing=args.realistic_timing
        ).start()
    except (KeyError, ValueError) as error:
        # The simulator's own message names the profile and lists the known ones.
        raise CouldNot(
            str(error.args[0]) if error.args else f"unknown profile {args.profile!r}"
        ) from error
    except OSError as error:
        raise CouldNot(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    stop = threading.Event()
    # SIGTERM (a supervisor, a test) stops as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda number, frame: stop.set())
    print(f"simulated flight controller ({args.profile}) listening on {server.url}", flush=True)
    try:
        while not stop.wait(0.5):  # a short wait keeps Ctrl-C responsive on Windows
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return EXIT_OK


# -- probe ------------------------------------------------------------------------------------


def render_probe(result: ProbeResult) -> str:
    d = result.to_dict()
    battery = "-"
    if d.get("battery_voltage") is not None:
        cells = f", {d['cell_count']}S" if d.get("cell_count") else ""
        state = f", {d['battery_state']}" if d.get("battery_state") else ""
        battery = f"{d['battery_voltage']:.2f} V{cells}{state}"
    current = (
        "-" if d.get("current") is None else f"{d['current']:.2f} A, {d.get('mah_drawn') or 0} mAh"
    )
    attitude = "-"
    if d.get("attitude"):
        roll, pitch, yaw = d["attitude"]
        attitude = f"roll {roll:g}, pitch {pitch:g}, yaw {yaw:g} deg"
    board = " / ".join(x for x in (d.get("board_id"), d.get("target")) if x)
    extra = ", ".join(x for x in (d.get("board_name"), d.get("manufacturer_id")) if x)
    build = " ".join(x for x in (d.get("build_date"), d.get("build_time")) if x)
    if d.get("git_revision"):
        build += f" (git {d['git_revision']})"
    rc = d.get("rc_channels")
    rows = [
        ("firmware", f"{d.get('variant')} {d.get('version')}"),
        ("MSP API", _text(d.get("api_version"))),
        ("board", board + (f" ({extra})" if extra else "")),
        ("build", build or "-"),
        ("MCU id", _text(d.get("uid"))),
        ("craft name", d.get("craft_name") or "-"),
        ("sensors", _text(d.get("sensors"))),
        ("arming blocked by", _text(d.get("arming_disable_flags"))),
        ("battery", battery),
        ("current", current),
        ("attitude", attitude),
        ("receiver", "-" if rc is None else f"{_text(rc)} ({len(rc)} channels)"),
        ("motors", _text(d.get("motors"))),
        ("ESC rpm", "not reported" if d.get("rpm") is None else _text(d["rpm"])),
    ]
    rows += [
        (f"ESC {index}", _esc_text(esc)) for index, esc in enumerate(d.get("esc") or (), start=1)
    ]
    if d.get("unsupported"):
        rows.append(("not supported", _text(d["unsupported"])))
    if d.get("problems"):
        rows.append(("problems", _text(d["problems"])))
    return "\n".join(_table(rows))


def _esc_text(esc: dict[str, Any]) -> str:
    """One motor's ESC telemetry; "-" for a field the firmware does not send (INAV: all but rpm)."""

    def field(key: str, spec: str, unit: str) -> str:
        value = esc.get(key)
        return f"{'-' if value is None else format(value, spec)} {unit}"

    return ", ".join((
        field("rpm", "d", "rpm"), "invalid " + field("invalid_percent", ".2f", "%"),
        field("temperature_c", "d", "C"), field("voltage", ".2f", "V"),
        field("current", ".2f", "A"), field("consumption_mah", "d", "mAh"),
    ))  # fmt: skip


def cmd_probe(args: argparse.Namespace) -> int:
    transcript = Transcript()
    result: ProbeResult | None = None
    reason = ""
    try:
        with FlightController.open(args.port, timeout=args.timeout, transcript=transcript) as fc:
            fc.on_cli = _say
            result = probe(fc)
    except FirmwareCheckError as error:
        reason = str(error)
    except PORT_ERRORS as error:
        reason = f"lost the flight controller: {error}"
    if args.json:
        _print_json(
            {
                "url": args.port,
                "ok": result is not None,
                "reason": reason or None,
                "probe": result.to_dict() if result else None,
                "transcript": transcript.to_list(),
            }
        )
    elif result is not None:
        print(render_probe(result))
    if result is None:
        raise CouldNot(f"could not read {args.port}: {reason}")
    return EXIT_OK


def _say(message: str) -> None:
    print(message, file=sys.stderr)


# -- check ------------------------------------------------------------------------------------


def _measurement_row(m: Measurement) -> tuple[str, ...]:
    return (m.name, _text(m.value), m.unit, m.limit, "PASS" if m.passed else "FAIL")


def render_check(result: CheckResult) -> str:
    lines: list[str] = []
    if result.probe is not None:
        p = result.probe
        lines.append(
            f"{result.url}: {p.variant} {p.version} on {p.board_id} / {p.target}"
            + (f", MCU id {p.uid}" if p.uid else "")
        )
    if result.measurements:
        rows: list[tuple[str, ...]] = [("MEASUREMENT", "VALUE", "UNIT", "LIMIT", "RESULT")]
        rows += [_measurement_row(m) for m in result.measurements]
        table = _table(rows)
        lines.append(table[0])
        for m, line in zip(result.measurements, table[1:], strict=True):
            lines.append(line)
            if not m.passed and m.detail and m.name != "config_diff":
                lines.append(f"    {m.detail}")
    if result.config_changes:
        lines.append("configuration differences from golden:")
        lines.append(render_changes(result.config_changes))
    verdict = "could not test" if result.verdict == "error" else result.verdict.upper()
    lines.append(f"verdict: {verdict}: {result.reason}")
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
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise CouldNot(f"cannot read golden diff {path}: {error.strerror or error}") from error
    if not parse_diff(text).settings():
        # An empty or wrong file would report every setting of the board as "extra".
        raise CouldNot(f"golden diff {path} has no settings (expected the output of `diff all`)")
    return text


def _progress(args: argparse.Namespace) -> Callable[[str], None] | None:
    def progress(step: str) -> None:
        print(f"... {step}", file=sys.stderr, flush=True)

    return progress if sys.stderr.isatty() and not args.json else None


def cmd_check(args: argparse.Namespace) -> int:
    if args.post:
        return _station_check(args)
    limits, golden = _limits(args), _golden(args.golden)
    result = run_check(
        args.port, limits, golden, progress=_progress(args), timeout=args.timeout, on_cli=_say
    )
    return _report_check(args, result)


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
    if judging.kind == "identity":
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
            on_cli=_say,
        )
    try:
        answer = post_run(args.post, judging, result.to_dict(), token)
    except StationError as error:
        _report_check(args, result, quiet=True)
        raise CouldNot(f"the run was not recorded: {error}") from error
    print(
        f"recorded as run {answer.get('id')} of unit {args.unit}"
        + (f": {answer['unit_url']}" if answer.get("unit_url") else ""),
        file=sys.stderr,
    )
    return _report_check(args, result)


def _report_check(args: argparse.Namespace, result: CheckResult, *, quiet: bool = False) -> int:
    """Print the result; exit code 0 pass, 1 fail, CouldNot (2) for could not test."""
    if args.json:
        _print_json(result.to_dict())
    else:
        print(render_check(result))
    if quiet:
        return result.exit_code
    if result.verdict == "error":
        raise CouldNot(f"could not test {args.port}: {result.reason}")
    if result.verdict == "fail":
        print(f"check: FAIL: {result.reason}", file=sys.stderr)
    return result.exit_code


# -- the parser -------------------------------------------------------------------------------


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return value


EPILOG = """\
examples:
  python -m firmware_checks ports                      # flight controllers found on USB
  python -m firmware_checks simulate --listen 127.0.0.1:5761 --profile noisy_gyro
  python -m firmware_checks probe --port socket://127.0.0.1:5761 --json
  python -m firmware_checks check --port /dev/ttyACM0 --limits limits.toml --golden golden-diff.txt
  python -m firmware_checks check /dev/ttyACM0 --unit FPV7-2026-00042 --post http://workshop:5000 --token TOKEN

exit codes:
  0  pass: probe read the flight controller, check passed (ports, simulate: done)
  1  fail: check measured something out of limits
  2  could not test: no port, no answer, protocol error, link lost, bad arguments
     (one line on stderr says why)
"""  # noqa: E501 - whole example command lines, to copy from --help

READ_EPILOG = "exit codes: 0 read the flight controller, 2 could not (with the reason on stderr)."

CHECK_EPILOG = """\
--timeout is per MSP answer; the CLI stage (--golden) waits max(4 x timeout, 1 s) for the CLI
to answer and max(20 x timeout, 4 s) for the board to come back after a reboot.

With --post (a bench station): the limits, golden configuration and kind of run (identity at
the flashing stage, bench at the bench-test stage) come from the workshop for --unit, and the
run is recorded there; exit code 2 also when it could not be recorded.

exit codes: 0 pass, 1 fail, 2 could not test (with the reason on stderr).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m firmware_checks",
        description="Ask a Betaflight/INAV flight controller what it is and whether it is fit.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ports = commands.add_parser(
        "ports", help="USB serial ports: flight controllers (yes) and unknown ones (maybe)"
    )
    ports.add_argument("--json", action="store_true", help="one JSON document")
    ports.set_defaults(handler=cmd_ports)

    simulate = commands.add_parser("simulate", help="a flight controller in software, on TCP")
    simulate.add_argument(
        "--listen",
        type=_listen_address,
        default=("127.0.0.1", 5761),
        metavar="HOST:PORT",
        help="where to listen (port 0: any free port)",
    )
    simulate.add_argument(
        "--profile",
        default="healthy",
        help="healthy (default), a fault (no_gyro, noisy_gyro, ...), a firmware "
        "(betaflight-4.5, inav-9, ...) or FIRMWARE+FAULT",
    )
    simulate.add_argument(
        "--realistic-timing",
        action="store_true",
        help="answer at Betaflight's pace (one MSP request per 10 ms)",
    )
    simulate.set_defaults(handler=cmd_simulate)

    for name, help_text in (
        ("probe", "read what the flight controller is and how it is"),
        ("check", "probe, then judge it against limits"),
    ):
        sub = commands.add_parser(
            name,
            help=help_text,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=CHECK_EPILOG if name == "check" else READ_EPILOG,
        )
        sub.add_argument(
            "port_argument",
            nargs="?",
            metavar="PORT",
            help="/dev/ttyACM0, COM5, socket://127.0.0.1:5761, ... (or --port)",
        )
        sub.add_argument("--port", metavar="URL", help="the same as PORT")
        sub.add_argument(
            "--json", action="store_true", help="one JSON document, with the transcript"
        )
        sub.add_argument(
            "--timeout",
            type=_positive,
            default=0.5,
            metavar="S",
            help="seconds to wait for each MSP answer (default 0.5)"
            + ("; the CLI waits derive from it" if name == "check" else ""),
        )
        if name == "check":
            sub.add_argument(
                "--limits", metavar="FILE", help="TOML limits (default: bench defaults)"
            )
            sub.add_argument("--golden", metavar="FILE", help="golden `diff all` to compare with")
            sub.add_argument(
                "--ignore",
                action="append",
                default=[],
                metavar="PATTERN",
                help="also ignore config lines matching this glob (or re:REGEX)",
            )
            station = sub.add_argument_group(
                "bench station",
                "judge by the workshop's limits for a unit and record the run there",
            )
            station.add_argument(
                "--post", metavar="URL", help="the workshop, e.g. http://workshop:5000"
            )
            station.add_argument("--unit", metavar="SERIAL", help="the unit's serial number")
            station.add_argument(
                "--token", metavar="TOKEN", help=f"the station's token (default: ${TOKEN_VARIABLE})"
            )
        sub.set_defaults(handler=cmd_check if name == "check" else cmd_probe)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("probe", "check"):
        if args.port and args.port_argument and args.port != args.port_argument:
            parser.error("give the port once: PORT or --port")
        args.port = args.port or args.port_argument
        if not args.port:
            parser.error(f"{args.command}: the port is required (PORT or --port URL)")
    try:
        return int(args.handler(args))
    except CouldNot as error:
        print(f"{args.command}: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        print(f"{args.command}: interrupted", file=sys.stderr)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_COULD_NOT
    except Exception as error:  # noqa: BLE001 - a bug of ours: still one line, never a traceback at the bench
        print(f"{args.command}: internal error ({type(error).__name__}): {error}", file=sys.stderr)
    return EXIT_COULD_NOT


if __name__ == "__main__":
    sys.exit(main())
