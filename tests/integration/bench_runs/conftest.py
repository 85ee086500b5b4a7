"""A simulated flight controller on a real socket, for runs made in the test itself."""

from collections.abc import Callable, Iterator

import pytest

from firmware_checks.simulator import SimulatorServer, uid_for


@pytest.fixture
def board() -> Iterator[Callable[..., str]]:
    """A factory: board(profile="healthy", serial=None) -> the URL of a started simulator,
    its MCU id that of the unit `serial` (as a `sim://` port gives it)."""
    servers: list[SimulatorServer] = []

    def start(profile: str = "healthy", serial: str | None = None) -> str:
        uid = uid_for(serial) if serial else None
        server = SimulatorServer("127.0.0.1", 0, profile, boot_time=0.05, uid=uid).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()
