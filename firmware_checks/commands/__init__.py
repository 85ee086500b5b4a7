"""The commands of `python -m firmware_checks`, one module each; what they share is here.

Each command module has `add_parser(commands)` (its arguments, its handler) and `run(args)`.
Exit codes: 0 done (probe read the board, check passed), 1 check failed, 2 could not (no port,
no answer, protocol error, link lost, bad arguments), each with one line on stderr saying why.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_COULD_NOT = 0, 1, 2


class CouldNot(Exception):
    """Ends a command with exit code 2 and this sentence on stderr."""


def print_json(document: Any) -> None:
    print(json.dumps(document, indent=2, ensure_ascii=False))


def say(message: str) -> None:
    """One line for the person at the station, on stderr (stdout may be JSON)."""
    print(message, file=sys.stderr)


def text(value: Any) -> str:
    """A value as a table cell: "-" for nothing, lists comma-separated, numbers short."""
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as aligned columns, two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def positive_seconds(value: str) -> float:
    """An argparse type: a positive number of seconds."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {value!r}")
    return seconds


def add_port_arguments(parser: argparse.ArgumentParser, *, timeout_help: str) -> None:
    """PORT (or --port), --json and --timeout: what probe and check both take."""
    parser.add_argument(
        "port_argument",
        nargs="?",
        metavar="PORT",
        help="/dev/ttyACM0, COM5, socket://127.0.0.1:5761, ... (or --port)",
    )
    parser.add_argument("--port", metavar="URL", help="the same as PORT")
    parser.add_argument(
        "--json", action="store_true", help="one JSON document, with the transcript"
    )
    parser.add_argument(
        "--timeout", type=positive_seconds, default=0.5, metavar="S", help=timeout_help
    )
