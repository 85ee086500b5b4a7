"""One flight controller on one port: MSP requests one at a time, with a timeout and a bounded retry."""

from __future__ import annotations

import time
from types import TracebackType
from typing import TypeVar

import serial

from . import msp
from .commands import Cmd
from .errors import Disconnected, NoResponse, ProtocolError, UnsupportedCommand
from .transcript import Transcript
from .transport import PORT_ERRORS, open_port

#: open() sets the port's read timeout to this, so a wait ends close to its deadline; a port
#: passed in keeps its own read timeout, and a wait may overrun by up to that much.
POLL_TIMEOUT = 0.05

M = TypeVar("M")


def command_name(cmd: int) -> str:
    try:
        return Cmd(cmd).name
    except ValueError:
        return f"MSP command {cmd}"


class FlightController:
    """Asks a flight controller over MSP. Shares `port` and `transcript` with the CLI session.

    Every request starts by dropping whatever the port still holds (a late answer, CLI noise),
    so nothing from before (or from before a reconnect) is mistaken for the answer.
    """

    def __init__(
        self,
        port: serial.SerialBase,
        *,
        timeout: float = 0.5,
        retries: int = 1,
        transcript: Transcript | None = None,
    ) -> None:
        self.port = port
        self.timeout = timeout
        self.retries = retries
        self.transcript = transcript if transcript is not None else Transcript()
        self.requests_sent = 0  # every frame written, retries included
        self._decoder = msp.FrameDecoder()

    @classmethod
    def open(cls, url: str, *, timeout: float = 0.5, retries: int = 1, baudrate: int = 115200,
             transcript: Transcript | None = None) -> FlightController:  # fmt: skip
        """Open a port by URL; PortUnavailable if it cannot be opened."""
        port = open_port(url, timeout=min(timeout, POLL_TIMEOUT), baudrate=baudrate)
        return cls(port, timeout=timeout, retries=retries, transcript=transcript)

    def close(self) -> None:
        try:
            self.port.close()
        except PORT_ERRORS:
            pass  # closing a port that already went away is not an error

    def __enter__(self) -> FlightController:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def ask(self, message_type: type[M], payload: bytes = b"", *, version: int = 1) -> M:
        """Request message_type.cmd and decode the answer as message_type."""
        cmd: int = message_type.cmd  # type: ignore[attr-defined]
        return message_type.decode(self.request(cmd, payload, version=version))  # type: ignore[attr-defined, no-any-return]

    def request(self, cmd: int, payload: bytes = b"", *, version: int = 1) -> bytes:
        """Send one request and return the answer's payload.

        Commands above 255 go as MSP v2 whatever `version` says. Raises NoResponse (nothing
        valid within the timeout, after the retries), UnsupportedCommand (error frame),
        ProtocolError (only bytes that are not an answer came back), Disconnected.
        """
        if not self.port.is_open:
            raise Disconnected("the flight controller's port is closed")
        if cmd > 255:
            version = 2
        frame = msp.encode_v2(cmd, payload) if version == 2 else msp.encode_v1(cmd, payload)
        name = command_name(cmd)
        noise = 0
        for attempt in range(self.retries + 1):
            if attempt:
                self.transcript.note(f"no answer to {name} within {self.timeout:g} s; asking again")
            self._drop_stale_input()
            self._write(frame)
            answer, stray = self._await_answer(cmd)
            if answer is not None:
                if answer.is_error:
                    raise UnsupportedCommand(cmd, f"the flight controller does not support {name} (it answered with an error frame)")
                return answer.payload
            noise += stray
        tries = self.retries + 1
        if noise:
            raise ProtocolError(
                f"no valid answer to {name}: {noise} bytes came back that are not an MSP answer "
                f"(is this a flight controller, at the right baud rate?)"
            )
        raise NoResponse(f"no answer to {name} within {self.timeout:g} s ({tries} {'try' if tries == 1 else 'tries'})")

    def _await_answer(self, cmd: int) -> tuple[msp.Frame | None, int]:
        """Read until the answer to cmd (or its error frame) arrives or the timeout passes.

        Returns the frame, or None and how many bytes arrived that were not an answer.
        """
        deadline = time.monotonic() + self.timeout
        stray = 0
        while True:
            data = self._read()
            if data:
                for frame in self._decoder.feed(data):
                    if frame.cmd == cmd and frame.direction in ">!":
                        return frame, stray
                    # A request echoed by a loopback, or a late answer to an earlier command.
                    self.transcript.note(f"skipped a frame that is not the answer: {command_name(frame.cmd)} {frame.direction}")
                stray += len(self._decoder.drain_stray())
            if time.monotonic() >= deadline:
                return None, stray + len(self._decoder.pending)

    def _drop_stale_input(self) -> None:
        self._decoder = msp.FrameDecoder()
        try:
            waiting = self.port.in_waiting
            stale = self.port.read(waiting) if waiting else b""
        except PORT_ERRORS as exc:
            raise Disconnected(f"the flight controller's port went away: {exc}") from exc
        if stale:
            self.transcript.record("rx", "msp", stale)
            self.transcript.note(f"dropped {len(stale)} bytes that arrived before the request")

    def _write(self, frame: bytes) -> None:
        self.transcript.record("tx", "msp", frame)
        self.requests_sent += 1
        try:
            self.port.write(frame)
            self.port.flush()
        except PORT_ERRORS as exc:
            raise Disconnected(f"could not write to the flight controller's port: {exc}") from exc

    def _read(self) -> bytes:
        """Whatever the port has now, or what arrives within one poll interval.

        An empty read is only a quiet moment (a socket returns b"" on its timeout too); a closed
        socket or an unplugged cable shows up as an exception.
        """
        try:
            waiting = self.port.in_waiting
            data = self.port.read(waiting or 1)
        except PORT_ERRORS as exc:
            raise Disconnected(f"lost the flight controller while reading: {exc}") from exc
        if data:
            self.transcript.record("rx", "msp", data)
        return bytes(data)
