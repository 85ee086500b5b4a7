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
from typing import Any

from .config_diff import ConfigChange, render_changes
from .limits import Limits, version_tuple
from .probe import ProbeResult
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
class Measurement:
    """One measured value against its limit; `value` is None when it could not be measured."""

    name: str
    value: Any  # a number, text, or list of text; JSON-able
    unit: str
    limit: str  # the limit in words, e.g. "<= 2.0", "one of BTFL, INAV"
    passed: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "limit": self.limit,
            "passed": self.passed,
            "detail": self.detail,
        }


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
    return Measurement(
        "firmware_variant", e.variant, "", "one of " + ", ".join(allowed), e.variant in allowed
    )


def _firmware_version(e: Evidence, limits: Limits) -> Measurement:
    low = limits.firmware.min_version.get(e.variant)
    high = limits.firmware.max_version.get(e.variant)
    version = version_tuple(e.version)
    bounds = [f">= {low}"] if low else []
    bounds += [f"<= {high}"] if high else []
    passed = (
        bool(version)
        and (low is None or _at_least(version, version_tuple(low)))
        and (high is None or _at_least(version_tuple(high), version))
    )
    detail = "" if version else f"cannot read a version number in {e.version!r}"
    return Measurement(
        "firmware_version", e.version, "", " and ".join(bounds) or "any", passed, detail
    )


def _equals(name: str, actual: str, expected: str | None) -> Measurement:
    return Measurement(name, actual, "", f"= {expected}", actual == expected)


def _sensors(e: Evidence, limits: Limits) -> Measurement:
    required = [s.lower() for s in limits.sensors.required]
    missing = [s for s in required if s not in e.sensors]
    return Measurement(
        "sensors",
        list(e.sensors),
        "",
        "includes " + ", ".join(required),
        not missing,
        f"missing: {', '.join(missing)}" if missing else "",
    )


def _arming_flags(e: Evidence, limits: Limits) -> Measurement:
    blocking = [flag for flag in e.arming_flags if flag not in limits.arming.allowed]
    return Measurement(
        "arming_flags",
        list(e.arming_flags),
        "",
        "only allowed flags",
        not blocking,
        f"not allowed: {', '.join(blocking)}" if blocking else "",
    )


def _gyro_noise(axis: int, e: Evidence, limits: Limits) -> Measurement:
    name, limit = f"gyro_noise_{_AXES[axis]}", f"<= {limits.gyro.max_std_dps:g}"
    if not e.has_gyro:
        return Measurement(name, None, "deg/s", limit, False, "no gyro detected")
    if len(e.gyro_samples) < 2:
        return Measurement(
            name, None, "deg/s", limit, False, f"only {len(e.gyro_samples)} raw IMU samples read"
        )
    std = statistics.pstdev(sample[axis] for sample in e.gyro_samples)
    return Measurement(
        name,
        round(std, 3),
        "deg/s",
        limit,
        std <= limits.gyro.max_std_dps,
        f"standard deviation over {len(e.gyro_samples)} samples at rest",
    )


def estimated_cells(voltage: float, max_cell_v: float) -> int:
    """Cell count the way Betaflight guesses it: whole cells at full charge, plus one."""
    return int(voltage / max_cell_v) + 1


def _battery(e: Evidence, limits: Limits) -> Measurement:
    b = limits.battery
    cell_range = f"{b.min_cell_v:.2f}-{b.max_cell_v:.2f} V/cell"
    limit = (
        f"USB only (< {b.usb_only_below_v:g} V) or {cell_range}"
        if b.accept_usb_only
        else cell_range
    )
    if e.battery_v is None:
        return Measurement("battery", None, "V", limit, False, "no battery voltage reported")
    if e.battery_v < b.usb_only_below_v:
        return Measurement(
            "battery",
            round(e.battery_v, 2),
            "V",
            limit,
            b.accept_usb_only,
            "USB only, no battery" if b.accept_usb_only else "no battery connected",
        )
    cells = e.cell_count or estimated_cells(e.battery_v, b.max_cell_v)
    per_cell = e.battery_v / cells
    guessed = "" if e.cell_count else " (cell count estimated)"
    return Measurement(
        "battery",
        round(e.battery_v, 2),
        "V",
        limit,
        b.min_cell_v <= per_cell <= b.max_cell_v,
        f"{cells}S, {per_cell:.2f} V/cell{guessed}",
    )


def _attitude(e: Evidence, limits: Limits) -> Measurement:
    limit = f"<= {limits.attitude.max_tilt_deg:g}"
    if e.roll_deg is None or e.pitch_deg is None:
        return Measurement("attitude_tilt", None, "deg", limit, False, "no attitude reported")
    tilt = max(abs(e.roll_deg), abs(e.pitch_deg))
    return Measurement(
        "attitude_tilt",
        round(tilt, 1),
        "deg",
        limit,
        tilt <= limits.attitude.max_tilt_deg,
        f"roll {e.roll_deg:.1f}, pitch {e.pitch_deg:.1f}",
    )


def _rc_link(e: Evidence, limits: Limits) -> Measurement:
    lost = sorted(_LINK_LOST_FLAGS.intersection(e.arming_flags))
    return Measurement(
        "rc_link",
        "lost" if lost else "ok",
        "",
        "ok",
        not lost,
        f"arming flags: {', '.join(lost)}" if lost else "",
    )


def _rc_channels(e: Evidence, limits: Limits) -> Measurement:
    need = limits.receiver.min_channels
    return Measurement(
        "rc_channels", len(e.rc_channels), "channels", f">= {need}", len(e.rc_channels) >= need
    )


def _rc_centred(e: Evidence, limits: Limits) -> Measurement:
    r = limits.receiver
    limit = f"{r.centre_us} +/- {r.tolerance_us}"
    present = [i for i in r.centred_channels if i < len(e.rc_channels)]
    if len(present) < len(r.centred_channels):
        return Measurement(
            "rc_centred",
            None,
            "us",
            limit,
            False,
            f"channels {list(r.centred_channels)} not all reported",
        )
    worst = max(present, key=lambda i: abs(e.rc_channels[i] - r.centre_us))
    offset = abs(e.rc_channels[worst] - r.centre_us)
    return Measurement(
        "rc_centred",
        offset,
        "us",
        limit,
        offset <= r.tolerance_us,
        f"largest offset on channel {worst}: {e.rc_channels[worst]} us",
    )


def _config_diff(e: Evidence, limits: Limits) -> Measurement:
    changes = list(e.config_changes or ())
    ignored = ", ".join(limits.config.ignore)
    first = render_changes(changes[:10]) + ("\n  ..." if len(changes) > 10 else "")
    return Measurement(
        "config_diff",
        len(changes),
        "differences",
        "0",
        not changes,
        first if changes else f"ignoring: {ignored}" if ignored else "",
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
