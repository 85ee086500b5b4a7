"""A record of everything said on the wire, for the result JSON and for a reviewer."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

DIRECTIONS = ("tx", "rx")
KINDS = ("msp", "cli", "note")


@dataclass(frozen=True)
class TranscriptEntry:
    t: float  # seconds since the transcript started
    direction: str  # "tx" (to the FC) or "rx" (from the FC); notes are "rx" (what we observed)
    kind: str  # "msp", "cli" or "note"
    data: str  # hex for msp bytes, text for cli, a sentence for note


@dataclass
class Transcript:
    """Entries in the order they happened, timed from the transcript's creation."""

    entries: list[TranscriptEntry] = field(default_factory=list)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        self._start = self.clock()

    def record(self, direction: str, kind: str, data: bytes | str) -> None:
        """Add one entry; bytes are stored as hex for msp and as text for cli."""
        if direction not in DIRECTIONS:
            raise ValueError(f"transcript direction must be one of {DIRECTIONS}, not {direction!r}")
        if kind not in KINDS:
            raise ValueError(f"transcript kind must be one of {KINDS}, not {kind!r}")
        if isinstance(data, (bytes, bytearray, memoryview)):
            text = bytes(data).hex() if kind == "msp" else bytes(data).decode("latin-1")
        else:
            text = data
        self.entries.append(
            TranscriptEntry(round(self.clock() - self._start, 6), direction, kind, text)
        )

    def note(self, text: str) -> None:
        """A sentence about what happened (a timeout, a retry), in line with the traffic."""
        self.record("rx", "note", text)

    def to_list(self) -> list[dict[str, Any]]:
        return [asdict(entry) for entry in self.entries]
