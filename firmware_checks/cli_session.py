"""The Betaflight/INAV command line over the MSP port: enter, run commands, leave.

Shares the FlightController's port and transcript, so one record shows the MSP frames and
the CLI lines in the order they happened. The rules come from the real firmware transcripts
(tests/fixtures/firmware/README.md):
- `#` enters the CLI; the banner ends with the prompt "\\r\\n# ".
- Input is echoed; output ends with the prompt. Comment lines of `diff all` also start with
  "# ", so the end of an answer is the prompt *followed by silence*.
- `###ERROR ...###` (Betaflight) / `### ERROR: ...` (INAV) is a refused command.
- `exit` and `save` reboot the board: the USB port goes away and comes back. `exit noreboot`
  leaves without rebooting on Betaflight; INAV reboots anyway.
- `?` and TAB inside a line ask for help/completion, and a lone `R` outside a frame reboots to
  the bootloader: none of them is ever sent.
"""

from __future__ import annotations

import contextlib
import re
import time
from types import TracebackType
from typing import TYPE_CHECKING, Self

from .errors import Disconnected, FirmwareCheckError, NoResponse, ProtocolError
from .msp import Cmd
from .transport import PORT_ERRORS

if TYPE_CHECKING:
    from .client import FlightController

PROMPT = "\r\n# "
PROMPT_POLL = 0.005  # read timeout while waiting for a prompt that ends the answer at once
_ERROR_LINE = re.compile(r"^###\s*ERROR\b.*$", re.MULTILINE)
# Commands that restart the board or leave the CLI: only leave() may do that.
_REBOOTING_COMMANDS = frozenset({"exit", "save", "bl", "dfu", "bootloader", "msc", "reboot"})
_FORBIDDEN_CHARACTERS = ("?", "\t", "\r", "\n")
# While a rebooting board comes back, any of these only means "not yet".
_RECONNECT_ERRORS: tuple[type[BaseException], ...] = (FirmwareCheckError, *PORT_ERRORS)


class CliError(ProtocolError):
    """The flight controller refused a CLI command (`###ERROR ...###`)."""

    def __init__(self, command: str, message: str) -> None:
        self.command = command
        self.message = message
        super().__init__(f"the flight controller refused `{command}`: {message}")


def check_line(line: str) -> None:
    """Raise ValueError for a line that must never be typed into the CLI."""
    bad = [c for c in _FORBIDDEN_CHARACTERS if c in line]
    if bad:
        raise ValueError(
            f"refusing to send {line!r}: it contains {bad!r} "
            "('?' and TAB ask the CLI for help; a line is one line)"
        )
    if not line.isascii() or not line.isprintable():
        raise ValueError(f"refusing to send {line!r}: only printable ASCII reaches the CLI")


def _reboots(line: str) -> bool:
    words = line.lower().split()
    if not words:
        return False
    if words[0] == "defaults":  # resets and reboots unless told not to
        return not {"nosave", "noreboot"}.intersection(words[1:])
    return words[0] in _REBOOTING_COMMANDS


class CliSession:
    """One visit to the CLI of the flight controller behind `fc`."""

    def __init__(
        self,
        fc: FlightController,
        *,
        timeout: float = 2.0,
        quiet: float = 0.1,
        reboot_timeout: float = 10.0,
        longest_answer: float = 30.0,
    ) -> None:
        self.fc = fc
        self.timeout = timeout  # for the first byte, and for any stall
        self.quiet = quiet  # silence after the prompt that ends an answer
        self.reboot_timeout = reboot_timeout  # for the port to come back after a reboot
        # A `dump` of a big configuration is ~15 kB: about 1.5 s at 115200 baud. Thirty
        # seconds of talk without a prompt is a line full of noise, not an answer.
        self.longest_answer = longest_answer
        self.active = False
        self.banner = ""

    def __enter__(self) -> Self:
        self.enter()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.active:
            return
        if kind is None or isinstance(error, CliError):
            self.leave()  # the board is talking: leave properly, waiting out a reboot
            return
        # The link failed: a board left in the CLI stops answering MSP, so ask it to leave, but
        # do not wait for an answer that is unlikely to come; the first error is the one to tell.
        self.active = False
        with contextlib.suppress(FirmwareCheckError):
            self._send("exit noreboot\n")

    # -- the wire ---------------------------------------------------------------------------

    def _send(self, text: str) -> None:
        self.fc.transcript.record("tx", "cli", text)
        try:
            self.fc.port.write(text.encode("ascii"))
            self.fc.port.flush()
        except PORT_ERRORS as error:
            raise Disconnected(f"the port went away while writing to the CLI: {error}") from error

    def _collect(
        self,
        what: str,
        *,
        want_prompt: bool = True,
        stall: float | None = None,
        quiet: float | None = None,
    ) -> str:
        """Read until the prompt and `quiet` seconds of silence (or just silence).

        Returns "" when nothing came within `timeout`; returns what came when the line stalls
        for `stall` (default `timeout`) without a prompt. Never reads longer than that after
        the last byte.
        """
        stall = self.timeout if stall is None else stall
        quiet = self.quiet if quiet is None else quiet
        port = self.fc.port
        received = bytearray()
        pending = ""  # text of an unfinished line, recorded when it ends
        saved_timeout = port.timeout
        start = last = time.monotonic()
        try:
            # Each read waits this long (pyserial fills its buffer until the timeout): short when
            # the prompt alone ends the answer, so a line costs little more than its round trip.
            port.timeout = min(quiet / 5, 0.02) if quiet else PROMPT_POLL
            while True:
                try:
                    chunk = port.read(4096)
                except PORT_ERRORS as error:
                    raise Disconnected(f"the port went away while {what}: {error}") from error
                now = time.monotonic()
                if now - start > self.longest_answer:
                    raise ProtocolError(
                        f"no CLI prompt within {self.longest_answer:g} s while "
                        f"{what}: the line never went quiet"
                    )
                if chunk:
                    received += chunk
                    last = now
                    *lines, pending = (pending + chunk.decode("latin-1")).split("\n")
                    for line in lines:
                        self.fc.transcript.record("rx", "cli", line + "\n")
                    if not quiet and want_prompt and received.endswith(PROMPT.encode()):
                        break
                    continue
                silent = now - last
                ended = received.endswith(PROMPT.encode()) or not want_prompt
                if received and ended and silent >= quiet:
                    break
                if silent >= (stall if received else self.timeout):
                    break
        finally:
            if pending:
                self.fc.transcript.record("rx", "cli", pending)
            # If the port is gone, whoever uses it next will say so.
            with contextlib.suppress(*PORT_ERRORS):
                port.timeout = saved_timeout
        return received.decode("latin-1")

    # -- the session ------------------------------------------------------------------------

    def enter(self) -> str:
        """Send `#` and read the banner to the prompt; returns the banner."""
        try:
            self.fc.port.reset_input_buffer()  # stale MSP bytes must not look like an answer
        except PORT_ERRORS as error:
            raise Disconnected(f"the port went away before entering the CLI: {error}") from error
        self._send("#")
        # The banner comes in one piece; a lone echoed '#' need not be waited on for long.
        text = self._collect("entering the CLI", stall=5 * self.quiet)
        if text.strip() == "#":
            # Already in the CLI (a session left open): our '#' started a comment line.
            self._send("\n")
            text += self._collect("entering the CLI")
        if not text:
            raise NoResponse("no answer to '#': the flight controller did not enter its CLI")
        if not text.endswith(PROMPT):
            raise ProtocolError(f"no CLI prompt after '#'; it answered {text[-80:]!r}")
        self.active = True
        self.banner = text[: -len(PROMPT)].strip()
        return self.banner

    def _require_active(self) -> None:
        if not self.active:
            raise RuntimeError("enter() the CLI first")

    def run(self, command: str, *, prompt_ends: bool = False) -> str:
        """Run one command; its output without the echo and the prompt, lines ending '\\n'.

        With `prompt_ends`, the prompt ends the answer at once, without waiting for silence:
        right for commands whose output has no line starting "# " (`set`, `feature`, ...).
        """
        self._require_active()
        check_line(command)  # before any stripping: a trailing TAB is a request for completion
        command = command.strip(" ")
        if not command:
            raise ValueError("empty command")
        if _reboots(command):
            raise ValueError(f"`{command}` would leave the CLI or reboot the board; use leave()")
        self._send(command + "\n")
        text = self._collect(
            f"waiting for the answer to `{command}`", quiet=0.0 if prompt_ends else None
        )
        if not text:
            raise NoResponse(f"no answer to `{command}` within {self.timeout:g} s")
        if not text.endswith(PROMPT):
            raise ProtocolError(
                f"the answer to `{command}` did not end with the CLI prompt: {text[-80:]!r}"
            )
        output = text[: -len(PROMPT)]
        first, _, rest = output.partition("\r\n")
        if first.strip() == command or command.startswith(first.strip()):
            output = rest  # the echo of what we typed
        output = output.replace("\r\n", "\n").strip("\n")
        error = _ERROR_LINE.search(output)
        if error:
            raise CliError(command, error[0].strip("# ").strip())
        return output

    def diff_all(self) -> str:
        """The `diff all` text: every setting that differs from the firmware's defaults."""
        return self.run("diff all")

    def apply(self, lines: list[str]) -> list[str]:
        """Type each line of a configuration; returns one message per refused line.

        Comments and blank lines are skipped, and so are `save` and `exit` (a golden diff ends
        with `save`; persisting is leave(save=True)'s job). Lines that would reboot the board
        mid-way (`bl`, `defaults` without nosave, ...) are refused, not sent. Each line's
        prompt ends its answer, so a line costs one round trip, not a wait for silence; only
        `defaults` prints a "# " line of its own and waits for silence.
        """
        self._require_active()
        # A line ending is not content (files read on Windows end lines with \r\n); anything
        # else that must not be typed refuses the whole batch before a single line is sent.
        stripped = [raw.rstrip("\r\n") for raw in lines]
        for number, line in enumerate(stripped, start=1):
            try:
                check_line(line)
            except ValueError as error:
                raise ValueError(f"line {number}: {error}") from None
        errors: list[str] = []
        for number, line in enumerate((line.strip(" ") for line in stripped), start=1):
            if not line or line.startswith("#") or line.lower().split()[0] in ("save", "exit"):
                continue
            if _reboots(line):
                errors.append(f"line {number}: {line}: not sent, it would reboot the board")
                continue
            try:
                self.run(line, prompt_ends=line.lower().split()[0] != "defaults")
            except CliError as error:
                errors.append(f"line {number}: {line}: {error.message}")
        return errors

    def leave(self, save: bool = False, *, reboot: bool = False) -> None:
        """Leave the CLI: `exit noreboot`, `save` (reboots) or, with reboot, `exit` (reboots and
        drops unsaved changes); back when MSP answers again.

        A `save` the board refuses (Betaflight: a batch with errors is not saved) raises
        CliError and leaves the session in the CLI, with nothing saved.
        """
        self._require_active()
        command = "save" if save else "exit" if reboot else "exit noreboot"
        self._send(command + "\n")
        self.active = False
        try:
            text = self._collect(f"leaving the CLI with `{command}`", want_prompt=False)
            refused = _ERROR_LINE.search(text.replace("\r\n", "\n"))
            if refused and "Rebooting" not in text and text.endswith(PROMPT):
                self.active = True
                raise CliError(command, refused[0].strip("# ").strip())
            rebooting = save or reboot or "Rebooting" in text
        except Disconnected:
            rebooting = True  # the port went away under us: the board is restarting
        self.wait_for_msp(reopen=rebooting)

    def wait_for_msp(self, *, reopen: bool) -> None:
        """Wait until MSP answers again; after a reboot, close and reopen the same port first."""
        port = self.fc.port
        deadline = time.monotonic() + self.reboot_timeout
        if reopen:
            self.fc.transcript.note("the flight controller reboots: closing the port, reopening it")
        last_error: BaseException | None = None
        while True:
            try:
                if reopen:
                    port.close()
                    port.open()
                self.fc.request(Cmd.MSP_API_VERSION)
                if reopen:
                    self.fc.transcript.note("the flight controller is back after its reboot")
                return
            except _RECONNECT_ERRORS as error:
                last_error = error
                reopen = True  # whatever happened, a fresh open is the way back
            if time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        raise Disconnected(
            f"the flight controller did not come back within "
            f"{self.reboot_timeout:g} s after leaving the CLI ({last_error})"
        )
