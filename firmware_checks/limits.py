"""Limits for a bench check, as data: defaults in code, overrides from a TOML file.

The defaults describe a flight controller on USB power at the bench: no battery, no
receiver link, lying still and level. A drone type's limits file changes only what differs.
checks.py judges each measurement against these limits (the gyro noise: `_gyro_noise` against
`GyroLimits.max_std_dps`).

In the workshop app, a drone type's saved limits are the versions of the `LimitsVersion` model
(workshop/models/fc_config.py), saved and read by workshop/services/fc_config.py
(`save_limits`, `current_limits`) over these defaults; a station gets them from the app.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config_diff import DEFAULT_IGNORE


class LimitsError(ValueError):
    """A limits file that cannot be read or says something this version does not know."""


@dataclass(frozen=True)
class FirmwareLimits:
    variants: tuple[str, ...] = ("BTFL", "INAV")
    # Oldest supported release per variant (inclusive); Betaflight's calendar versions
    # (2025.12) compare above 4.x as plain numbers do.
    min_version: Mapping[str, str] = field(
        default_factory=lambda: {"BTFL": "4.3.0", "INAV": "7.0.0"}
    )
    # Newest allowed release per variant (inclusive); a variant not listed has no upper bound.
    max_version: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BoardLimits:
    board_id: str | None = None  # 4-letter board identifier (e.g. "S7X2"); None: not checked
    target: str | None = None  # target name (e.g. "STM32F7X2"); None: not checked


@dataclass(frozen=True)
class SensorLimits:
    # Names as the probe reports them; a quad cannot fly level without gyro and accelerometer.
    required: tuple[str, ...] = ("gyro", "acc")


# Reasons not to arm that are expected on a bench with USB power and no receiver, by the
# names firmware_checks.arming_flags gives them (Betaflight, then INAV):
#  - no receiver link: RXLOSS/FAILSAFE, RC_LINK/FAILSAFE_SYSTEM, hence also no prearm switch;
#  - the first seconds after power-up: BOOTGRACE, CALIB / SENSORS_CALIBRATING (a gyro that
#    never settles is caught by the gyro-noise measurement instead);
#  - our own connection: CLI, MSP (the configurator-style MSP link over USB);
#  - indoors without a GPS fix: GPS (rescue mode configured), NAVIGATION_UNSAFE;
#  - ESCs unpowered on USB, so no RPM telemetry: DSHOT_TELEM (RPMFILTER before 4.5).
# Not allowed, because each means something is wrong with the unit or its setup: NOGYRO,
# THROTTLE, ANGLE (not level), NO_ACC_CAL / ACCELEROMETER_NOT_CALIBRATED, MOTOR_PROTO,
# REBOOT_REQD, LOAD, CRASH/RUNAWAY/PARALYZE, switches left on (ARMSWITCH, BOXFAILSAFE, ...).
BENCH_ARMING_ALLOWED: frozenset[str] = frozenset(
    {
        "RXLOSS",
        "FAILSAFE",
        "NOPREARM",
        "BOOTGRACE",
        "CALIB",
        "CLI",
        "MSP",
        "GPS",
        "DSHOT_TELEM",
        "RPMFILTER",
        "RC_LINK",
        "FAILSAFE_SYSTEM",
        "NO_PREARM",
        "SENSORS_CALIBRATING",
        "NAVIGATION_UNSAFE",
    }
)


@dataclass(frozen=True)
class ArmingLimits:
    allowed: frozenset[str] = BENCH_ARMING_ALLOWED


@dataclass(frozen=True)
class BatteryLimits:
    # Below this the board runs on USB alone: the ADC reads the divider's noise, not a pack.
    usb_only_below_v: float = 1.0
    accept_usb_only: bool = True
    # A LiPo/Li-ion pack fit for a bench test: not below storage-ish, not overcharged.
    min_cell_v: float = 3.5
    max_cell_v: float = 4.35


@dataclass(frozen=True)
class GyroLimits:
    samples: int = 50  # raw IMU samples at rest (Betaflight answers ~100 a second)
    max_std_dps: float = 2.0  # standard deviation per axis, degrees per second


@dataclass(frozen=True)
class AttitudeLimits:
    max_tilt_deg: float = 10.0  # |roll| and |pitch| on a bench or in a level jig


@dataclass(frozen=True)
class ReceiverLimits:
    expect_link: bool = False  # at the bench usually no transmitter is bound
    min_channels: int = 4
    centre_us: int = 1500
    tolerance_us: int = 30
    # rcData order after the channel map: 0 roll, 1 pitch, 2 yaw, 3 throttle.
    centred_channels: tuple[int, ...] = (0, 1, 2)


@dataclass(frozen=True)
class ConfigLimits:
    ignore: tuple[str, ...] = DEFAULT_IGNORE  # see config_diff.is_ignored for the syntax


@dataclass(frozen=True)
class Limits:
    firmware: FirmwareLimits = field(default_factory=FirmwareLimits)
    board: BoardLimits = field(default_factory=BoardLimits)
    sensors: SensorLimits = field(default_factory=SensorLimits)
    arming: ArmingLimits = field(default_factory=ArmingLimits)
    battery: BatteryLimits = field(default_factory=BatteryLimits)
    gyro: GyroLimits = field(default_factory=GyroLimits)
    attitude: AttitudeLimits = field(default_factory=AttitudeLimits)
    receiver: ReceiverLimits = field(default_factory=ReceiverLimits)
    config: ConfigLimits = field(default_factory=ConfigLimits)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The limits as plain data (the shape of the TOML file), for the result document."""
        return {f.name: _section_to_dict(getattr(self, f.name)) for f in dataclasses.fields(self)}


DEFAULT_LIMITS = Limits()


def _section_to_dict(section: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(section):
        value = getattr(section, f.name)
        if isinstance(value, frozenset):
            value = sorted(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        out[f.name] = value
    return out


def version_tuple(text: str) -> tuple[int, ...]:
    """'4.5.5' -> (4, 5, 5); '2025.12.5' -> (2025, 12, 5); non-numeric parts end the version."""
    parts: list[int] = []
    for part in text.strip().split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits or not part[0].isdigit():
            break
        parts.append(int(digits))
    return tuple(parts)


def _element_type(annotation: str) -> type | None:
    """The element type of a `tuple[X, ...]` / `frozenset[X]` field annotation."""
    match = re.search(r"\[(\w+)", annotation)
    return {"str": str, "int": int, "float": float}.get(match[1]) if match else None


def _coerce(where: str, value: Any, default: Any, annotation: str) -> Any:
    """The value converted to the field's type (its default's type), or LimitsError."""
    if value is None and "None" in annotation:
        return None
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise LimitsError(f"{where} must be true or false, not {value!r}")
        return value
    if default is None or isinstance(default, str):
        if not isinstance(value, str):
            raise LimitsError(f"{where} must be text, not {value!r}")
        return value
    if isinstance(default, (float, int)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise LimitsError(f"{where} must be a number, not {value!r}")
        if isinstance(default, int) and not isinstance(value, int):
            raise LimitsError(f"{where} must be a whole number, not {value!r}")
        if not math.isfinite(value) or value < 0:
            raise LimitsError(f"{where} must be zero or more, not {value!r}")
        return type(default)(value)
    if isinstance(default, (tuple, frozenset)):
        if not isinstance(value, (list, tuple)):
            raise LimitsError(f"{where} must be a list, not {value!r}")
        kind = _element_type(annotation)
        if kind is not None and any(not isinstance(v, kind) or isinstance(v, bool) for v in value):
            raise LimitsError(f"{where} must be a list of {kind.__name__}, not {value!r}")
        return type(default)(value)
    if isinstance(default, Mapping):
        if not isinstance(value, Mapping) or any(
            not isinstance(k, str) or not isinstance(v, str) for k, v in value.items()
        ):
            raise LimitsError(f"{where} must be a table of text values, not {value!r}")
        return dict(value)
    raise LimitsError(f"{where}: cannot read a value of this kind")  # pragma: no cover


def _check_sense(limits: Limits) -> None:
    """Refuse limits that parse but cannot be meant: an empty range, an unreadable version."""
    for bound in ("min_version", "max_version"):
        for variant, text in getattr(limits.firmware, bound).items():
            if not version_tuple(text):
                raise LimitsError(f"firmware.{bound}.{variant} is not a version number: {text!r}")
    if not limits.firmware.variants:
        raise LimitsError("firmware.variants must name at least one firmware")
    battery = limits.battery
    if battery.min_cell_v > battery.max_cell_v:
        raise LimitsError(
            f"battery.min_cell_v ({battery.min_cell_v:g}) is above "
            f"battery.max_cell_v ({battery.max_cell_v:g})"
        )
    if limits.gyro.samples < 2:
        raise LimitsError("gyro.samples must be at least 2 (noise needs two readings)")


def limits_from_mapping(data: Mapping[str, Any], base: Limits = DEFAULT_LIMITS) -> Limits:
    """Limits with `data` (the shape of the TOML file and of Limits.to_dict()) laid over `base`.

    `limits_from_mapping(limits.to_dict()) == limits`. Unknown sections or keys, values of the
    wrong type and limits that cannot be meant raise LimitsError, saying which one.
    """
    if not isinstance(data, Mapping):
        raise LimitsError(f"limits must be a table of sections, not {data!r}")
    sections: dict[str, Any] = {}
    known = {f.name for f in dataclasses.fields(base)}
    for name, table in data.items():
        if name not in known:
            raise LimitsError(f"unknown section [{name}]; known: {', '.join(sorted(known))}")
        if not isinstance(table, Mapping):
            raise LimitsError(f"[{name}] must be a table")
        current = getattr(base, name)
        fields = {f.name: str(f.type) for f in dataclasses.fields(current)}
        changes: dict[str, Any] = {}
        for key, value in table.items():
            if key not in fields:
                raise LimitsError(f"unknown key {name}.{key}; known: {', '.join(sorted(fields))}")
            changes[key] = _coerce(f"{name}.{key}", value, getattr(current, key), fields[key])
        sections[name] = dataclasses.replace(current, **changes)
    limits = dataclasses.replace(base, **sections)
    _check_sense(limits)
    return limits


def load_limits(path: str | Path, base: Limits = DEFAULT_LIMITS) -> Limits:
    """Read a TOML limits file; what it does not mention keeps its default."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except OSError as error:
        raise LimitsError(f"cannot read limits file {path}: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise LimitsError(f"limits file {path} is not valid TOML: {error}") from error
    try:
        return limits_from_mapping(data, base)
    except LimitsError as error:
        raise LimitsError(f"limits file {path}: {error}") from error
