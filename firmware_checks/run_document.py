"""The run document: what one run of a flight controller found, the same on a station and on the
server.

A `RunDocument` is written once: the verdict, why, what was read (the probe), every
measurement against its limit, the configuration differences, the limits judged against and
the transcript. `to_json()` gives the document a station posts and `--json` prints;
`from_json()` reads one back and refuses, naming the field, anything it does not know: unknown
keys, wrong types, values outside an enum, numbers that are not finite.

Each measurement carries its limit twice: in English words (`limit`, for the command line and
for runs stored before limits had a structure) and as a `LimitSpec` (a kind, its values, a unit
code) that an application renders in its own language; a detail that means something has a
`DetailSpec` likewise. Raw lines (a configuration difference, a line the CLI refused) stay text.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from .config_diff import ConfigChange
from .limits import Limits, LimitsError, limits_from_mapping
from .transcript import DIRECTIONS, KINDS, TranscriptEntry


class DocumentError(ValueError):
    """A run document that cannot be read; str() names the field and what is wrong with it."""


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"  # could not test: no port, no answer, the link lost, ...


class RunKind(StrEnum):
    """What a run does, and so at which stage of a unit it counts."""

    IDENTITY = "identity"  # read what the board is (flashing)
    BENCH = "bench"  # the whole bench check (bench test)
    APPLY = "apply"  # type the golden configuration (flashing)
    MOTORS = "motors"  # spin each motor, a person says which way it turned (bench test)


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


#: A value in a spec: text, a number or true/false.
Scalar = str | int | float | bool | None
_E = TypeVar("_E", bound=StrEnum)


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
        fields = _fields(data, where, required=("kind", "values", "unit"))
        kind = _enum(LimitKind, fields["kind"], f"{where}.kind")
        values = _scalars(fields["values"], f"{where}.values", _LIMIT_ARITY[kind])
        return cls(kind, values, _text(fields["unit"], f"{where}.unit", 16))


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
        fields = _fields(data, where, required=("kind", "values"))
        kind = _enum(DetailKind, fields["kind"], f"{where}.kind")
        return cls(kind, _scalars(fields["values"], f"{where}.values", _DETAIL_ARITY[kind]))


@dataclass(frozen=True)
class Measurement:
    """One measured value against its limit; `value` is None when it could not be measured."""

    name: str
    value: Any  # a number, text, true/false, or a list of text; JSON-able
    unit: str
    limit: str  # the limit in English words, e.g. "<= 2.0", "one of BTFL, INAV"
    passed: bool
    detail: str = ""
    limit_spec: LimitSpec | None = None
    detail_spec: DetailSpec | None = None

    @classmethod
    def judged(
        cls,
        name: str,
        value: Any,
        limit: LimitSpec,
        passed: bool,
        detail: DetailSpec | str | None = None,
    ) -> Measurement:
        """A measurement whose limit (and detail, unless raw text) has a structure; the English
        words follow from it."""
        if isinstance(detail, DetailSpec):
            return cls(
                name, value, limit.unit, limit.english(), passed, detail.english(), limit, detail
            )
        return cls(name, value, limit.unit, limit.english(), passed, detail or "", limit)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "limit": self.limit,
            "passed": self.passed,
            "detail": self.detail,
        }
        if self.limit_spec is not None:
            data["limit_spec"] = self.limit_spec.to_json()
        if self.detail_spec is not None:
            data["detail_spec"] = self.detail_spec.to_json()
        return data

    @classmethod
    def from_json(cls, data: object, where: str) -> Measurement:
        fields = _fields(
            data,
            where,
            required=("name", "value", "unit", "limit", "passed"),
            optional=("detail", "limit_spec", "detail_spec"),
        )
        name = _text(fields["name"], f"{where}.name", 64)
        if not name:
            raise DocumentError(f"{where}.name must not be empty")
        limit_spec = fields.get("limit_spec")
        detail_spec = fields.get("detail_spec")
        return cls(
            name=name,
            value=_value(fields["value"], f"{where}.value"),
            unit=_text(fields["unit"], f"{where}.unit", 16),
            limit=_text(fields["limit"], f"{where}.limit", 300),
            passed=_bool(fields["passed"], f"{where}.passed"),
            detail=_text(fields.get("detail", ""), f"{where}.detail"),
            limit_spec=None
            if limit_spec is None
            else LimitSpec.from_json(limit_spec, f"{where}.limit_spec"),
            detail_spec=None
            if detail_spec is None
            else DetailSpec.from_json(detail_spec, f"{where}.detail_spec"),
        )


def verdict_of(measurements: Sequence[Measurement]) -> tuple[Verdict, str]:
    """Pass when every measurement is within its limit, else fail; with the reason in words."""
    failed = [m.name for m in measurements if not m.passed]
    if failed:
        return Verdict.FAIL, (
            f"{len(failed)} of {len(measurements)} measurements out of limits: " + ", ".join(failed)
        )
    return Verdict.PASS, f"all {len(measurements)} measurements within limits"


_DOCUMENT_KEYS = ("url", "verdict", "reason", "measurements", "limits", "transcript")
_CHANGE_KINDS = ("missing", "extra", "changed")


@dataclass(frozen=True)
class RunDocument:
    """One run of a flight controller, as a station posts it and the server stores it."""

    url: str
    verdict: Verdict
    reason: str  # one sentence
    limits: Limits
    transcript: tuple[TranscriptEntry, ...]
    #: What the board said (ProbeResult.to_dict()); `uid` binds the board. None: not read.
    probe: Mapping[str, Any] | None = None
    measurements: tuple[Measurement, ...] = ()
    #: None when no golden configuration was compared.
    config_changes: tuple[ConfigChange, ...] | None = None

    @property
    def failed(self) -> list[Measurement]:
        return [m for m in self.measurements if not m.passed]

    @property
    def board_uid(self) -> str | None:
        """The MCU unique id the probe read, if any."""
        uid = self.probe.get("uid") if self.probe is not None else None
        return uid if isinstance(uid, str) and uid else None

    @property
    def exit_code(self) -> int:
        """The command line's: 0 pass, 1 fail, 2 could not test."""
        return {Verdict.PASS: 0, Verdict.FAIL: 1}.get(self.verdict, 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "probe": None if self.probe is None else dict(self.probe),
            "measurements": [m.to_json() for m in self.measurements],
            "config_changes": None
            if self.config_changes is None
            else [c.to_dict() for c in self.config_changes],
            "limits": self.limits.to_dict(),
            "transcript": [dataclasses.asdict(e) for e in self.transcript],
        }

    @classmethod
    def from_json(cls, data: object) -> RunDocument:
        """The document in `data` (parsed JSON); DocumentError naming the first field that is
        wrong. A run that passes with a failed measurement is refused too."""
        fields = _fields(
            data, "the run", required=_DOCUMENT_KEYS, optional=("probe", "config_changes")
        )
        verdict = _enum(Verdict, fields["verdict"], "verdict")
        measurements = tuple(
            Measurement.from_json(m, f"measurements[{i}]")
            for i, m in enumerate(_list(fields["measurements"], "measurements"))
        )
        if verdict is Verdict.PASS and any(not m.passed for m in measurements):
            raise DocumentError("verdict: a run with a failed measurement cannot pass")
        try:
            limits = limits_from_mapping(_mapping(fields["limits"], "limits"))
        except LimitsError as error:
            raise DocumentError(f"limits: {error}") from None
        changes = fields.get("config_changes")
        return cls(
            url=_text(fields["url"], "url"),
            verdict=verdict,
            reason=_text(fields["reason"], "reason"),
            limits=limits,
            transcript=tuple(
                _entry(e, f"transcript[{i}]")
                for i, e in enumerate(_list(fields["transcript"], "transcript"))
            ),
            probe=_probe(fields.get("probe")),
            measurements=measurements,
            config_changes=None
            if changes is None
            else tuple(
                _change(c, f"config_changes[{i}]")
                for i, c in enumerate(_list(changes, "config_changes"))
            ),
        )


# Reading JSON, each reader naming the field it reads -----------------------------------------


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), "null" if value is None else "a number"
    )


def _fields(
    data: object, where: str, *, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, Any]:
    fields = _mapping(data, where)
    unknown = sorted(set(fields) - set(required) - set(optional))
    if unknown:
        prefix = "" if where == "the run" else f"{where}."
        raise DocumentError(f"unknown field {prefix}{unknown[0]}")
    for key in required:
        if key not in fields:
            prefix = "" if where == "the run" else f"{where}."
            raise DocumentError(f"{prefix}{key} is missing")
    return fields


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DocumentError(f"{where} must be an object, not {_type_name(value)}")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise DocumentError(f"{where} must be a list, not {_type_name(value)}")
    return value


def _text(value: object, where: str, longest: int | None = None) -> str:
    if not isinstance(value, str):
        raise DocumentError(f"{where} must be text, not {_type_name(value)}")
    if longest is not None and len(value) > longest:
        raise DocumentError(f"{where} must be text of at most {longest} characters")
    return value


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise DocumentError(f"{where} must be true or false, not {_type_name(value)}")
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DocumentError(f"{where} must be a number, not {_type_name(value)}")
    if not math.isfinite(value):
        raise DocumentError(f"{where} must be a finite number, not {value}")
    return value


def _scalar(value: object, where: str) -> Scalar:
    if isinstance(value, float):
        return _number(value, where)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise DocumentError(f"{where} must be text, a number or true/false, not {_type_name(value)}")


def _scalars(value: object, where: str, count: int | None) -> tuple[Scalar, ...]:
    values = tuple(_scalar(v, f"{where}[{i}]") for i, v in enumerate(_list(value, where)))
    if count is not None and len(values) != count:
        raise DocumentError(f"{where} must hold {count} values, not {len(values)}")
    return values


def _value(value: object, where: str) -> Any:
    """A measured value: a scalar or a list of scalars."""
    if isinstance(value, list):
        return [_scalar(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return _scalar(value, where)


def _enum(kind: type[_E], value: object, where: str) -> _E:
    for member in kind:
        if member.value == value and isinstance(value, str):
            return member
    known = ", ".join(member.value for member in kind)
    raise DocumentError(f"{where} must be one of {known}, not {value!r}")


def _finite_everywhere(value: object, where: str) -> None:
    """Refuse NaN and infinity anywhere inside an open-ended part (the probe)."""
    if isinstance(value, float):
        _number(value, where)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _finite_everywhere(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _finite_everywhere(inner, f"{where}[{index}]")


def _probe(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    probe = _mapping(value, "probe")
    uid = probe.get("uid")
    if uid is not None:
        _text(uid, "probe.uid", 48)
    _finite_everywhere(probe, "probe")
    return probe


def _entry(value: object, where: str) -> TranscriptEntry:
    fields = _fields(value, where, required=("t", "direction", "kind", "data"))
    direction, kind = fields["direction"], fields["kind"]
    if direction not in DIRECTIONS:
        raise DocumentError(f"{where}.direction must be one of {', '.join(DIRECTIONS)}")
    if kind not in KINDS:
        raise DocumentError(f"{where}.kind must be one of {', '.join(KINDS)}")
    return TranscriptEntry(
        _number(fields["t"], f"{where}.t"), direction, kind, _text(fields["data"], f"{where}.data")
    )


def _change(value: object, where: str) -> ConfigChange:
    fields = _fields(value, where, required=("kind", "section", "key", "expected", "actual"))
    if fields["kind"] not in _CHANGE_KINDS:
        raise DocumentError(f"{where}.kind must be one of {', '.join(_CHANGE_KINDS)}")
    expected, actual = fields["expected"], fields["actual"]
    return ConfigChange(
        fields["kind"],
        _text(fields["section"], f"{where}.section"),
        _text(fields["key"], f"{where}.key"),
        None if expected is None else _text(expected, f"{where}.expected"),
        None if actual is None else _text(actual, f"{where}.actual"),
    )
