"""Limits in, measurements out: the bench check of one flight controller.

Like OpenHTF: limits are data (limits.py), each measurement is a record (name, value, unit,
limit, outcome) written once. `CHECKS` is the table; each entry reads one part of the
evidence and its own limit. bench_run.py gathers the evidence from a flight controller.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from .config_diff import ConfigChange, render_changes
from .limits import Limits, version_tuple
from .measurement_specs import DetailKind, DetailSpec, LimitKind, LimitSpec
from .probe import ProbeResult
from .run_document import Measurement
from .telemetry import RawImu

# The steps of a check run, in the order they happen; each check belongs to one.
STEPS: tuple[str, ...] = (
    "connect",
    "identity",
    "sensors",
    "gyro_noise",
    "battery",
    "receiver",
    "config_diff",
)

# Flags that say "no receiver link", by firmware (Betaflight, INAV).
_LINK_LOST_FLAGS = frozenset({"RXLOSS", "FAILSAFE", "RC_LINK", "FAILSAFE_SYSTEM"})
_AXES = ("x", "y", "z")


@dataclass(frozen=True)
class Evidence:
    """What the flight controller said, reduced to the facts the checks judge."""

    variant: str
    version: str
    board_id: str
    target: str
    sensors: tuple[str, ...]  # lower case: "gyro", "acc", ...
    arming_flags: tuple[str, ...]
    battery_v: float | None
    cell_count: int | None
    roll_deg: float | None
    pitch_deg: float | None
    rc_channels: tuple[int, ...]
    gyro_samples: tuple[tuple[float, float, float], ...] = ()
    config_changes: tuple[ConfigChange, ...] | None = None  # None: no golden given

    @property
    def has_gyro(self) -> bool:
        return "gyro" in self.sensors


@dataclass(frozen=True)
class Check:
    """One row of the table: which step gathers its evidence, when it applies, how to judge."""

    name: str
    step: str
    measure: Callable[[Evidence, Limits], Measurement]
    applies: Callable[[Evidence, Limits], bool] = lambda evidence, limits: True


def _at_least(version: tuple[int, ...], bound: tuple[int, ...]) -> bool:
    width = max(len(version), len(bound))
    return version + (0,) * (width - len(version)) >= bound + (0,) * (width - len(bound))


def _firmware_variant(e: Evidence, limits: Limits) -> Measurement:
    allowed = limits.firmware.variants
    limit = LimitSpec(LimitKind.ONE_OF, tuple(allowed))
    return Measurement.judged("firmware_variant", e.variant, limit, e.variant in allowed)


def _version_limit(low: str | None, high: str | None) -> LimitSpec:
    if low and high:
        return LimitSpec(LimitKind.RANGE, (low, high))
    if low:
        return LimitSpec(LimitKind.AT_LEAST, (low,))
    if high:
        return LimitSpec(LimitKind.AT_MOST, (high,))
    return LimitSpec(LimitKind.ANY)


def _firmware_version(e: Evidence, limits: Limits) -> Measurement:
    low = limits.firmware.min_version.get(e.variant)
    high = limits.firmware.max_version.get(e.variant)
    version = version_tuple(e.version)
    passed = (
        bool(version)
        and (low is None or _at_least(version, version_tuple(low)))
        and (high is None or _at_least(version_tuple(high), version))
    )
    detail = None if version else DetailSpec(DetailKind.VERSION_UNREADABLE, (e.version,))
    return Measurement.judged(
        "firmware_version", e.version, _version_limit(low, high), passed, detail
    )


def _equals(name: str, actual: str, expected: str | None) -> Measurement:
    return Measurement.judged(
        name, actual, LimitSpec(LimitKind.EQUALS, (expected,)), actual == expected
    )


def _sensors(e: Evidence, limits: Limits) -> Measurement:
    required = [s.lower() for s in limits.sensors.required]
    missing = [s for s in required if s not in e.sensors]
    return Measurement.judged(
        "sensors",
        list(e.sensors),
        LimitSpec(LimitKind.INCLUDES, tuple(required)),
        not missing,
        DetailSpec(DetailKind.MISSING, tuple(missing)) if missing else None,
    )


def _arming_flags(e: Evidence, limits: Limits) -> Measurement:
    blocking = [flag for flag in e.arming_flags if flag not in limits.arming.allowed]
    return Measurement.judged(
        "arming_flags",
        list(e.arming_flags),
        LimitSpec(LimitKind.ONLY_ALLOWED),
        not blocking,
        DetailSpec(DetailKind.NOT_ALLOWED, tuple(blocking)) if blocking else None,
    )


def _gyro_noise(axis: int, e: Evidence, limits: Limits) -> Measurement:
    name = f"gyro_noise_{_AXES[axis]}"
    limit = LimitSpec(LimitKind.AT_MOST, (limits.gyro.max_std_dps,), "deg/s")
    if not e.has_gyro:
        return Measurement.judged(name, None, limit, False, DetailSpec(DetailKind.NO_GYRO))
    samples = len(e.gyro_samples)
    if samples < 2:
        return Measurement.judged(
            name, None, limit, False, DetailSpec(DetailKind.TOO_FEW_SAMPLES, (samples,))
        )
    std = statistics.pstdev(sample[axis] for sample in e.gyro_samples)
    return Measurement.judged(
        name,
        round(std, 3),
        limit,
        std <= limits.gyro.max_std_dps,
        DetailSpec(DetailKind.NOISE_SAMPLES, (samples,)),
    )


def estimated_cells(voltage: float, max_cell_v: float) -> int:
    """Cell count the way Betaflight guesses it: whole cells at full charge, plus one."""
    return int(voltage / max_cell_v) + 1


def _battery(e: Evidence, limits: Limits) -> Measurement:
    b = limits.battery
    limit = (
        LimitSpec(
            LimitKind.CELL_VOLTAGE_OR_USB, (b.min_cell_v, b.max_cell_v, b.usb_only_below_v), "V"
        )
        if b.accept_usb_only
        else LimitSpec(LimitKind.CELL_VOLTAGE, (b.min_cell_v, b.max_cell_v), "V")
    )
    if e.battery_v is None:
        return Measurement.judged("battery", None, limit, False, DetailSpec(DetailKind.NO_VOLTAGE))
    if e.battery_v < b.usb_only_below_v:
        return Measurement.judged(
            "battery",
            round(e.battery_v, 2),
            limit,
            b.accept_usb_only,
            DetailSpec(DetailKind.USB_ONLY if b.accept_usb_only else DetailKind.NO_BATTERY),
        )
    cells = e.cell_count or estimated_cells(e.battery_v, b.max_cell_v)
    per_cell = e.battery_v / cells
    return Measurement.judged(
        "battery",
        round(e.battery_v, 2),
        limit,
        b.min_cell_v <= per_cell <= b.max_cell_v,
        DetailSpec(DetailKind.CELLS, (cells, round(per_cell, 2), not e.cell_count)),
    )


def _attitude(e: Evidence, limits: Limits) -> Measurement:
    limit = LimitSpec(LimitKind.AT_MOST, (limits.attitude.max_tilt_deg,), "deg")
    if e.roll_deg is None or e.pitch_deg is None:
        return Measurement.judged(
            "attitude_tilt", None, limit, False, DetailSpec(DetailKind.NO_ATTITUDE)
        )
    tilt = max(abs(e.roll_deg), abs(e.pitch_deg))
    return Measurement.judged(
        "attitude_tilt",
        round(tilt, 1),
        limit,
        tilt <= limits.attitude.max_tilt_deg,
        DetailSpec(DetailKind.ROLL_PITCH, (round(e.roll_deg, 1), round(e.pitch_deg, 1))),
    )


def _rc_link(e: Evidence, limits: Limits) -> Measurement:
    lost = sorted(_LINK_LOST_FLAGS.intersection(e.arming_flags))
    return Measurement.judged(
        "rc_link",
        "lost" if lost else "ok",
        LimitSpec(LimitKind.IS, ("ok",)),
        not lost,
        DetailSpec(DetailKind.LINK_LOST, tuple(lost)) if lost else None,
    )


def _rc_channels(e: Evidence, limits: Limits) -> Measurement:
    need = limits.receiver.min_channels
    return Measurement.judged(
        "rc_channels",
        len(e.rc_channels),
        LimitSpec(LimitKind.AT_LEAST, (need,), "channels"),
        len(e.rc_channels) >= need,
    )


def _rc_centred(e: Evidence, limits: Limits) -> Measurement:
    r = limits.receiver
    limit = LimitSpec(LimitKind.WITHIN, (r.centre_us, r.tolerance_us), "us")
    present = [i for i in r.centred_channels if i < len(e.rc_channels)]
    if len(present) < len(r.centred_channels):
        missing = DetailSpec(DetailKind.CHANNELS_NOT_REPORTED, tuple(r.centred_channels))
        return Measurement.judged("rc_centred", None, limit, False, missing)
    worst = max(present, key=lambda i: abs(e.rc_channels[i] - r.centre_us))
    offset = abs(e.rc_channels[worst] - r.centre_us)
    return Measurement.judged(
        "rc_centred",
        offset,
        limit,
        offset <= r.tolerance_us,
        DetailSpec(DetailKind.LARGEST_OFFSET, (worst, e.rc_channels[worst])),
    )


def _config_diff(e: Evidence, limits: Limits) -> Measurement:
    changes = list(e.config_changes or ())
    ignored = limits.config.ignore
    if changes:
        # The lines themselves are configuration, not words: they stay text.
        detail: DetailSpec | str = render_changes(changes[:10]) + (
            "\n  ..." if len(changes) > 10 else ""
        )
    else:
        detail = DetailSpec(DetailKind.IGNORING, tuple(ignored)) if ignored else ""
    return Measurement.judged(
        "config_diff",
        len(changes),
        LimitSpec(LimitKind.NONE, (), "differences"),
        not changes,
        detail,
    )


def _link_expected(e: Evidence, limits: Limits) -> bool:
    return limits.receiver.expect_link


CHECKS: tuple[Check, ...] = (
    Check("firmware_variant", "identity", _firmware_variant),
    Check("firmware_version", "identity", _firmware_version),
    Check(
        "board_id",
        "identity",
        lambda e, lim: _equals("board_id", e.board_id, lim.board.board_id),
        lambda e, lim: lim.board.board_id is not None,
    ),
    Check(
        "target",
        "identity",
        lambda e, lim: _equals("target", e.target, lim.board.target),
        lambda e, lim: lim.board.target is not None,
    ),
    Check("sensors", "sensors", _sensors),
    Check("arming_flags", "sensors", _arming_flags),
    Check("attitude_tilt", "sensors", _attitude),
    *(
        Check(f"gyro_noise_{axis}", "gyro_noise", partial(_gyro_noise, i))
        for i, axis in enumerate(_AXES)
    ),
    Check("battery", "battery", _battery),
    Check("rc_link", "receiver", _rc_link, _link_expected),
    Check("rc_channels", "receiver", _rc_channels, _link_expected),
    Check("rc_centred", "receiver", _rc_centred, _link_expected),
    Check("config_diff", "config_diff", _config_diff, lambda e, lim: e.config_changes is not None),
)


def judge(
    evidence: Evidence, limits: Limits, checks: Sequence[Check] = CHECKS
) -> list[Measurement]:
    """Every applicable check of the table, in table order."""
    return [c.measure(evidence, limits) for c in checks if c.applies(evidence, limits)]


def evidence_from(
    result: ProbeResult,
    imu: Sequence[RawImu] = (),
    config_changes: Sequence[ConfigChange] | None = None,
) -> Evidence:
    """The facts the checks judge, from what probe and the raw IMU samples read."""
    roll, pitch = (result.attitude[0], result.attitude[1]) if result.attitude else (None, None)
    return Evidence(
        variant=result.variant,
        version=result.version,
        board_id=result.board_id,
        target=result.target,
        sensors=tuple(s.lower() for s in result.sensors),
        arming_flags=tuple(result.arming_disable_flags),
        battery_v=result.battery_voltage,
        cell_count=result.cell_count or None,  # 0: the firmware found no battery
        roll_deg=roll,
        pitch_deg=pitch,
        rc_channels=tuple(result.rc_channels or ()),
        gyro_samples=tuple((float(s.gyro[0]), float(s.gyro[1]), float(s.gyro[2])) for s in imu),
        config_changes=None if config_changes is None else tuple(config_changes),
    )


def evaluate(
    result: ProbeResult,
    limits: Limits,
    imu: Sequence[RawImu],
    config_changes: Sequence[ConfigChange] | None,
) -> list[Measurement]:
    """Every measurement the limits ask for, from what was read."""
    return judge(evidence_from(result, imu, config_changes), limits)
