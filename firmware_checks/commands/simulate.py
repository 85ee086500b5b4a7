"""`simulate`: a flight controller in software, served on TCP like Betaflight SITL."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from . import EXIT_OK, CouldNot


def listen_address(value: str) -> tuple[str, int]:
    """An argparse type: HOST:PORT."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (e.g. 127.0.0.1:5761), not {value!r}")
    return host.strip("[]"), int(port)


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("simulate", help="a flight controller in software, on TCP")
    parser.add_argument(
        "--listen",
        type=listen_address,
        default=("127.0.0.1", 5761),
        metavar="HOST:PORT",
        help="where to listen (port 0: any free port)",
    )
    parser.add_argument(
        "--profile",
        default="healthy",
        help="healthy (default), a fault (no_gyro, noisy_gyro, ...), a firmware "
        "(betaflight-4.5, inav-9, ...) or FIRMWARE+FAULT",
    )
    parser.add_argument(
        "--realistic-timing",
        action="store_true",
        help="answer at Betaflight's pace (one MSP request per 10 ms)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..simulator import SimulatorServer  # only this command needs it

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
