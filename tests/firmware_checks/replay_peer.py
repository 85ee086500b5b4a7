"""A stand-in flight controller for client tests: answers each request with the bytes real
firmware sent for it (tests/fixtures/firmware/), over a real TCP socket or a real pty.

The recordings hold no MSP_MULTIPLE_MSP; a Betaflight stand-in answers it the way its firmware
generation does (firmware_checks.batch), from the recorded answers to each command alone."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable

from transcripts import load_exchanges

from firmware_checks.batch import BatchRules, answer_batch
from firmware_checks.msp import Cmd, Frame, FrameDecoder, encode, encode_v1

#: How each recorded firmware answers MSP_MULTIPLE_MSP (INAV: not at all, an error frame).
BATCH_RULES = {
    "betaflight-4.5.5": BatchRules.EMPTY_FOR_UNKNOWN,
    "betaflight-2025.12.5": BatchRules.ERROR_FOR_UNKNOWN,
}


def recorded_answers(firmware: str) -> dict[bytes, bytes]:
    """Request bytes -> the answer real firmware gave to them."""
    return {
        e.request: e.response
        for e in load_exchanges(firmware)
        if e.response is not None and e.test is None
    }


class ReplayPeer:
    """Answers requests from recorded bytes (an error frame where none was recorded).

    `behaviour(request_bytes, answer) -> bytes | None` may change the answer (None: say nothing;
    "close": hang up).
    """

    def __init__(
        self, firmware: str = "betaflight-4.5.5", behaviour: Callable | None = None
    ) -> None:
        self.answers = recorded_answers(firmware)
        self.batch_rules = BATCH_RULES.get(firmware)
        self.behaviour = behaviour or (lambda request, answer: answer)
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _serve(
        self, recv: Callable[[], bytes], send: Callable[[bytes], None], hang_up: Callable[[], None]
    ) -> None:
        decoder = FrameDecoder()
        while not self._stop.is_set():
            data = recv()
            if data is None:
                return
            for frame in decoder.feed(data):
                request = encode(frame)
                self.requests.append(request)
                # Firmware answers a command it does not know with an error frame.
                unknown = encode(
                    Frame(frame.version, "!", frame.cmd, b"", frame.flags, frame.tunnelled)
                )
                recorded = self.answers.get(request, unknown)
                if frame.cmd == Cmd.MSP_MULTIPLE_MSP and self.batch_rules is not None:
                    recorded = self._batch(frame) or unknown
                answer = self.behaviour(request, recorded)
                if answer == "close":
                    hang_up()
                    return
                if answer:
                    send(answer)

    def _batch(self, frame: Frame) -> bytes | None:
        """The batch answer built from what `behaviour` makes of each recorded single answer."""

        def answer_one(cmd: int) -> bytes | None:
            single = encode_v1(cmd)
            answer = self.behaviour(single, self.answers.get(single, encode_v1(cmd, direction="!")))
            frames = FrameDecoder().feed(answer) if isinstance(answer, bytes) else []
            return frames[0].payload if frames and frames[0].direction == ">" else None

        assert self.batch_rules is not None
        payload = answer_batch(frame.payload, answer_one, rules=self.batch_rules)
        return (
            None
            if payload is None
            else encode(Frame(frame.version, ">", frame.cmd, payload, frame.flags, frame.tunnelled))
        )

    # TCP, like Betaflight's SITL build: one client.
    def serve_tcp(self) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        server.settimeout(0.1)
        self._server = server

        def run() -> None:
            while not self._stop.is_set():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                conn.settimeout(0.1)

                def recv(conn: socket.socket = conn) -> bytes | None:
                    try:
                        return conn.recv(4096) or None
                    except TimeoutError:
                        return b""
                    except OSError:
                        return None

                with conn:
                    self._serve(
                        recv, conn.sendall, lambda conn=conn: conn.shutdown(socket.SHUT_RDWR)
                    )
            server.close()

        self._start(run)
        return f"socket://127.0.0.1:{server.getsockname()[1]}"

    # A pseudo-terminal, like a USB flight controller's /dev/ttyACM0.
    def serve_pty(self) -> str:
        import select
        import tty

        master, slave = os.openpty()
        tty.setraw(slave)
        path = os.ttyname(slave)
        self._fds = [master, slave]

        def recv() -> bytes | None:
            ready, _, _ = select.select([master], [], [], 0.1)
            if not ready:
                return b""
            try:
                return os.read(master, 4096)
            except OSError:
                return b""

        def hang_up() -> None:
            for fd in self._fds:
                os.close(fd)
            self._fds = []

        self._start(lambda: self._serve(recv, lambda b: os.write(master, b), hang_up))
        return path

    def _start(self, run: Callable[[], None]) -> None:
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for fd in getattr(self, "_fds", []):
            os.close(fd)
        self._fds = []
