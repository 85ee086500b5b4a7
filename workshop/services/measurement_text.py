"""A run's measurements in the reader's language: names, values, limits and details.

firmware_checks says each limit and detail in English words and, since limits have a structure,
as data too (LimitSpec, DetailSpec): this is the one place the app turns that data into
sentences of its catalogs. A measurement stored without the data (before it existed, or from a
station that sent none) shows its English words, as it always did.
"""

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from flask_babel import gettext as _

from firmware_checks.json_reading import DocumentError, Scalar
from firmware_checks.measurement_specs import (
    DetailKind,
    DetailSpec,
    LimitKind,
    LimitSpec,
    fixed_text,
    number_text,
)
from workshop.vocabulary import MEASUREMENT_NAMES, STEP_NAMES, UNIT_NAMES, VALUE_WORDS

NOTHING = "—"


class StoredMeasurement(Protocol):
    """What a measurement row holds (models.BenchMeasurement), as far as its words go."""

    name: str
    value: Any
    unit: str
    limit: str
    detail: str
    limit_spec: dict[str, Any] | None
    detail_spec: dict[str, Any] | None


def _motor(name: str) -> tuple[str, str] | None:
    """("2", "rpm") for "motor_2_rpm"; None for a name that is not a motor's."""
    parts = name.split("_")
    return (parts[1], "_".join(parts[2:])) if len(parts) >= 2 and parts[0] == "motor" else None


def step_name(step: str) -> str:
    motor = _motor(step)
    if motor is not None:
        return _("Motor %(number)s", number=motor[0])
    return str(STEP_NAMES.get(step, step))


def measurement_name(name: str) -> str:
    motor = _motor(name)
    if motor is not None and motor[1] == "rpm":
        return _("Motor %(number)s speed", number=motor[0])
    if motor is not None and motor[1] == "direction":
        return _("Motor %(number)s direction", number=motor[0])
    return str(MEASUREMENT_NAMES.get(name, name))


def unit_name(unit: str) -> str:
    return str(UNIT_NAMES.get(unit, unit))


def _word(value: Scalar) -> str:
    """One value: true/false as Yes/No, known words translated, numbers as firmware_checks
    writes them."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        return str(VALUE_WORDS.get(value, value))
    return NOTHING if value is None else number_text(value)


def _words(values: Sequence[Scalar]) -> str:
    return ", ".join(_word(v) for v in values) or NOTHING


def value_text(value: Any, unit: str = "") -> str:
    """A measured value with its unit; a dash for a value that could not be measured."""
    if value is None:
        return NOTHING
    text = _words(value) if isinstance(value, list) else _word(value)
    return f"{text} {unit_name(unit)}" if unit else text


def _cells(low: Scalar, high: Scalar) -> dict[str, str]:
    return {"low": fixed_text(low, 2), "high": fixed_text(high, 2)}


_LIMITS: dict[LimitKind, Callable[[tuple[Scalar, ...]], str]] = {
    LimitKind.ANY: lambda v: _("any"),
    LimitKind.ONE_OF: lambda v: _("one of %(values)s", values=_words(v)),
    LimitKind.INCLUDES: lambda v: _("includes %(values)s", values=_words(v)),
    LimitKind.ONLY_ALLOWED: lambda v: _("only allowed flags"),
    LimitKind.EQUALS: lambda v: _("= %(value)s", value=_word(v[0])),
    LimitKind.IS: lambda v: _word(v[0]),
    LimitKind.NONE: lambda v: "0",
    LimitKind.AT_LEAST: lambda v: _(">= %(value)s", value=_word(v[0])),
    LimitKind.AT_MOST: lambda v: _("<= %(value)s", value=_word(v[0])),
    LimitKind.ABOVE: lambda v: _("> %(value)s", value=_word(v[0])),
    LimitKind.RANGE: lambda v: _(">= %(low)s and <= %(high)s", low=_word(v[0]), high=_word(v[1])),
    LimitKind.WITHIN: lambda v: _(
        "%(centre)s +/- %(tolerance)s", centre=_word(v[0]), tolerance=_word(v[1])
    ),
    LimitKind.CELL_VOLTAGE: lambda v: _("%(low)s-%(high)s V/cell", **_cells(v[0], v[1])),
    LimitKind.CELL_VOLTAGE_OR_USB: lambda v: _(
        "USB only (< %(usb)s V) or %(low)s-%(high)s V/cell", usb=_word(v[2]), **_cells(v[0], v[1])
    ),
}

#: Limits whose number is followed by the measurement's unit.
_WITH_UNIT = frozenset({LimitKind.AT_LEAST, LimitKind.AT_MOST, LimitKind.ABOVE, LimitKind.WITHIN})

_DETAILS: dict[DetailKind, Callable[[tuple[Scalar, ...]], str]] = {
    DetailKind.VERSION_UNREADABLE: lambda v: _(
        "cannot read a version number in “%(text)s”", text=_word(v[0])
    ),
    DetailKind.MISSING: lambda v: _("missing: %(names)s", names=_words(v)),
    DetailKind.NOT_ALLOWED: lambda v: _("not allowed: %(flags)s", flags=_words(v)),
    DetailKind.NO_GYRO: lambda v: _("no gyro detected"),
    DetailKind.TOO_FEW_SAMPLES: lambda v: _(
        "only %(count)s raw IMU samples read", count=_word(v[0])
    ),
    DetailKind.NOISE_SAMPLES: lambda v: _(
        "standard deviation over %(count)s samples at rest", count=_word(v[0])
    ),
    DetailKind.NO_VOLTAGE: lambda v: _("no battery voltage reported"),
    DetailKind.USB_ONLY: lambda v: _("USB only, no battery"),
    DetailKind.NO_BATTERY: lambda v: _("no battery connected"),
    DetailKind.CELLS: lambda v: (
        _(
            "%(cells)sS, %(volts)s V/cell (cell count estimated)",
            cells=_word(v[0]),
            volts=fixed_text(v[1], 2),
        )
        if v[2]
        else _("%(cells)sS, %(volts)s V/cell", cells=_word(v[0]), volts=fixed_text(v[1], 2))
    ),
    DetailKind.NO_ATTITUDE: lambda v: _("no attitude reported"),
    DetailKind.ROLL_PITCH: lambda v: _(
        "roll %(roll)s, pitch %(pitch)s", roll=fixed_text(v[0], 1), pitch=fixed_text(v[1], 1)
    ),
    DetailKind.LINK_LOST: lambda v: _("arming flags: %(flags)s", flags=_words(v)),
    DetailKind.CHANNELS_NOT_REPORTED: lambda v: _(
        "channels %(channels)s not all reported", channels=_words(v)
    ),
    DetailKind.LARGEST_OFFSET: lambda v: _(
        "largest offset on channel %(channel)s: %(value)s us",
        channel=_word(v[0]),
        value=_word(v[1]),
    ),
    DetailKind.IGNORING: lambda v: _("ignoring: %(patterns)s", patterns=_words(v)),
    DetailKind.SAVE_REFUSED: lambda v: _(
        "the board refused to save, nothing was written: %(message)s", message=_word(v[0])
    ),
    DetailKind.STOPPED_EARLY: lambda v: _("stopped before its time"),
    DetailKind.NO_RPM: lambda v: _(
        "the firmware reports no RPM: direction and spin are seen by eye"
    ),
    DetailKind.SPIN: lambda v: _(
        "%(throttle)s %% for %(seconds)s s", throttle=_word(v[0]), seconds=_word(v[1])
    ),
    DetailKind.SEEN_BY_PERSON: lambda v: _("seen by the person at the bench"),
}


def _limit_spec(m: StoredMeasurement) -> LimitSpec | None:
    try:
        return None if m.limit_spec is None else LimitSpec.from_json(m.limit_spec, "limit")
    except DocumentError:
        return None  # a row that was tampered with still shows its words


def _detail_spec(m: StoredMeasurement) -> DetailSpec | None:
    try:
        return None if m.detail_spec is None else DetailSpec.from_json(m.detail_spec, "detail")
    except DocumentError:
        return None


def limit_text(m: StoredMeasurement) -> str:
    """The limit in the reader's language, with its unit where a number needs one."""
    spec = _limit_spec(m)
    if spec is None:
        return f"{m.limit} {m.unit}" if m.unit and m.limit[:1] in "<>" else m.limit
    text = _LIMITS[spec.kind](spec.values)
    return f"{text} {unit_name(spec.unit)}" if spec.unit and spec.kind in _WITH_UNIT else text


def detail_text(m: StoredMeasurement) -> str:
    """The detail in the reader's language; raw lines (configuration) as they were read."""
    spec = _detail_spec(m)
    return m.detail if spec is None else _DETAILS[spec.kind](spec.values)


def failed_text(measurements: Sequence[StoredMeasurement]) -> str:
    """The measurements out of limits, one clause each: "Gyro noise, yaw: 5.1 deg/s (limit <= 2
    deg/s)"; empty when none failed."""
    return "; ".join(
        _(
            "%(name)s: %(value)s (limit %(limit)s)",
            name=measurement_name(m.name),
            value=value_text(m.value, m.unit),
            limit=limit_text(m),
        )
        for m in measurements
    )
