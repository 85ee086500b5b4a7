"""`ports`: the USB serial ports that look like flight controllers, and the unknown ones."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from ..transport import find_flight_controllers
from . import EXIT_OK, print_json, table


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "ports", help="USB serial ports: flight controllers (yes) and unknown ones (maybe)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON document")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    ports = find_flight_controllers(include_unknown=True)
    if args.json:
        print_json([dataclasses.asdict(p) for p in ports])
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
    print("\n".join(table(rows)))
    return EXIT_OK
