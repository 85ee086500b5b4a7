"""Ways to reach the simulated flight controller: a TCP server (like Betaflight SITL) and a pty.

Both run the same loop: wait for bytes or for the next run of the serial task, let the
SimulatedFlightController process them, send what it answers, and act on a reboot or a dropped
link. With `realistic_timing`, a Betaflight flavour answers at most one MSP request per 10 ms
run of its serial task, at a fixed phase, as the firmware does; without it, at once.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Self

from .flight_controller import DEFAULT_SEED, LinkEvent, SimulatedFlightController, UniqueIdWords
from .profiles import Profile

IDLE_POLL_S = 0.05  # how often an idle loop looks at the stop flag
READ_SIZE = 4096


class _TaskClock:
    """Betaflight's serial task: runs every period at a fixed phase (at once when period is 0).

    Input that arrives between two runs waits for the next one; the firmware answers one
    request a run, so a client asking one request at a time gets one answer a period.
    """

    def __init__(self, period_s: float) -> None:
        self.period = period_s
        self._next = time.monotonic()

    def wait_s(self, has_input: bool) -> float:
        """How long the loop may wait for bytes: until the next run if there is work queued."""
        if not self.period or not has_input:
            return IDLE_POLL_S
        return max(0.0, self._next - time.monotonic())

    def input_arrived(self) -> None:
        """Bytes came into an empty queue: they are handled at the first run from now on."""
        if self.period:
            now = time.monotonic()
            if self._next < now:
                self._next += -(-(now - self._next) // self.period) * self.period

    def due(self) -> bool:
        """True when a run is due now; then schedules the next one."""
        if not self.period:
            return True
        now = time.monotonic()
        if now < self._next:
            return False
        self._next += (int((now - self._next) / self.period) + 1) * self.period
        return True


class _Serving:
    """What both transports share: the flight controller, the clock, the stop flag."""

    def __init__(
        self,
        profile: str | Profile,
        realistic_timing: bool,
        boot_time: float,
        seed: int,
        uid: UniqueIdWords | None = None,
    ) -> None:
        self.fc = SimulatedFlightController(profile, seed=seed, uid=uid)
        self.realistic_timing = realistic_timing
        self.boot_time = boot_time
        period = self.fc.profile.flavour.task_period_s if realistic_timing else 0.0
        self._clock = _TaskClock(period)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run_io(
        self, readable: Callable[[float], bytes | None], send: Callable[[bytes], None]
    ) -> LinkEvent | None:
        """Serve one connection until it closes (None) or the flight controller acts (event)."""
        while not self._stop.is_set():
            data = readable(self._clock.wait_s(self.fc.has_input))
            if data is None:
                return None
            if data:
                if not self.fc.has_input:
                    self._clock.input_arrived()
                self.fc.feed(data)
            if not self.fc.has_input or not self._clock.due():
                continue
            output = self.fc.process(max_requests=1 if self._clock.period else None)
            if output.data:
                send(output.data)
            if output.event is not None:
                return output.event
        return None

    def _start_thread(self, target: Callable[[], None], name: str) -> None:
        self._thread = threading.Thread(target=target, name=name, daemon=True)
        self._thread.start()

    def _join(self) -> None:
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


class SimulatorServer(_Serving):
    """The simulator on TCP, one client at a time; open it with pyserial as `url`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        profile: str | Profile = "healthy",
        *,
        realistic_timing: bool = False,
        boot_time: float = 0.2,
        seed: int = DEFAULT_SEED,
        uid: UniqueIdWords | None = None,
    ) -> None:
        super().__init__(profile, realistic_timing, boot_time, seed, uid)
        self._host, self._port = host, port
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self.connections = 0  # clients accepted so far

    @property
    def address(self) -> tuple[str, int]:
        return (self._host, self._port)

    @property
    def url(self) -> str:
        return f"socket://{self._host}:{self._port}"

    def start(self) -> Self:
        """Listen and serve in a daemon thread; returns self once connections are accepted."""
        self._listen()
        self._start_thread(self.serve_forever, f"simulator-{self._port}")
        return self

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self._host, self._port))
        listener.listen(1)
        self._port = listener.getsockname()[1]  # keep the port across reboots
        self._listener = listener

    def serve_forever(self) -> None:
        """Accept and serve clients until stop() (start() runs this in a thread)."""
        if self._listener is None:
            self._listen()
        while not self._stop.is_set():
            listener = self._listener
            if listener is None:
                return
            try:
                ready, _, _ = select.select([listener], [], [], IDLE_POLL_S)
                if not ready:
                    continue
                client, _ = listener.accept()
            except OSError:
                continue  # the listener was closed by stop() or a reboot
            self.connections += 1
            self._serve_client(client)

    def _serve_client(self, client: socket.socket) -> None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._client = client

        def readable(timeout: float) -> bytes | None:
            ready, _, _ = select.select([client], [], [], timeout)
            if not ready:
                return b""
            try:
                return client.recv(READ_SIZE) or None
            except OSError:
                return None

        try:
            event = self._run_io(readable, client.sendall)
        except OSError:
            event = None  # the client went away while we were sending
        finally:
            self._client = None
            _close(client)
        if event is LinkEvent.REBOOT:
            self._reboot()
        else:
            self.fc.link_lost()

    def _reboot(self) -> None:
        """Like a USB board restarting: the port is gone for boot_time, then back."""
        if self._listener is not None:
            _close(self._listener)
            self._listener = None
        self._stop.wait(self.boot_time)
        self.fc.boot()
        while not self._stop.is_set():
            try:
                self._listen()
                return
            except OSError:
                self._stop.wait(IDLE_POLL_S)  # the old socket may linger a moment

    def stop(self) -> None:
        """Stop serving and close every socket; safe to call twice."""
        self._stop.set()
        for sock in (self._client, self._listener):
            if sock is not None:
                _close(sock)
        self._listener = None
        self._join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class PtySimulator(_Serving):
    """The simulator behind a pseudo-terminal (POSIX): open `path` with pyserial.

    A pty cannot go away and come back: a reboot makes it silent for boot_time and drops what
    arrived meanwhile; drops_link closes the pty for good, as a board whose cable was pulled.
    """

    def __init__(
        self,
        profile: str | Profile,
        *,
        realistic_timing: bool,
        boot_time: float,
        seed: int,
        uid: UniqueIdWords | None = None,
    ) -> None:
        super().__init__(profile, realistic_timing, boot_time, seed, uid)
        import tty  # POSIX only: imported here so firmware_checks imports on Windows

        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line editing: bytes pass as they are
        self.path = os.ttyname(self._slave)
        self.closed = False

    def start(self) -> Self:
        self._start_thread(self._serve, "simulator-pty")
        return self

    def _read(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self._master, READ_SIZE)
        except OSError:
            return b""  # no reader on the other side for a moment: not an end

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._master, view)
            view = view[written:]

    def _serve(self) -> None:
        while not self._stop.is_set():
            event = self._run_io(self._read, self._write)
            if event is LinkEvent.DROP:
                self._close_fds()
                return
            if event is LinkEvent.REBOOT:
                self._stop.wait(self.boot_time)
                self._drain()
                self.fc.boot()

    def _drain(self) -> None:
        """Drop what the host sent while the board was rebooting."""
        while self._read(0):
            pass

    def _close_fds(self) -> None:
        if not self.closed:
            self.closed = True
            for fd in (self._master, self._slave):
                with contextlib.suppress(OSError):
                    os.close(fd)

    def stop(self) -> None:
        """Stop serving and close the pty; safe to call twice."""
        self._stop.set()
        self._join()
        self._close_fds()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_pty(
    profile: str | Profile = "healthy",
    *,
    realistic_timing: bool = False,
    boot_time: float = 0.2,
    seed: int = DEFAULT_SEED,
    uid: UniqueIdWords | None = None,
) -> PtySimulator:
    """Start the simulator behind a new pseudo-terminal (POSIX only); `.path` to open, `.stop()`."""
    if os.name != "posix":
        raise OSError(
            "serve_pty needs a POSIX system (pseudo-terminals); use SimulatorServer on TCP"
        )
    return PtySimulator(
        profile, realistic_timing=realistic_timing, boot_time=boot_time, seed=seed, uid=uid
    ).start()
