"""`probe`: read what the flight controller is and how it is, and print it."""

from __future__ import annotations

import argparse
from typing import Any

from ..client import FlightController
from ..errors import FirmwareCheckError
from ..probe import ProbeResult, probe
from ..transcript import Transcript
from ..transport import PORT_ERRORS
from . import EXIT_OK, CouldNot, add_port_arguments, print_json, say, table, text


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "probe",
        help="read what the flight controller is and how it is",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 read the flight controller, 2 could not (with the reason on stderr).",
    )
    add_port_arguments(parser, timeout_help="seconds to wait for each MSP answer (default 0.5)")
    parser.set_defaults(handler=run)


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
        ("MSP API", text(d.get("api_version"))),
        ("board", board + (f" ({extra})" if extra else "")),
        ("build", build or "-"),
        ("MCU id", text(d.get("uid"))),
        ("craft name", d.get("craft_name") or "-"),
        ("sensors", text(d.get("sensors"))),
        ("arming blocked by", text(d.get("arming_disable_flags"))),
        ("battery", battery),
        ("current", current),
        ("attitude", attitude),
        ("receiver", "-" if rc is None else f"{text(rc)} ({len(rc)} channels)"),
        ("motors", text(d.get("motors"))),
        ("ESC rpm", "not reported" if d.get("rpm") is None else text(d["rpm"])),
    ]
    rows += [
        (f"ESC {index}", _esc_text(esc)) for index, esc in enumerate(d.get("esc") or (), start=1)
    ]
    if d.get("unsupported"):
        rows.append(("not supported", text(d["unsupported"])))
    if d.get("problems"):
        rows.append(("problems", text(d["problems"])))
    return "\n".join(table(rows))


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


def run(args: argparse.Namespace) -> int:
    transcript = Transcript()
    result: ProbeResult | None = None
    reason = ""
    try:
        with FlightController.open(args.port, timeout=args.timeout, transcript=transcript) as fc:
            fc.on_cli = say
            result = probe(fc)
    except FirmwareCheckError as error:
        reason = str(error)
    except PORT_ERRORS as error:
        reason = f"lost the flight controller: {error}"
    if args.json:
        print_json(
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
