"""Fixtures that start the simulated flight controller on a real TCP socket or a real pty.

    def test_something(simulator):
        server = simulator("noisy_gyro")              # started on 127.0.0.1, a free port
        fc = FlightController.open(server.url)        # "socket://127.0.0.1:PORT"

    def test_other(pty_simulator):
        sim = pty_simulator("healthy")                # sim.path: open it with pyserial

Every simulator a test starts is stopped at teardown. Keyword options go to SimulatorServer /
serve_pty: realistic_timing, boot_time, seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from firmware_checks.simulator import Profile, PtySimulator, SimulatorServer, serve_pty

#: Reboots in tests: long enough to be seen as a gap, short enough not to slow the suite.
TEST_BOOT_TIME = 0.05


@pytest.fixture
def simulator() -> Iterator[Callable[..., SimulatorServer]]:
    """A factory: simulator(profile="healthy", **options) -> a started SimulatorServer."""
    servers: list[SimulatorServer] = []

    def start(profile: str | Profile = "healthy", **options: object) -> SimulatorServer:
        options.setdefault("boot_time", TEST_BOOT_TIME)
        server = SimulatorServer("127.0.0.1", 0, profile, **options).start()  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def pty_simulator() -> Iterator[Callable[..., PtySimulator]]:
    """A factory: pty_simulator(profile="healthy", **options) -> a started PtySimulator (POSIX)."""
    sims: list[PtySimulator] = []

    def start(profile: str | Profile = "healthy", **options: object) -> PtySimulator:
        options.setdefault("boot_time", TEST_BOOT_TIME)
        sim = serve_pty(profile, **options)  # type: ignore[arg-type]
        sims.append(sim)
        return sim

    yield start
    for sim in sims:
        sim.stop()
