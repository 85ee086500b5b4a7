"""Stand-ins for a network printer on real local sockets: one that takes jobs on a TCP port (as
port 9100 does), one that refuses, one too busy to answer."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class JobListener:
    """Accepts connections on 127.0.0.1 and keeps every byte of each one, as a printer would."""

    def __init__(self, port: int = 0) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._done = threading.Condition()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            connection, _ = self.server.accept()
            if self._stopping.is_set():
                connection.close()
                return
            with connection:
                chunks = []
                while chunk := connection.recv(65536):
                    chunks.append(chunk)
            with self._done:
                self.jobs.append(b"".join(chunks))
                self._done.notify_all()

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[bytes]:
        """The jobs once `count` have arrived whole (the sender closed its side)."""
        with self._done:
            self._done.wait_for(lambda: len(self.jobs) >= count, timeout)
        return list(self.jobs)

    def close(self) -> None:
        # A connection of our own wakes the blocked accept(); closing the socket would not.
        self._stopping.set()
        socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        self._thread.join(timeout=5)
        self.server.close()


@contextmanager
def printer_listening(port: int = 0) -> Iterator[JobListener]:
    listener = JobListener(port)
    try:
        yield listener
    finally:
        listener.close()


def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@contextmanager
def busy_printer() -> Iterator[str]:
    """An address that takes no new connection: its one-place queue is already full, so the
    kernel drops the next handshake and the sender's connect times out."""
    server = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = server.getsockname()[1]
    first = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        yield f"tcp://127.0.0.1:{port}"
    finally:
        first.close()
        server.close()
