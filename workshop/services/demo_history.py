"""Six weeks of the demo workshop's past, so every chart of the overview has something to show.

Written through the real services, each step at the moment it happened (the models' clock set
with `clock_at`), in the order of those moments: units built through the stages, some with
rework (a cold joint, a noisy gyro at the bench test, the wrong firmware, a rejection), one held
for a part, one scrapped; handed over, then in the field returned and repaired or scrapped, lost,
destroyed. Every flight-controller run is a real run of the unit's own simulated board (its
gyro noise creeping up over the weeks, its battery charged a little differently each time), made
beforehand on a few threads and recorded at its moment.
"""

import dataclasses
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from firmware_checks.bench_run import read_identity, run_check
from firmware_checks.motors import check_motors
from firmware_checks.run_document import RunKind
from firmware_checks.simulator import SimulatorServer, get_profile, uid_for
from firmware_checks.simulator.profiles import Profile
from workshop.models import DroneType, Unit, User
from workshop.models.timestamps import clock_at, utcnow
from workshop.services import (
    bench_runs,
    delivery,
    field_losses,
    motor_checks,
    returns,
    review,
    stages,
    units,
)
from workshop.services.metrics.periods import day_start, local_day
from workshop.services.stages import StageInput
from workshop.workflow import Action, Stage

#: How far back the history starts.
WEEKS = 6
#: Each unit's story: its drone type ("7" or "10"), what befell it in the workshop, and after
#: its handover. Field stories come early, so their returns and repairs are done by now; the
#: last ones are still in the workshop, waiting for review, on hold, or for the handover.
STORIES: tuple[tuple[str, str, str], ...] = (
    ("7", "", ""),
    ("10", "", "returned_scrapped"),
    ("7", "cold_joint", ""),
    ("7", "", "returned_repaired"),
    ("10", "held", ""),
    ("7", "noisy_gyro", ""),
    ("7", "", "destroyed"),
    ("10", "", ""),
    ("7", "wrong_firmware", ""),
    ("7", "", "lost"),
    ("10", "", ""),
    ("7", "rejected", ""),
    ("7", "", "returned_for_parts"),
    ("10", "scrapped", ""),
    ("7", "", ""),
    ("7", "", ""),
    ("10", "", ""),
    ("7", "", ""),
    ("7", "waits_for_review", ""),
    ("10", "on_hold", ""),
    ("7", "waits_for_handover", ""),
)
#: Runs made at once while the history is prepared.
RUN_THREADS = 8
MOTORS = range(1, motor_checks.MOTOR_COUNT + 1)
RECEIVER = "ALFA-3"


@dataclass(frozen=True)
class People:
    volunteer: User
    reviewer: User
    coordinator: User


@dataclass
class Story:
    """One unit of the past: its type, its serial (known ahead: serials are given in order), the
    boards its runs read, and the runs' documents once made."""

    drone_type: DroneType
    serial: str
    #: The gyro noise and battery of the unit's simulated board.
    board: Profile
    #: Each run it needs, in order: its kind and the board's profile (a fault, or `board`).
    runs: list[tuple[RunKind, Profile]] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)
    unit: Unit | None = None

    def live(self) -> Unit:
        if self.unit is None:
            raise RuntimeError(f"the demo's past uses {self.serial} before starting it")
        return self.unit


class Past:
    """The steps of every story, each at its moment; `write()` takes them in time order."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.steps: list[tuple[datetime, int, Callable[[], object]]] = []
        self.stories: list[Story] = []

    def at(self, moment: datetime, step: Callable[[], object]) -> None:
        self.steps.append((moment, len(self.steps), step))

    def write(self) -> None:
        for moment, _order, step in sorted(self.steps, key=lambda s: (s[0], s[1])):
            with clock_at(moment):
                step()


def _board(index: int, count: int, rng: random.Random) -> Profile:
    """A healthy simulated board whose gyro gets noisier story by story (a bench drifting
    towards its limit) and whose battery is charged a little differently each time."""
    healthy = get_profile("healthy")
    bench = dataclasses.replace(
        healthy.bench,
        gyro_noise_dps=0.45 + 1.05 * index / max(count - 1, 1),
        cell_voltage=round(3.95 + 0.2 * rng.random(), 2),
    )
    return dataclasses.replace(healthy, bench=bench)


def _run(kind: RunKind, profile: Profile, serial: str, seed: int, judging: Any) -> Any:
    """One real run of the unit's simulated board: a document, or a motor check's spins."""
    with SimulatorServer(profile=profile, uid=uid_for(serial), seed=seed, boot_time=0.05) as fc:
        if kind is RunKind.IDENTITY:
            return read_identity(fc.url, judging.limits).document()
        if kind is RunKind.BENCH:
            return run_check(fc.url, judging.limits, judging.golden).document()
        return [
            (motor, check_motors(fc.url, [motor - 1], seconds=0.1)[0].document(), True)
            for motor in MOTORS
        ]


def _make_runs(stories: list[Story]) -> None:
    judging = {
        (story.drone_type.id, kind): bench_runs.judging_of(story.drone_type, kind)
        for story in stories
        for kind in (RunKind.IDENTITY, RunKind.BENCH)
    }

    def runs_of(numbered: tuple[int, Story]) -> list[Any]:
        seed, story = numbered
        return [
            _run(kind, profile, story.serial, seed, judging.get((story.drone_type.id, kind)))
            for kind, profile in story.runs
        ]

    with ThreadPoolExecutor(RUN_THREADS) as pool:
        for story, documents in zip(stories, pool.map(runs_of, enumerate(stories)), strict=True):
            story.documents = documents


class Builder:
    """Puts one story's steps on the past's timeline, from its start."""

    def __init__(self, past: Past, story: Story, start: datetime, rng: random.Random) -> None:
        self.past, self.story, self.now, self.rng = past, story, start, rng
        self.volunteer = past.people.volunteer

    def later(self, hours: float, step: Callable[[], object]) -> None:
        self.now += timedelta(hours=hours)
        self.past.at(self.now, step)

    def hours(self, least: float, most: float) -> float:
        return least + (most - least) * self.rng.random()

    def data(self, **fields: Any) -> StageInput:
        return StageInput(version=self.story.live().version, **fields)

    def start(self) -> None:
        story = self.story

        def create() -> None:
            unit = units.create_unit(story.drone_type.id, self.volunteer)
            if unit.serial != story.serial:
                raise RuntimeError(f"the demo's past expected {story.serial}, got {unit.serial}")
            story.unit = unit

        self.past.at(self.now, create)
        for number, item in enumerate(story.drone_type.bom):
            if item.tracked:
                self.later(0.05, self._scan(item.id, f"LOT-{story.serial[-3:]}{number}"))

    def _scan(self, item_id: int, code: str) -> Callable[[], object]:
        def scan() -> None:
            unit = self.story.live()
            units.record_part(unit, item_id, code, self.volunteer, unit.version)

        return scan

    def finish(self, hours: float) -> None:
        def step() -> None:
            unit = self.story.live()
            ticked = frozenset(
                i.id for i in unit.drone_type.checklist_for(unit.stage) if i.proved_by is None
            )
            stages.finish_stage(unit, self.volunteer, self.data(checked=ticked))

        self.later(hours, step)

    def fail(self, hours: float, reason: str) -> None:
        self.later(
            hours,
            lambda: stages.fail_stage(self.story.live(), self.volunteer, self.data(reason=reason)),
        )

    def status(self, hours: float, action: Action, words: str = "") -> None:
        self.later(
            hours,
            lambda: stages.change_status(
                self.story.live(), self.volunteer, action, self.data(text=words)
            ),
        )

    def run(self, hours: float, kind: RunKind, profile: Profile | None = None) -> None:
        story = self.story
        story.runs.append((kind, profile or story.board))

        def record() -> None:
            unit, document = story.live(), story.documents.pop(0)
            if kind is RunKind.MOTORS:
                motor_checks.record_spins(unit, self.volunteer, document)
                return
            judging = bench_runs.judging_for(unit)
            bench_runs.record_run(
                unit.serial,
                document,
                kind=kind,
                actor=self.volunteer,
                station=None,
                limits_version_id=judging.limits_version_id,
                golden_version_id=judging.golden_version_id,
            )

        self.later(hours, record)

    def flashing(self, wrong_firmware: bool = False) -> None:
        if wrong_firmware:
            # A reading that fails fails the stage itself, back to flashing as rework.
            self.run(0.3, RunKind.IDENTITY, get_profile("wrong_target"))
            self.run(self.hours(0.5, 1.0), RunKind.IDENTITY)
        else:
            self.run(0.3, RunKind.IDENTITY)
        self.finish(self.hours(0.2, 0.8))

    def bench_test(self, noisy: bool = False) -> None:
        if noisy:
            self.run(0.3, RunKind.BENCH, get_profile("noisy_gyro"))
            self.fail(0.3, "failed_bench_test")
            self.finish(self.hours(1.5, 3))
            self.flashing()
        self.run(0.3, RunKind.BENCH)
        self.run(0.2, RunKind.MOTORS)
        self.finish(self.hours(0.2, 1.2))

    def sign_off(self, reject: bool = False) -> None:
        def decide() -> None:
            unit = self.story.live()
            action = Action.REJECT if reject else Action.APPROVE
            reason = "cold_joint" if reject else None
            review.sign_off(unit, self.past.people.reviewer, action, self.data(reason=reason))

        self.later(self.hours(3, 28), decide)

    def hand_over(self) -> None:
        def handover() -> None:
            unit = self.story.live()
            on = units.workshop_today()
            delivery.hand_over(unit, self.past.people.coordinator, RECEIVER, on, unit.version)

        self.later(self.hours(20, 90), handover)

    def build(self, trouble: str) -> bool:
        """The story in the workshop, from kitting to the handover; False when it ends there."""
        self.start()
        if trouble == "held":
            self.status(0.3, Action.HOLD, "Чекаємо на камеру")
            self.status(self.hours(20, 30), Action.RELEASE)
        self.finish(self.hours(1, 2.5))
        if trouble == "scrapped":
            self.status(1.5, Action.SCRAP, "Рама тріснула під час пайки")
            return False
        if trouble == "on_hold":
            self.status(1.5, Action.HOLD, "Чекаємо на регулятор")
            return False
        if trouble == "cold_joint":
            self.fail(2, "cold_joint")
        self.finish(self.hours(2, 5))
        self.flashing(wrong_firmware=trouble == "wrong_firmware")
        self.bench_test(noisy=trouble == "noisy_gyro")
        if trouble == "waits_for_review":
            return False
        if trouble == "rejected":
            self.sign_off(reject=True)
            self.finish(self.hours(1.5, 3))
            self.flashing()
            self.bench_test()
        self.sign_off()
        if trouble == "waits_for_handover":
            return False
        self.hand_over()
        return True

    def repair(self, days: float, failure: str, stage: Stage, words: str) -> None:
        """Back from the field after `days`; repaired from `stage` and handed over again."""
        coordinator = self.past.people.coordinator

        def back() -> None:
            unit = self.story.live()
            returned = returns.ReturnInput(
                unit.version, RECEIVER, units.workshop_today(), failure, notes=words
            )
            returns.record_return(unit, coordinator, returned)

        self.later(days * 24, back)
        self.later(
            self.hours(2, 20),
            lambda: returns.decide_return(
                self.story.live(),
                coordinator,
                Action.REPAIR,
                self.data(rework_stage=stage.value),
            ),
        )
        for _stage in range(2 if stage is Stage.KITTING else 1):
            self.finish(self.hours(1, 3))
        self.flashing()
        self.bench_test()
        self.sign_off()
        self.hand_over()

    def in_the_field(self, fate: str) -> None:
        coordinator = self.past.people.coordinator
        if fate == "returned_repaired":
            self.repair(8, "no_video", Stage.SOLDERING, "Відео зникає після удару")
        elif fate == "returned_for_parts":
            self.repair(6, "motor_esc", Stage.KITTING, "Згорів регулятор")
        elif fate == "returned_scrapped":

            def back() -> None:
                unit = self.story.live()
                on = units.workshop_today()
                returns.record_return(
                    unit, coordinator, returns.ReturnInput(unit.version, RECEIVER, on, "crash")
                )

            self.later(9 * 24, back)
            self.later(
                20,
                lambda: returns.decide_return(
                    self.story.live(),
                    coordinator,
                    Action.SCRAP_RETURNED,
                    self.data(text="Рама і камера знищені"),
                ),
            )
        elif fate in ("lost", "destroyed"):
            action = Action.MARK_LOST if fate == "lost" else Action.MARK_DESTROYED
            reason = "not_recovered" if fate == "lost" else "expended"

            def mark() -> None:
                unit = self.story.live()
                on = units.workshop_today()
                loss = field_losses.LossInput(unit.version, on, reason)
                field_losses.mark_loss(unit, coordinator, action, loss)

            self.later(5 * 24 if fate == "lost" else 10 * 24, mark)


def _plan(start: datetime, seven: DroneType, ten: DroneType, people: People) -> Past:
    """Every story's steps on one timeline from `start`, and the runs they need."""
    past = Past(people)
    begins = []
    for index in range(len(STORIES)):
        moment = start + timedelta(days=2 * index + (index % 3 == 2), hours=index % 3)
        while local_day(moment).weekday() >= 5:
            moment += timedelta(days=1)
        begins.append(moment)
    numbers: dict[tuple[str, int], int] = {}
    stories: dict[int, Story] = {}
    # Serials are given in the order units are started.
    for index in sorted(range(len(STORIES)), key=lambda i: (begins[i], i)):
        kind, trouble, fate = STORIES[index]
        rng = random.Random(index)
        drone_type = seven if kind == "7" else ten
        key = (drone_type.prefix, local_day(begins[index]).year)
        numbers[key] = numbers.get(key, 0) + 1
        serial = units.format_serial(key[0], key[1], numbers[key])
        story = Story(drone_type, serial, _board(index, len(STORIES), rng))
        builder = Builder(past, story, begins[index], rng)
        if builder.build(trouble) and fate:
            builder.in_the_field(fate)
        stories[index] = story
    past.stories = [stories[index] for index in range(len(STORIES))]
    return past


def write(seven: DroneType, ten: DroneType, people: People) -> None:
    """Write the demo's past through the real services, in the order it happened: from nine in
    the morning on the Monday `WEEKS` weeks ago, a week earlier if it would not be over by now.
    The drone types must have no unit yet (the serials are known ahead, for the runs made
    beforehand)."""
    monday = units.workshop_today()
    monday -= timedelta(days=monday.weekday(), weeks=WEEKS)
    start = day_start(monday) + timedelta(hours=9)
    past = _plan(start, seven, ten, people)
    while max(moment for moment, _order, _step in past.steps) > utcnow() - timedelta(hours=1):
        start -= timedelta(weeks=1)
        past = _plan(start, seven, ten, people)
    _make_runs(past.stories)
    past.write()
