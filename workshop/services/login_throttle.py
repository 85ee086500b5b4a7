"""Slowing down PIN guessing: after a few wrong PINs for one name, that name is locked a while.

The counter lives in memory, one per app. Waitress serves the app from threads of a single
process, so a lock around a dict is enough. A restart clears it; that is accepted: it costs an
attacker a restart they cannot cause from a tablet, and keeps the database free of login noise.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

EXTENSION = "login_throttle"
LIMIT = 5  # wrong PINs ...
WINDOW = 15 * 60  # ... within this many seconds ...
LOCK = 15 * 60  # ... lock the name for this many seconds.
MAX_NAMES = 10_000  # unknown names cost memory too; forget stale ones past this


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(
        self,
        limit: int = LIMIT,
        window: float = WINDOW,
        lock: float = LOCK,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.lock_seconds, self.clock = limit, window, lock, clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def locked_for(self, key: str) -> float:
        """Seconds this name stays locked; 0 when it may try."""
        with self._lock:
            record = self._records.get(key)
            return max(0.0, record.locked_until - self.clock()) if record else 0.0

    def failed(self, key: str) -> bool:
        """Count a wrong PIN; True when this one locks the name."""
        with self._lock:
            now = self.clock()
            if len(self._records) >= MAX_NAMES:
                self._forget_stale(now)
            record = self._records.setdefault(key, _Record())
            record.failures = [t for t in record.failures if now - t < self.window] + [now]
            if len(record.failures) < self.limit:
                return False
            record.failures = []
            record.locked_until = now + self.lock_seconds
            return True

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)

    def _forget_stale(self, now: float) -> None:
        for key in [
            k
            for k, r in self._records.items()
            if r.locked_until <= now and all(now - t >= self.window for t in r.failures)
        ]:
            del self._records[key]


def minutes(seconds: float) -> int:
    """Whole minutes to tell a person, never 0 while still locked."""
    return max(1, math.ceil(seconds / 60))


def init_app(app: Flask, throttle: LoginThrottle | None = None) -> None:
    app.extensions[EXTENSION] = throttle or LoginThrottle()


def current() -> LoginThrottle:
    return current_app.extensions[EXTENSION]
