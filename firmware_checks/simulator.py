"""A flight controller in software, answering MSP v1/v2 and the CLI the way Betaflight does.

For tests, the bench demo and the benchmark; see tests/fixtures/firmware/ for what real firmware
says. The parts:
- sim_profiles.py: PROFILES (firmware flavours, the healthy bench quad, named faults);
- sim_settings.py, sim_data/: settings with their defaults, for `get`, `set`, `diff all`;
- sim_cli.py, sim_cli_text.py: the CLI and its texts; sim_answers.py: the MSP payloads;
- sim_fc.py: the serial loop, bytes in and out (no I/O);
- sim_transport.py: SimulatorServer (TCP, like Betaflight SITL) and serve_pty (POSIX).

    with SimulatorServer(profile="noisy_gyro") as server:   # 127.0.0.1, a free port
        fc = FlightController.open(server.url)

Each simulator is one board: `uid=uid_for("UNIT-0042")` gives it its own MCU unique id.
"""

from __future__ import annotations

from .sim_fc import DEFAULT_SEED, LinkEvent, Output, SimulatedFlightController, Uid, uid_for
from .sim_profiles import (
    FAULTS,
    FLAVOURS,
    PROFILES,
    Bench,
    Flavour,
    LinkFault,
    Profile,
    get_profile,
)
from .sim_transport import PtySimulator, SimulatorServer, serve_pty


def diff_all_text(profile: str | Profile = "healthy") -> str:
    """What `diff all` prints on a freshly booted board of this profile (no echo, no prompt)."""
    return SimulatedFlightController(profile).diff_all()


__all__ = [
    "DEFAULT_SEED", "FAULTS", "FLAVOURS", "PROFILES", "Bench", "Flavour", "LinkEvent", "LinkFault",
    "Output", "Profile", "PtySimulator", "SimulatedFlightController", "SimulatorServer", "Uid",
    "diff_all_text", "get_profile", "serve_pty", "uid_for",
]  # fmt: skip
