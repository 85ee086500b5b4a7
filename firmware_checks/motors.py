"""The motor check: spin one motor at a time, gently and briefly, and read its RPM.

Only with the propellers off, on a person's explicit confirmation (the caller asks for it). The
bounds are hard: at most MAX_THROTTLE_PERCENT for at most MAX_SECONDS, whatever the caller asks.
Every motor is stopped when a spin ends, on any error, on a lost link, and when `stop_all(url)`
is called from another thread (a page that is left, a stop button). Betaflight keeps a motor
spinning at the last MSP_SET_MOTOR value until told otherwise, so stopping is never left to the
flight controller.

A motor check's run joins each motor's spin with the person's word on which way it turned:
motor_check_document().
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from .bench_run import CheckResult, ProgressCallback, could_not_test, run_on_board
from .client import FlightController
from .errors import FirmwareCheckError, UnsupportedCommand
from .limits import DEFAULT_LIMITS
from .measurement_specs import DetailKind, DetailSpec, LimitKind, LimitSpec
from .msp import Cmd
from .probe import INAV, probe
from .run_document import Measurement, RunDocument, Verdict, verdict_of
from .telemetry import InavEscRpm, MotorConfig, MotorTelemetry
from .transcript import Transcript, TranscriptEntry
from .transport import PORT_ERRORS

MAX_THROTTLE_PERCENT = 10.0  # of the motor's range: enough to turn, too little to lift
MAX_SECONDS = 3.0
DEFAULT_THROTTLE_PERCENT = 5.0
DEFAULT_SECONDS = 2.0
#: How often a spinning motor's command is repeated and its RPM read; also how fast a stop
#: request from another thread takes effect.
TICK_S = 0.1
MOTOR_OUTPUTS = 8  # MSP_SET_MOTOR carries 8 outputs
STOPPED = 1000  # MSP_SET_MOTOR's value for a stopped motor; 2000 is full throttle
#: The steps check_motors reports: motor_1, motor_2, ... follow "identity".
MOTOR_STEPS: tuple[str, ...] = ("connect", "identity")


#: What a write to a board that went away may raise.
_STOP_ERRORS: tuple[type[BaseException], ...] = (FirmwareCheckError, *PORT_ERRORS)


class MotorCheckRefused(FirmwareCheckError):
    """The motor check will not spin: armed board, no such motor, a check already running."""


@dataclass(frozen=True)
class MotorSpin:
    """What one motor did: which (0-based, as MSP_MOTOR), how hard, how long, the RPM seen."""

    index: int
    throttle_percent: float
    seconds: float  # how long it actually spun
    rpm: int | None  # highest RPM read while spinning; None: the firmware reports no RPM
    stopped_early: bool  # stop_all() ended it before its time

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


_running: dict[str, threading.Event] = {}  # port URL -> the stop request of the check on it
_running_lock = threading.Lock()


@contextmanager
def _registered(url: str) -> Iterator[threading.Event]:
    """The stop request of a check on url, known to stop_all from before the port is opened."""
    with _running_lock:
        if url in _running:
            raise MotorCheckRefused(f"a motor check is already running on {url}")
        stop = _running[url] = threading.Event()
    try:
        yield stop
    finally:
        with _running_lock:
            _running.pop(url, None)


def _bounded(throttle_percent: float, seconds: float) -> tuple[float, float]:
    if not 0 < throttle_percent <= MAX_THROTTLE_PERCENT:
        raise ValueError(
            f"throttle must be above 0 and at most {MAX_THROTTLE_PERCENT:g} %, "
            f"not {throttle_percent:g}"
        )
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"a spin lasts above 0 and at most {MAX_SECONDS:g} s, not {seconds:g}")
    return throttle_percent, seconds


def _outputs(index: int | None, throttle_percent: float) -> bytes:
    value = STOPPED + round(throttle_percent * 10)
    return b"".join(
        (value if i == index else STOPPED).to_bytes(2, "little") for i in range(MOTOR_OUTPUTS)
    )


def send_stop(fc: FlightController) -> None:
    """Every motor output to stopped; tried twice, as the first write may meet a glitch."""
    for attempt in range(2):
        try:
            fc.request(Cmd.MSP_SET_MOTOR, _outputs(None, 0))
            return
        except _STOP_ERRORS:
            if attempt:
                raise


class _RpmReader:
    """The RPM of a motor, where the firmware reports it: Betaflight's DShot telemetry when it is
    enabled, INAV's ESC sensor. INAV sends 0 for every motor without an ESC sensor, so there an
    RPM of 0 throughout reads as "not reported"."""

    def __init__(self, fc: FlightController, variant: str) -> None:
        self.fc = fc
        self.inav = variant == INAV
        self.available = True
        if not self.inav:
            try:
                config = fc.ask(MotorConfig)
                self.available = bool(config.use_dshot_telemetry or config.esc_sensor_enabled)
            except UnsupportedCommand:
                self.available = False

    def read(self, index: int) -> int | None:
        if not self.available:
            return None
        try:
            rpm = self.fc.ask(InavEscRpm).rpm if self.inav else self.fc.ask(MotorTelemetry).rpm
        except UnsupportedCommand:
            self.available = False
            return None
        return rpm[index] if index < len(rpm) else None


def spin(
    fc: FlightController,
    index: int,
    *,
    throttle_percent: float,
    seconds: float,
    rpm: _RpmReader,
    stop: threading.Event,
) -> MotorSpin:
    """Spin one motor (bounds checked), reading its RPM; every motor is stopped at the end."""
    throttle_percent, seconds = _bounded(throttle_percent, seconds)
    command = _outputs(index, throttle_percent)
    highest: int | None = None
    fc.transcript.note(f"spinning motor {index + 1} at {throttle_percent:g} % for {seconds:g} s")
    start = time.monotonic()
    try:
        while not stop.is_set():
            fc.request(Cmd.MSP_SET_MOTOR, command)  # repeated: the latest value always holds
            reading = rpm.read(index)
            if reading is not None:
                highest = max(highest or 0, reading)
            left = seconds - (time.monotonic() - start)
            if left <= 0:
                break
            stop.wait(min(TICK_S, left))
    finally:
        send_stop(fc)
    spun = round(time.monotonic() - start, 2)
    fc.transcript.note(f"motor {index + 1} stopped after {spun:g} s")
    if rpm.inav and not highest:
        highest = None
    return MotorSpin(index, throttle_percent, spun, highest, stop.is_set())


_SPINNING = LimitSpec(LimitKind.ABOVE, (0,), "rpm")


def _rpm_measurement(result: MotorSpin) -> Measurement:
    name = f"motor_{result.index + 1}_rpm"
    if result.stopped_early:
        return Measurement.judged(
            name, result.rpm, _SPINNING, False, DetailSpec(DetailKind.STOPPED_EARLY)
        )
    if result.rpm is None:
        return Measurement.judged(name, None, _SPINNING, True, DetailSpec(DetailKind.NO_RPM))
    return Measurement.judged(
        name,
        result.rpm,
        _SPINNING,
        result.rpm > 0,
        DetailSpec(DetailKind.SPIN, (result.throttle_percent, result.seconds)),
    )


def check_motors(
    url: str,
    motors: Sequence[int] | None = None,
    *,
    throttle_percent: float = DEFAULT_THROTTLE_PERCENT,
    seconds: float = DEFAULT_SECONDS,
    progress: ProgressCallback | None = None,
    timeout: float = 0.5,
    transcript: Transcript | None = None,
) -> tuple[CheckResult, list[MotorSpin]]:
    """Spin the given motors (0-based; default all) one after the other, each stopped before
    the next starts. The result is a run document like run_check's (measurements motor_N_rpm);
    the spins say what each motor did. An armed board, an unknown motor or a check already
    running on the port: verdict "error", nothing spun. ValueError for bounds out of range.
    """
    _bounded(throttle_percent, seconds)
    spins: list[MotorSpin] = []

    def body(fc: FlightController, result: CheckResult, report: ProgressCallback) -> None:
        try:
            report("identity")
            result.probe = probe(fc)
            if result.probe.armed:
                raise MotorCheckRefused("the flight controller is armed: disarm it first")
            count = len([out for out in result.probe.motors or () if out > 0])
            wanted = list(range(count)) if motors is None else list(motors)
            unknown = [i + 1 for i in wanted if not 0 <= i < count]
            if unknown:
                raise MotorCheckRefused(
                    f"the flight controller has {count} motors; "
                    f"no motor {', '.join(map(str, unknown))}"
                )
            reader = _RpmReader(fc, result.probe.variant)
            for index in wanted:
                if stop.is_set():
                    break
                report(f"motor_{index + 1}")
                spins.append(
                    spin(
                        fc,
                        index,
                        throttle_percent=throttle_percent,
                        seconds=seconds,
                        rpm=reader,
                        stop=stop,
                    )
                )
            result.measurements = [_rpm_measurement(s) for s in spins]
        except BaseException:
            _stop_quietly(fc)
            raise

    try:
        with _registered(url) as stop:
            result = run_on_board(
                url, DEFAULT_LIMITS, body, progress=progress, timeout=timeout, transcript=transcript
            )
    except MotorCheckRefused as busy:
        result = could_not_test(
            url, str(busy), DEFAULT_LIMITS, transcript if transcript is not None else Transcript()
        )
    return result, spins


def _stop_quietly(fc: FlightController) -> None:
    """Stop every motor on the way out of an error; the error itself is what gets told."""
    try:
        send_stop(fc)
        fc.transcript.note("stopped every motor after an error")
    except _STOP_ERRORS:
        fc.transcript.note("could not tell the motors to stop: the link is gone")


def stop_all(url: str, *, timeout: float = 0.5) -> bool:
    """Stop every motor on this port, from any thread. A motor check running here is told to stop
    (it stops the motors itself, within TICK_S); with none running, the port is opened and told
    directly. True when a stop command was sent or requested."""
    with _running_lock:
        running = _running.get(url)
    if running is not None:
        running.set()
        return True
    try:
        with FlightController.open(url, timeout=timeout) as fc:
            send_stop(fc)
        return True
    except _STOP_ERRORS:
        return False


#: What a person says a motor did, and the words the run keeps for it.
AS_EXPECTED, REVERSED = "as expected", "reversed"


def motor_check_document(spins: Sequence[tuple[int, RunDocument, bool]]) -> RunDocument:
    """One motor check from its motors' spins, in motor order: (motor, 1-based; the document of
    its spin; whether the person saw it turn the expected way). Each motor's RPM measurement and
    its direction; a spin that could not test makes the whole check "could not test"."""
    if not spins:
        raise ValueError("a motor check needs at least one spin")
    measurements: list[Measurement] = []
    transcript: list[TranscriptEntry] = []
    for motor, spin_run, as_expected in spins:
        measurements += spin_run.measurements
        measurements.append(
            Measurement.judged(
                f"motor_{motor}_direction",
                AS_EXPECTED if as_expected else REVERSED,
                LimitSpec(LimitKind.IS, (AS_EXPECTED,)),
                as_expected,
                DetailSpec(DetailKind.SEEN_BY_PERSON),
            )
        )
        transcript += spin_run.transcript
    errors = [run.reason for _, run, _ in spins if run.verdict is Verdict.ERROR]
    if errors:
        verdict, reason = Verdict.ERROR, errors[0]
        measurements = []
    else:
        verdict, reason = verdict_of(measurements)
    last = spins[-1][1]
    return RunDocument(
        url=last.url,
        verdict=verdict,
        reason=reason,
        limits=last.limits,
        transcript=tuple(transcript),
        probe=last.probe,
        measurements=tuple(measurements),
    )
