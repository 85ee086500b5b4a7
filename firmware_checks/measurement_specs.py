"""A measurement's limit and detail as data: a kind, the values that fill it in, and a unit
code. firmware_checks words them in English (`english()`); an application words them in its
own language from the same data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .json_reading import Scalar, enum_member, fields_of, scalars, text


class LimitKind(StrEnum):
    """How a measurement is judged; a LimitSpec's values are the kind's operands."""

    ANY = "any"  # ()
    ONE_OF = "one_of"  # (allowed, ...)
    INCLUDES = "includes"  # (required, ...)
    ONLY_ALLOWED = "only_allowed"  # (): only the flags the limits allow
    EQUALS = "equals"  # (expected,)
    IS = "is"  # (expected,): a state, such as True or "ok"
    NONE = "none"  # (): zero of the unit
    AT_LEAST = "at_least"  # (low,)
    AT_MOST = "at_most"  # (high,)
    ABOVE = "above"  # (low,)
    RANGE = "range"  # (low, high)
    WITHIN = "within"  # (centre, tolerance)
    CELL_VOLTAGE = "cell_voltage"  # (lowest V/cell, highest V/cell)
    CELL_VOLTAGE_OR_USB = "cell_voltage_or_usb"  # (lowest, highest, USB-only below V)


class DetailKind(StrEnum):
    """What a measurement's detail says; a DetailSpec's values fill it in."""

    VERSION_UNREADABLE = "version_unreadable"  # (version text,)
    MISSING = "missing"  # (name, ...)
    NOT_ALLOWED = "not_allowed"  # (flag, ...)
    NO_GYRO = "no_gyro"  # ()
    TOO_FEW_SAMPLES = "too_few_samples"  # (samples,)
    NOISE_SAMPLES = "noise_samples"  # (samples,)
    NO_VOLTAGE = "no_voltage"  # ()
    USB_ONLY = "usb_only"  # ()
    NO_BATTERY = "no_battery"  # ()
    CELLS = "cells"  # (cells, V/cell, cell count estimated)
    NO_ATTITUDE = "no_attitude"  # ()
    ROLL_PITCH = "roll_pitch"  # (roll deg, pitch deg)
    LINK_LOST = "link_lost"  # (flag, ...)
    CHANNELS_NOT_REPORTED = "channels_not_reported"  # (channel, ...)
    LARGEST_OFFSET = "largest_offset"  # (channel, microseconds)
    IGNORING = "ignoring"  # (pattern, ...)
    SAVE_REFUSED = "save_refused"  # (the CLI's message,)
    STOPPED_EARLY = "stopped_early"  # ()
    NO_RPM = "no_rpm"  # ()
    SPIN = "spin"  # (throttle %, seconds)
    SEEN_BY_PERSON = "seen_by_person"  # ()


def number_text(value: Scalar) -> str:
    """A number as the English texts write it: floats short (2.0 -> 2), the rest as they are."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def fixed_text(value: Scalar, digits: int) -> str:
    """A number with this many decimals (3.5 -> "3.50"); anything else as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.{digits}f}"
    return str(value)


def _joined(values: Sequence[Scalar]) -> str:
    return ", ".join(number_text(v) for v in values)


_LIMIT_TEXT: dict[LimitKind, Callable[[tuple[Scalar, ...]], str]] = {
    LimitKind.ANY: lambda v: "any",
    LimitKind.ONE_OF: lambda v: "one of " + _joined(v),
    LimitKind.INCLUDES: lambda v: "includes " + _joined(v),
    LimitKind.ONLY_ALLOWED: lambda v: "only allowed flags",
    LimitKind.EQUALS: lambda v: f"= {number_text(v[0])}",
    LimitKind.IS: lambda v: str(v[0]),
    LimitKind.NONE: lambda v: "0",
    LimitKind.AT_LEAST: lambda v: f">= {number_text(v[0])}",
    LimitKind.AT_MOST: lambda v: f"<= {number_text(v[0])}",
    LimitKind.ABOVE: lambda v: f"> {number_text(v[0])}",
    LimitKind.RANGE: lambda v: f">= {number_text(v[0])} and <= {number_text(v[1])}",
    LimitKind.WITHIN: lambda v: f"{number_text(v[0])} +/- {number_text(v[1])}",
    LimitKind.CELL_VOLTAGE: lambda v: f"{fixed_text(v[0], 2)}-{fixed_text(v[1], 2)} V/cell",
    LimitKind.CELL_VOLTAGE_OR_USB: lambda v: (
        f"USB only (< {number_text(v[2])} V) or {fixed_text(v[0], 2)}-{fixed_text(v[1], 2)} V/cell"
    ),
}

_DETAIL_TEXT: dict[DetailKind, Callable[[tuple[Scalar, ...]], str]] = {
    DetailKind.VERSION_UNREADABLE: lambda v: f"cannot read a version number in {v[0]!r}",
    DetailKind.MISSING: lambda v: "missing: " + _joined(v),
    DetailKind.NOT_ALLOWED: lambda v: "not allowed: " + _joined(v),
    DetailKind.NO_GYRO: lambda v: "no gyro detected",
    DetailKind.TOO_FEW_SAMPLES: lambda v: f"only {v[0]} raw IMU samples read",
    DetailKind.NOISE_SAMPLES: lambda v: f"standard deviation over {v[0]} samples at rest",
    DetailKind.NO_VOLTAGE: lambda v: "no battery voltage reported",
    DetailKind.USB_ONLY: lambda v: "USB only, no battery",
    DetailKind.NO_BATTERY: lambda v: "no battery connected",
    DetailKind.CELLS: lambda v: (
        f"{v[0]}S, {fixed_text(v[1], 2)} V/cell" + (" (cell count estimated)" if v[2] else "")
    ),
    DetailKind.NO_ATTITUDE: lambda v: "no attitude reported",
    DetailKind.ROLL_PITCH: lambda v: f"roll {fixed_text(v[0], 1)}, pitch {fixed_text(v[1], 1)}",
    DetailKind.LINK_LOST: lambda v: "arming flags: " + _joined(v),
    DetailKind.CHANNELS_NOT_REPORTED: lambda v: f"channels {list(v)} not all reported",
    DetailKind.LARGEST_OFFSET: lambda v: f"largest offset on channel {v[0]}: {v[1]} us",
    DetailKind.IGNORING: lambda v: "ignoring: " + _joined(v),
    DetailKind.SAVE_REFUSED: lambda v: f"the board refused to save, nothing was written: {v[0]}",
    DetailKind.STOPPED_EARLY: lambda v: "stopped before its time",
    DetailKind.NO_RPM: lambda v: "the firmware reports no RPM: direction and spin are seen by eye",
    DetailKind.SPIN: lambda v: f"{number_text(v[0])} % for {number_text(v[1])} s",
    DetailKind.SEEN_BY_PERSON: lambda v: "seen by the person at the bench",
}

#: How many values each kind takes; None: any number (a list).
_LIMIT_ARITY: dict[LimitKind, int | None] = {
    LimitKind.ANY: 0, LimitKind.ONE_OF: None, LimitKind.INCLUDES: None,
    LimitKind.ONLY_ALLOWED: 0, LimitKind.EQUALS: 1, LimitKind.IS: 1, LimitKind.NONE: 0,
    LimitKind.AT_LEAST: 1, LimitKind.AT_MOST: 1, LimitKind.ABOVE: 1, LimitKind.RANGE: 2,
    LimitKind.WITHIN: 2, LimitKind.CELL_VOLTAGE: 2, LimitKind.CELL_VOLTAGE_OR_USB: 3,
}  # fmt: skip
_DETAIL_ARITY: dict[DetailKind, int | None] = {
    DetailKind.VERSION_UNREADABLE: 1, DetailKind.MISSING: None, DetailKind.NOT_ALLOWED: None,
    DetailKind.NO_GYRO: 0, DetailKind.TOO_FEW_SAMPLES: 1, DetailKind.NOISE_SAMPLES: 1,
    DetailKind.NO_VOLTAGE: 0, DetailKind.USB_ONLY: 0, DetailKind.NO_BATTERY: 0,
    DetailKind.CELLS: 3, DetailKind.NO_ATTITUDE: 0, DetailKind.ROLL_PITCH: 2,
    DetailKind.LINK_LOST: None, DetailKind.CHANNELS_NOT_REPORTED: None,
    DetailKind.LARGEST_OFFSET: 2, DetailKind.IGNORING: None, DetailKind.SAVE_REFUSED: 1,
    DetailKind.STOPPED_EARLY: 0, DetailKind.NO_RPM: 0, DetailKind.SPIN: 2,
    DetailKind.SEEN_BY_PERSON: 0,
}  # fmt: skip


@dataclass(frozen=True)
class LimitSpec:
    """A measurement's limit as data: its kind, the kind's values, and the unit code."""

    kind: LimitKind
    values: tuple[Scalar, ...] = ()
    unit: str = ""  # "", "V", "deg", "deg/s", "us", "rpm", "channels", "lines", "differences"

    def english(self) -> str:
        return _LIMIT_TEXT[self.kind](self.values)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "values": list(self.values), "unit": self.unit}

    @classmethod
    def from_json(cls, data: object, where: str) -> LimitSpec:
        fields = fields_of(data, where, required=("kind", "values", "unit"))
        kind = enum_member(LimitKind, fields["kind"], f"{where}.kind")
        values = scalars(fields["values"], f"{where}.values", _LIMIT_ARITY[kind])
        return cls(kind, values, text(fields["unit"], f"{where}.unit", 16))


@dataclass(frozen=True)
class DetailSpec:
    """What a measurement's detail says, as data: its kind and the values that fill it in."""

    kind: DetailKind
    values: tuple[Scalar, ...] = ()

    def english(self) -> str:
        return _DETAIL_TEXT[self.kind](self.values)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "values": list(self.values)}

    @classmethod
    def from_json(cls, data: object, where: str) -> DetailSpec:
        fields = fields_of(data, where, required=("kind", "values"))
        kind = enum_member(DetailKind, fields["kind"], f"{where}.kind")
        return cls(kind, scalars(fields["values"], f"{where}.values", _DETAIL_ARITY[kind]))
