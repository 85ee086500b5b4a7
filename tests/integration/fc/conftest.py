"""A volunteer at the bench with ports to real simulated flight controllers on loopback sockets."""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from firmware_checks.simulator import SimulatorServer, uid_for
from tests.helpers import login, make_drone_type, make_user
from tests.integration.support import english
from workshop.models import BenchPort, User
from workshop.services import fc_jobs, ports
from workshop.workflow import Role


@pytest.fixture
def app(app: Flask) -> Iterator[Flask]:
    """The app; the simulated boards its runs started are stopped with it."""
    yield app
    fc_jobs.runner().close()


@pytest.fixture
def volunteer(app, client) -> User:
    make_drone_type()
    person = make_user(Role.VOLUNTEER)
    login(client, person)
    english(client)
    return person


@pytest.fixture
def sim_port(app) -> Callable[[str], BenchPort]:
    """A bench port served by an in-process simulator of this profile (`sim://profile`)."""
    admin = make_user(Role.ADMIN)

    def make(profile: str) -> BenchPort:
        return ports.add_port(f"Simulator {profile}", f"sim://{profile}", admin)

    return make


@pytest.fixture
def board() -> Iterator[Callable[[str], SimulatorServer]]:
    """A simulated board of its own on a loopback socket, with the MCU id of `owner`."""
    servers: list[SimulatorServer] = []

    def make(owner: str, profile: str = "healthy") -> SimulatorServer:
        server = SimulatorServer(profile=profile, uid=uid_for(owner)).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
