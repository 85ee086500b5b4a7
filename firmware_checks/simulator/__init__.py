"""A flight controller in software, answering MSP v1/v2 and the CLI the way Betaflight does.

For tests, the bench demo and the benchmark; see tests/fixtures/firmware/ for what real firmware
says. The parts:
- profiles.py: PROFILES (firmware flavours, the healthy bench quad, named faults);
- settings.py, data/: settings with their defaults, for `get`, `set`, `diff all`;
- cli.py, cli_text.py: the CLI and its texts; answers.py: the MSP payloads;
- flight_controller.py: the serial loop, bytes in and out (no I/O);
- transport.py: SimulatorServer (TCP, like Betaflight SITL) and serve_pty (POSIX).

This module is the package's one entry: code outside the package (tests included) imports from
`firmware_checks.simulator` only.

    with SimulatorServer(profile="noisy_gyro") as server:   # 127.0.0.1, a free port
        fc = FlightController.open(server.url)

Each simulator is one board: `uid=uid_for("UNIT-0042")` gives it its own MCU unique id.
"""

from __future__ import annotations

from .flight_controller import (
    DEFAULT_SEED,
    LinkEvent,
    Output,
    SimulatedFlightController,
    UniqueIdWords,
    uid_for,
)
from .profiles import (
    FAULTS,
    FLAVOURS,
    PROFILES,
    Bench,
    Flavour,
    LinkFault,
    Profile,
    get_profile,
)
from .transport import PtySimulator, SimulatorServer, serve_pty


def diff_all_text(profile: str | Profile = "healthy") -> str:
    """What `diff all` prints on a freshly booted board of this profile (no echo, no prompt)."""
    return SimulatedFlightController(profile).diff_all()


__all__ = [
    "DEFAULT_SEED", "FAULTS", "FLAVOURS", "PROFILES", "Bench", "Flavour", "LinkEvent", "LinkFault",
    "Output", "Profile", "PtySimulator", "SimulatedFlightController", "SimulatorServer",
    "UniqueIdWords", "diff_all_text", "get_profile", "serve_pty", "uid_for",
]  # fmt: skip
