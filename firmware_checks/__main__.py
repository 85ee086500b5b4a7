"""`python -m firmware_checks ports | simulate | probe | check | identify`: the bench station's
command line.

Each command is a module of commands/; this one builds the parser and dispatches. Exit codes:
0 done (probe read the board, check passed, identify found the unit), 1 check failed or no unit
has the board, 2 could not (no port, no answer, protocol error, link lost, bad arguments), each
with one line on stderr saying why; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .commands import EXIT_COULD_NOT, CouldNot, check, identify, ports, probe, simulate

EPILOG = """\
examples:
  python -m firmware_checks ports                      # flight controllers found on USB
  python -m firmware_checks simulate --listen 127.0.0.1:5761 --profile noisy_gyro
  python -m firmware_checks probe --port socket://127.0.0.1:5761 --json
  python -m firmware_checks check --port /dev/ttyACM0 --limits limits.toml --golden golden-diff.txt
  python -m firmware_checks check /dev/ttyACM0 --unit FPV7-2026-00042 --post http://workshop:5000 --token TOKEN
  python -m firmware_checks identify /dev/ttyACM0 --post http://workshop:5000 --token TOKEN

exit codes:
  0  pass: probe read the flight controller, check passed, identify printed the unit's serial
     (ports, simulate: done)
  1  fail: check measured something out of limits; identify: no unit has this board
  2  could not test: no port, no answer, protocol error, link lost, bad arguments
     (one line on stderr says why)
"""  # noqa: E501 - whole example command lines, to copy from --help


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m firmware_checks",
        description="Ask a Betaflight/INAV flight controller what it is and whether it is fit.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (ports, simulate, probe, check, identify):
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("probe", "check", "identify"):
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
