"""`identify`: read which board is plugged in (its MCU unique id) and ask the workshop which unit
it belongs to: a drone back without its label is found by its flight controller."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..bench_run import read_identity
from ..run_document import Verdict
from ..station import StationError, unit_of_board
from . import EXIT_FAIL, EXIT_OK, CouldNot, add_port_arguments, print_json
from .check import TOKEN_VARIABLE


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "identify",
        help="which unit is this flight controller? (asks the workshop)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit codes: 0 the unit's serial is printed, 1 no unit has this board, 2 could "
        "not (no port, no answer, the workshop refused), with the reason on stderr.",
    )
    add_port_arguments(parser, timeout_help="seconds to wait for each MSP answer (default 0.5)")
    parser.add_argument("--post", metavar="URL", help="the workshop, e.g. http://workshop:5000")
    parser.add_argument(
        "--token", metavar="TOKEN", help=f"the station's token (default: ${TOKEN_VARIABLE})"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get(TOKEN_VARIABLE, "")
    if not args.post or not token:
        raise CouldNot(f"identify needs --post URL and --token TOKEN (or {TOKEN_VARIABLE})")
    found = read_identity(args.port, timeout=args.timeout).document()
    if found.verdict is Verdict.ERROR:
        raise CouldNot(f"could not read {args.port}: {found.reason}")
    uid = found.board_uid
    if uid is None:
        raise CouldNot(f"the flight controller on {args.port} did not tell its unique id")
    try:
        serial = unit_of_board(args.post, uid, token)
    except StationError as error:
        raise CouldNot(str(error)) from error
    if args.json:
        print_json({"fc_uid": uid, "serial": serial})
    if serial is None:
        print(f"identify: no unit has board {uid}", file=sys.stderr)
        return EXIT_FAIL
    if not args.json:
        print(serial)
    return EXIT_OK
