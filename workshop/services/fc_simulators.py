"""Simulated flight controllers behind `sim://<profile>` bench ports: one board per unit (its
MCU id derived from the serial), started on first use and kept for the life of the app, like a
board left on a bench. The board plugged into a port is the one used there last; before any,
a blank board that no unit has."""

import threading

from firmware_checks.simulator import SimulatorServer, uid_for

#: The name a port's first board is made from: no unit has its MCU id.
BLANK = "blank board"


class SimulatedBoards:
    """The simulated boards of one app, by (port URL, unit serial)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._servers: dict[tuple[str, str], SimulatorServer] = {}
        #: Port URL -> the serial whose board was used there last: the one plugged in now.
        self._plugged: dict[str, str] = {}

    def url_for(self, port_url: str, profile: str, serial: str) -> str:
        """The pyserial URL of the unit's board on this port, started now if it is not yet;
        it is the board plugged into the port from now on."""
        key = (port_url, serial)
        with self._lock:
            server = self._servers.get(key)
            if server is None:
                server = SimulatorServer(profile=profile, uid=uid_for(serial)).start()
                self._servers[key] = server
            self._plugged[port_url] = serial
        return server.url

    def plugged(self, port_url: str, profile: str) -> str:
        """The pyserial URL of the board plugged into this port: the one used there last, or a
        blank board no unit has."""
        with self._lock:
            serial = self._plugged.get(port_url, BLANK)
        return self.url_for(port_url, profile, serial)

    def running(self, port_url: str, serial: str) -> str | None:
        """The URL of the unit's board on this port; None when it was never started."""
        with self._lock:
            server = self._servers.get((port_url, serial))
        return None if server is None else server.url

    def stop(self, port_url: str, serial: str) -> None:
        """Let a board go (one that hangs); the next run on it starts a fresh one."""
        with self._lock:
            server = self._servers.pop((port_url, serial), None)
        if server is not None:
            server.stop()

    def close(self) -> None:
        """Stop every board (the app is going away)."""
        with self._lock:
            servers = list(self._servers.values())
            self._servers.clear()
        for server in servers:
            server.stop()
