"""One flight controller on one port: MSP requests with a timeout and a bounded retry, one at a
time or several in one MSP_MULTIPLE_MSP batch where the firmware can."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Self

import serial

from . import msp
from .batch import BatchAnswer, batchable, encode_batch_request
from .errors import Disconnected, NoResponse, ProtocolError, UnsupportedCommand
from .msp import Cmd
from .payload import M
from .transcript import Transcript
from .transport import PORT_ERRORS, open_port

#: open() sets the port's read timeout to this, so a wait ends close to its deadline; a port
#: passed in keeps its own read timeout, and a wait may overrun by up to that much.
POLL_TIMEOUT = 0.05

#: How long the CLI may stay quiet before its answer to `exit noreboot` is taken as complete.
CLI_QUIET = 0.1

#: What a flight controller in its CLI sends back: the prompt, a refused line (Betaflight
#: `###ERROR IN ...###`, INAV `### ERROR: ...`).
_CLI_MARKS = (b"\r\n# ", b"###ERROR", b"### ERROR")


def looks_like_cli(received: bytes, request: bytes) -> bool:
    """Did a CLI, not MSP, answer `request`? Its prompt or an error line came back, or the echo of
    the request's printable characters alone (a loopback echoes the whole frame instead)."""
    if any(mark in received for mark in _CLI_MARKS) or received.endswith(b"\n# "):
        return True
    printable = bytes(b for b in request if 32 <= b <= 126)
    return len(printable) >= 3 and printable in received and request not in received


class Answers(dict[int, bytes]):
    """request_many's result: command -> answer payload, and which answers came inside a batch.

    Betaflight up to 4.5 answers a command it does not know, inside a batch, with an empty
    answer instead of an error frame: an empty answer in `batched` may mean "unsupported".
    """

    def __init__(self) -> None:
        super().__init__()
        self.batched: set[int] = set()


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
        port: serial.Serial,
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
        #: Told (one line) when a request finds the board in its CLI and leaves it.
        self.on_cli: Callable[[str], None] | None = None
        #: How long a board that reboots on leaving its CLI (INAV) may take to come back.
        self.reboot_timeout = 10.0
        #: Does the firmware answer MSP_MULTIPLE_MSP? None until a batch has been tried.
        self.batching: bool | None = None
        self._unsupported: set[int] = set()  # commands seen answered with an error frame
        self._decoder = msp.FrameDecoder()
        # Received bytes not yet in the transcript: they are recorded a whole frame at a time
        # (a socket hands them over one byte per read), and whatever is left when we stop waiting.
        self._unrecorded = bytearray()

    @classmethod
    def open(cls, url: str, *, timeout: float = 0.5, retries: int = 1, baudrate: int = 115200,
             transcript: Transcript | None = None) -> FlightController:  # fmt: skip
        """Open a port by URL; PortUnavailable if it cannot be opened."""
        port = open_port(url, timeout=min(timeout, POLL_TIMEOUT), baudrate=baudrate)
        return cls(port, timeout=timeout, retries=retries, transcript=transcript)

    def close(self) -> None:
        self._record_received()
        # Closing a port that already went away is not an error.
        with contextlib.suppress(*PORT_ERRORS):
            self.port.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def ask(self, message_type: type[M], payload: bytes = b"", *, version: int = 1) -> M:
        """Request message_type.cmd and decode the answer as message_type."""
        return message_type.decode(self.request(message_type.cmd, payload, version=version))

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
        answer, noise, received = self._attempts(cmd, frame, name)
        left_cli = False
        if answer is None and looks_like_cli(received, frame):
            # A session that lost its link inside the CLI (during `diff all`, say) left the
            # board there: it echoes MSP and answers with its prompt. Leave it, then ask again.
            self._leave_cli()
            left_cli = True
            answer, noise, _ = self._attempts(cmd, frame, name)
        if answer is not None:
            if answer.is_error:
                raise UnsupportedCommand(
                    cmd,
                    f"the flight controller does not support {name} "
                    "(it answered with an error frame)",
                )
            return answer.payload
        tries = self.retries + 1
        if left_cli:
            raise ProtocolError(
                f"no valid answer to {name}: the flight controller was in its CLI "
                "and did not answer MSP after `exit noreboot` (power-cycle it)"
            )
        if noise:
            raise ProtocolError(
                f"no valid answer to {name}: {noise} bytes came back that are not an MSP answer "
                f"(is this a flight controller, at the right baud rate?)"
            )
        raise NoResponse(
            f"no answer to {name} within {self.timeout:g} s "
            f"({tries} {'try' if tries == 1 else 'tries'})"
        )

    def _attempts(self, cmd: int, frame: bytes, name: str) -> tuple[msp.Frame | None, int, bytes]:
        """Send the frame up to 1 + retries times: the answer, or None, the count of stray bytes
        and everything that came back instead."""
        noise = 0
        received = bytearray()
        for attempt in range(self.retries + 1):
            if attempt:
                self.transcript.note(f"no answer to {name} within {self.timeout:g} s; asking again")
            received += self._drop_stale_input()
            self._write(frame)
            answer, stray, got = self._await_answer(cmd)
            received += got
            if answer is not None:
                return answer, noise, bytes(received)
            noise += stray
        return None, noise, bytes(received)

    def _leave_cli(self) -> None:
        """Send `exit noreboot` once (after a line feed that ends whatever the CLI has typed) and
        read what the CLI says until it goes quiet, at most one timeout."""
        message = "the flight controller is in its CLI; leaving it"
        self.transcript.note(message)
        if self.on_cli is not None:
            self.on_cli(message)
        text = b"\nexit noreboot\n"
        self.transcript.record("tx", "cli", text)
        try:
            self.port.write(text)
            self.port.flush()
        except PORT_ERRORS as exc:
            raise Disconnected(
                f"lost the flight controller while writing to its port: {exc}"
            ) from exc
        deadline = time.monotonic() + max(self.timeout, 2 * CLI_QUIET)
        quiet_since = time.monotonic()
        said = bytearray()
        rebooting = False
        while time.monotonic() < deadline and time.monotonic() - quiet_since < CLI_QUIET:
            try:
                data = self._read()
            except Disconnected:
                rebooting = True  # the port went away under us: the board restarts
                break
            if data:
                said += data
                quiet_since = time.monotonic()
        if said:
            self.transcript.record("rx", "cli", bytes(said))
        if rebooting or b"Rebooting" in said:  # INAV reboots on any `exit`
            self._reopen_after_reboot()
        self._decoder = msp.FrameDecoder()

    def request_many(self, cmds: Iterable[int]) -> Answers:
        """Answers to several commands without arguments, in as few requests as possible.

        v1 commands go in MSP_MULTIPLE_MSP batches, asked again for the ones that did not fit in
        the flight controller's output buffer; v2 commands, and every command on firmware that
        answers the batch with an error frame (INAV), go one at a time. A command the flight
        controller answers with an error frame is left out of the result. NoResponse,
        ProtocolError (a garbled batch answer included) and Disconnected end it, as in request().
        """
        wanted = [cmd for cmd in dict.fromkeys(cmds) if cmd not in self._unsupported]
        answers = Answers()
        pending = [cmd for cmd in wanted if batchable(cmd) and cmd != Cmd.MSP_MULTIPLE_MSP]
        # One command needs no batch: a plain request is as fast and never ambiguous.
        while len(pending) > 1 and self.batching is not False:
            try:
                payload = self.request(Cmd.MSP_MULTIPLE_MSP, encode_batch_request(pending))
            except UnsupportedCommand:
                self._batch_refused(pending, answers)
                pending = []
                break
            batch = BatchAnswer.decode(pending, payload)
            self.batching = True
            answers.update(batch.answers)
            answers.batched.update(cmd for cmd, _ in batch.answers)
            if batch.answers:
                pending = list(batch.left_out)
            else:  # not even the first answer fits in the output buffer: it goes alone
                self._ask_alone(pending[0], answers)
                pending = pending[1:]
        for cmd in wanted:  # what no batch answered: v2 commands, leftovers, no batching
            if cmd not in answers and cmd not in self._unsupported:
                self._ask_alone(cmd, answers)
        return answers

    def _batch_refused(self, cmds: list[int], answers: Answers) -> None:
        """An error frame for a batch: no batching (INAV), or one command in it is unknown
        (Betaflight 2025.12 refuses the whole batch then). Asking each alone tells which."""
        for cmd in cmds:
            self._ask_alone(cmd, answers)
        if all(cmd in answers for cmd in cmds):
            self.batching = False
            self.transcript.note(
                "the flight controller does not answer MSP_MULTIPLE_MSP; "
                "asking one command at a time"
            )
        else:
            unknown = ", ".join(command_name(cmd) for cmd in cmds if cmd not in answers)
            self.transcript.note(
                "MSP_MULTIPLE_MSP refused because of a command the flight controller "
                f"does not know: {unknown}"
            )

    def _ask_alone(self, cmd: int, answers: Answers) -> None:
        try:
            answers[cmd] = self.request(cmd)
        except UnsupportedCommand:
            self._unsupported.add(cmd)

    def _await_answer(self, cmd: int) -> tuple[msp.Frame | None, int, bytes]:
        """Read until the answer to cmd (or its error frame) arrives or the timeout passes.

        Returns the frame, or None; how many bytes arrived that were not an answer; and every
        byte that arrived.
        """
        deadline = time.monotonic() + self.timeout
        stray = 0
        got = bytearray()
        while True:
            data = self._read()
            if data:
                got += data
                self._unrecorded += data
                frames = self._decoder.feed(data)
                if frames:
                    self._record_received(keep=len(self._decoder.pending))
                answer = None
                for frame in frames:
                    if answer is None and frame.cmd == cmd and frame.direction in ">!":
                        answer = frame
                    else:  # a request echoed by a loopback, or a late answer to an earlier one
                        self.transcript.note(
                            "skipped a frame that is not the answer: "
                            f"{command_name(frame.cmd)} {frame.direction}"
                        )
                stray += len(self._decoder.drain_stray())
                if answer is not None:
                    return answer, stray, bytes(got)
            if time.monotonic() >= deadline:
                self._record_received()
                return None, stray + len(self._decoder.pending), bytes(got)

    def _record_received(self, keep: int = 0) -> None:
        """Put the received bytes in the transcript as one entry, all but the last `keep`."""
        upto = len(self._unrecorded) - keep
        if upto > 0:
            self.transcript.record("rx", "msp", bytes(self._unrecorded[:upto]))
            del self._unrecorded[:upto]

    def _reopen_after_reboot(self) -> None:
        """Close the port and open it again until it opens, at most reboot_timeout."""
        self.transcript.note("the flight controller reboots: closing the port, reopening it")
        deadline = time.monotonic() + self.reboot_timeout
        while True:
            try:
                self.port.close()
                self.port.open()
                return
            except PORT_ERRORS as exc:
                if time.monotonic() >= deadline:
                    raise Disconnected(
                        f"the flight controller did not come back within "
                        f"{self.reboot_timeout:g} s after leaving its CLI ({exc})"
                    ) from exc
            time.sleep(0.2)

    def _drop_stale_input(self) -> bytes:
        self._record_received()  # the tail of the last read, after its answer
        self._decoder = msp.FrameDecoder()
        try:
            waiting = self.port.in_waiting
            stale = self.port.read(waiting) if waiting else b""
        except PORT_ERRORS as exc:
            raise Disconnected(f"the flight controller's port went away: {exc}") from exc
        if stale:
            self.transcript.record("rx", "msp", stale)
            self.transcript.note(f"dropped {len(stale)} bytes that arrived before the request")
        return bytes(stale)

    def _write(self, frame: bytes) -> None:
        self.transcript.record("tx", "msp", frame)
        self.requests_sent += 1
        try:
            self.port.write(frame)
            self.port.flush()
        except PORT_ERRORS as exc:
            raise Disconnected(
                f"lost the flight controller while writing to its port: {exc}"
            ) from exc

    def _read(self) -> bytes:
        """Whatever the port has now, or what arrives within one poll interval.

        An empty read is only a quiet moment (a socket returns b"" on its timeout too); a closed
        socket or an unplugged cable shows up as an exception.
        """
        try:
            waiting = self.port.in_waiting
            data = self.port.read(waiting or 1)
        except PORT_ERRORS as exc:
            self._record_received()  # what came before the link went is evidence too
            raise Disconnected(f"lost the flight controller while reading: {exc}") from exc
        return bytes(data)
