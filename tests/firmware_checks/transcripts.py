"""The real firmware transcripts in tests/fixtures/firmware/, loaded for tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "firmware"
FIRMWARES = ("betaflight-4.5.5", "betaflight-2025.12.5", "inav-9.0.1")


@dataclass(frozen=True)
class Exchange:
    """One line of msp_v1.jsonl / msp_v2.jsonl: what was sent and what came back."""

    firmware: str  # folder name, e.g. "betaflight-4.5.5"
    source: str  # "msp_v1" or "msp_v2"
    name: str
    cmd: int
    request: bytes
    response: bytes | None  # None: nothing came back
    decoded: dict[str, Any]
    test: str | None

    @property
    def id(self) -> str:
        return f"{self.firmware}/{self.source}/{self.name}"

    @property
    def is_inav(self) -> bool:
        return self.firmware.startswith("inav")


def load_exchanges(firmware: str | None = None) -> list[Exchange]:
    """Every exchange of every firmware folder (or of one), in file order."""
    exchanges = []
    for folder in FIRMWARES if firmware is None else (firmware,):
        for source in ("msp_v1", "msp_v2"):
            path = FIXTURES / folder / f"{source}.jsonl"
            for line in path.read_text().splitlines():
                if not line.strip():
                    continue
                row = json.loads(line)
                response = row["response_hex"]
                exchanges.append(
                    Exchange(
                        firmware=folder,
                        source=source,
                        name=row["name"],
                        cmd=row["cmd"],
                        request=bytes.fromhex(row["request_hex"]),
                        response=bytes.fromhex(response) if response is not None else None,
                        decoded=row["decoded"],
                        test=row.get("test"),
                    )
                )
    return exchanges


def exchange(firmware: str, name: str) -> Exchange:
    """The one exchange with this name in this firmware's transcripts."""
    matches = [e for e in load_exchanges(firmware) if e.name == name]
    if len(matches) != 1:
        raise KeyError(f"{len(matches)} exchanges named {name!r} in {firmware}")
    return matches[0]
