"""The simulated flight controller's brain: bytes in, bytes out, no I/O.

It follows Betaflight's serial loop (src/main/msp/msp_serial.c): outside a frame, `#` enters the
CLI and `R` reboots to the bootloader; a frame with a bad checksum or CRC gets no answer; an
unknown command gets an error frame with the command echoed; a v2 frame tunnelled in v1 is
answered tunnelled. Betaflight answers one request per run of its serial task, so `process`
takes a limit on requests and keeps the rest queued for the next run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from dataclasses import dataclass
from enum import Enum

from ..msp import Frame, FrameDecoder, encode
from ..telemetry import BATTERY_STATES
from .answers import Board, answer
from .cli import CliEvent, SimulatedCli
from .cli_text import StatusFacts, diff_all
from .profiles import LinkFault, Profile, get_profile
from .settings import Settings, load_table

DEFAULT_SEED = 20251205
#: The MCU unique id: three 32-bit words, as MSP_UID sends them.
UniqueIdWords = tuple[int, int, int]
REBOOT_CHARACTER = ord("R")  # Betaflight's reboot_character setting (82): bootloader
CLI_CHARACTER = ord("#")


def uid_for(name: str) -> UniqueIdWords:
    """A stable MCU unique id for a name (a unit serial, say): each name its own board."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return (
        int.from_bytes(digest[0:4], "little"),
        int.from_bytes(digest[4:8], "little"),
        int.from_bytes(digest[8:12], "little"),
    )


class LinkEvent(Enum):
    """What the transport must do after sending an output."""

    REBOOT = "reboot"  # the board restarts: the port goes away and comes back
    DROP = "drop"  # drops_link: the connection dies here


@dataclass(frozen=True)
class Output:
    data: bytes
    event: LinkEvent | None = None


class SimulatedFlightController:
    """A flight controller in software: feed it what the host sends, send back what it returns."""

    def __init__(
        self,
        profile: str | Profile = "healthy",
        *,
        seed: int = DEFAULT_SEED,
        uid: UniqueIdWords | None = None,
    ) -> None:
        self.profile = get_profile(profile)
        if uid is not None:  # this board's own MCU: MSP_UID and `mcu_id` say so
            flavour = dataclasses.replace(self.profile.flavour, uid=uid)
            self.profile = dataclasses.replace(self.profile, flavour=flavour)
        self.rng = random.Random(seed)
        table = load_table(self.profile.flavour.settings_file)
        self.saved_settings = Settings.with_overrides(table, self.profile.bench.settings)
        self.boots = 0
        self.requests_answered = 0  # since the last boot or reconnect (drops_link counts these)
        self.in_cli = False
        self._inbox = bytearray()
        self.boot()

    # Life cycle ------------------------------------------------------------------------------
    def boot(self) -> None:
        """Start (again) from the saved settings, in MSP mode, with nothing queued."""
        self.boots += 1
        self.board = Board(self.profile.flavour, self.profile.bench, self.rng)
        self.settings = self.saved_settings.copy()
        self.cli = SimulatedCli(
            self.profile.flavour, self.profile.bench, self.settings, self.status_facts
        )
        self.in_cli = False
        self.link_lost()

    def link_lost(self) -> None:
        """The host went away: forget half-received input (the board itself keeps running)."""
        self._inbox.clear()
        self._decoder = FrameDecoder()
        self.requests_answered = 0

    # Input and output --------------------------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        """Everything the flight controller sends back for data, processed at once."""
        self.feed(data)
        return self.process().data

    def feed(self, data: bytes) -> None:
        """Queue bytes that arrived on the port; `process` handles them."""
        self._inbox += data

    @property
    def has_input(self) -> bool:
        return bool(self._inbox)

    def process(self, max_requests: int | None = None) -> Output:
        """Handle queued input: at most max_requests MSP requests (the CLI takes all it has)."""
        if self.profile.link_fault is LinkFault.SILENT:
            self._inbox.clear()
            return Output(b"")
        out = bytearray()
        handled = 0
        while self._inbox and (max_requests is None or handled < max_requests):
            if self.in_cli:
                data = bytes(self._inbox)
                self._inbox.clear()
                result = self.cli.feed(data)
                out += result.output
                if result.event in (CliEvent.REBOOT, CliEvent.SAVE):
                    if result.event is CliEvent.SAVE:
                        self.saved_settings = self.settings.copy()
                    return Output(bytes(out), LinkEvent.REBOOT)
                if result.event is CliEvent.LEAVE:
                    self.in_cli = False
                    self._inbox[:0] = result.rest
                continue
            reply, event, took_request = self._msp_step()
            out += reply
            handled += took_request
            if event is not None:
                return Output(bytes(out), event)
        return Output(bytes(out))

    def _msp_step(self) -> tuple[bytes, LinkEvent | None, int]:
        """Read bytes until one frame completes or the queue is empty; answer that frame."""
        while self._inbox:
            byte = bytes(self._inbox[:1])
            del self._inbox[:1]
            idle = not self._decoder.pending
            frames = self._decoder.feed(byte)
            if frames:
                return self._answer_frame(frames[0])
            # Only a byte that arrives while no frame is under way counts as non-MSP data: the
            # rest of a broken frame is eaten by Betaflight's parser, whatever its bytes.
            stray = self._decoder.drain_stray()
            if not idle or stray != byte:
                continue
            if byte[0] == CLI_CHARACTER:
                # Betaflight's serial loop eats what else was waiting; the CLI starts clean.
                self._inbox.clear()
                self.in_cli = True
                return self.cli.banner(), None, 0
            if byte[0] == REBOOT_CHARACTER:
                # A real board reboots into its bootloader here (no serial port until it is
                # power-cycled); the simulator reboots into the firmware instead.
                self._inbox.clear()
                return b"", LinkEvent.REBOOT, 0
        return b"", None, 0

    def _answer_frame(self, frame: Frame) -> tuple[bytes, LinkEvent | None, int]:
        if frame.direction != "<":
            return b"", None, 0  # only requests are answered
        payload = answer(self.board, self.settings, frame.cmd, frame.payload)
        direction = ">" if payload is not None else "!"
        reply = encode(
            Frame(frame.version, direction, frame.cmd, payload or b"", frame.flags, frame.tunnelled)
        )
        self.requests_answered += 1
        fault = self.profile.link_fault
        if fault is LinkFault.GARBAGE:
            reply = self._garbage() + reply
        if (
            fault is LinkFault.DROPS_LINK
            and self.requests_answered > self.profile.drop_after_requests
        ):
            return reply[: len(reply) // 2], LinkEvent.DROP, 1
        return reply, None, 1

    def _garbage(self) -> bytes:
        """A few random bytes, sometimes with a '$' or a false header that goes nowhere."""
        noise = bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 8)))
        return noise.replace(b"$", b"") + self.rng.choice((b"", b"$", b"$M", b"$X>"))

    # Facts for the CLI ------------------------------------------------------------------------
    def status_facts(self) -> StatusFacts:
        board = self.board
        flags = self.profile.bench.arming_flags + ("CLI",)
        return StatusFacts(
            uptime_s=int(board.uptime_s),
            voltage_v=board.voltage_v,
            cells=self.profile.bench.battery_cells,
            battery_state=BATTERY_STATES[board.battery_state].replace("_", " "),
            arming_flags=flags,
            sensors=self.profile.bench.sensors,
        )

    def diff_all(self) -> str:
        """What `diff all` prints now (between the echo and the prompt)."""
        return diff_all(self.profile.flavour, self.profile.bench, self.settings)
