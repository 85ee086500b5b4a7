"""What a person does at the tablet, counted per stage: taps, typed keys, scans, page loads.

A tap is a click on an element. A tick is a tap that is the person's own observation (a
checklist item no run can prove, a motor's direction, the propellers-off confirmation): the
goal counts the taps beyond those. A scan is a wedge scanner's burst of keys ending with Enter,
typed with nothing tapped before it. Keys are what a person types by hand.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright.sync_api import Frame, Locator, Page


@dataclass
class Tally:
    taps: int = 0
    ticks: int = 0
    keys: int = 0
    scans: int = 0
    loads: int = 0
    #: What happened, in order: "tap", "tick", "key", "scan".
    events: list[str] = field(default_factory=list)

    def note(self, kind: str, count: int = 1) -> None:
        self.events += [kind] * count

    def no_tap_between_scans(self) -> bool:
        """True when, between the first and the last scan, nothing but scans happened."""
        scans = [i for i, kind in enumerate(self.events) if kind == "scan"]
        return not scans or all(k == "scan" for k in self.events[scans[0] : scans[-1] + 1])


@dataclass
class Bench:
    """Drives a page as a person at the bench does, counting every action per stage."""

    page: Page
    stages: dict[str, Tally] = field(default_factory=dict)
    current: str | None = None

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._loaded)

    def _loaded(self, frame: Frame) -> None:
        if self.current is not None and frame == self.page.main_frame:
            self.stages[self.current].loads += 1

    @contextmanager
    def stage(self, name: str) -> Iterator[Tally]:
        self.current = name
        tally = self.stages.setdefault(name, Tally())
        try:
            yield tally
        finally:
            self.current = None

    def _tally(self) -> Tally:
        assert self.current is not None, "count inside `with bench.stage(...)`"
        return self.stages[self.current]

    def tap(self, target: Locator) -> None:
        """A tap on something the app asks for: a button, a link, a port."""
        target.click()
        tally = self._tally()
        tally.taps += 1
        tally.note("tap")

    def tick(self, target: Locator) -> None:
        """A tap that is the person's own observation."""
        target.click()
        tally = self._tally()
        tally.ticks += 1
        tally.note("tick")

    def type(self, text: str) -> None:
        """Keys typed by hand into what has the focus (Enter included when given)."""
        self.page.keyboard.type(text)
        tally = self._tally()
        tally.keys += len(text)
        tally.note("key", len(text))

    def press_enter(self) -> None:
        self.page.keyboard.press("Enter")
        tally = self._tally()
        tally.keys += 1
        tally.note("key")

    def scan(self, code: str) -> None:
        """A wedge scanner: the code's keys and Enter, fast, with no tap before them."""
        self.page.keyboard.type(code)
        self.page.keyboard.press("Enter")
        tally = self._tally()
        tally.scans += 1
        tally.note("scan")

    def table(self) -> str:
        """The counts as a small table, for the test's output and the report."""
        lines = [f"{'stage':<14}{'taps':>6}{'ticks':>7}{'keys':>6}{'scans':>7}{'loads':>7}"]
        for name, t in self.stages.items():
            lines.append(f"{name:<14}{t.taps:>6}{t.ticks:>7}{t.keys:>6}{t.scans:>7}{t.loads:>7}")
        return "\n".join(lines)
