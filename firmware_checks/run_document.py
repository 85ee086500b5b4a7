"""The run document: what one run of a flight controller found, the same on a station and on the
server.

A `RunDocument` is written once: the verdict, why, what was read (the probe), every
measurement against its limit, the configuration differences, the limits judged against and
the transcript. `to_json()` gives the document a station posts and `--json` prints;
`from_json()` reads one back and refuses, naming the field, anything it does not know: unknown
keys, wrong types, values outside an enum, numbers that are not finite.

Each measurement carries its limit twice: in English words (`limit`, for the command line and
for runs stored before limits had a structure) and as a `LimitSpec` (a kind, its values, a unit
code; measurement_specs.py) that an application renders in its own language; a detail that means
something has a `DetailSpec` likewise. Raw lines (a configuration difference, a line the CLI
refused) stay text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .config_diff import ConfigChange
from .json_reading import (
    TOP,
    DocumentError,
    boolean,
    enum_member,
    fields_of,
    list_of,
    mapping,
    number,
    plain_everywhere,
    raw_text,
    text,
    value_of,
)
from .limits import Limits, LimitsError, limits_from_mapping
from .measurement_specs import DetailSpec, LimitSpec
from .transcript import DIRECTIONS, KINDS, TranscriptEntry


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
        fields = fields_of(
            data,
            where,
            required=("name", "value", "unit", "limit", "passed"),
            optional=("detail", "limit_spec", "detail_spec"),
        )
        name = text(fields["name"], f"{where}.name", 64)
        if not name:
            raise DocumentError(f"{where}.name must not be empty")
        limit_spec = fields.get("limit_spec")
        detail_spec = fields.get("detail_spec")
        return cls(
            name=name,
            value=value_of(fields["value"], f"{where}.value"),
            unit=text(fields["unit"], f"{where}.unit", 16),
            limit=text(fields["limit"], f"{where}.limit", 300),
            passed=boolean(fields["passed"], f"{where}.passed"),
            detail=text(fields.get("detail", ""), f"{where}.detail", DETAIL_MAX, multiline=True),
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


#: The longest reason, detail and port address a document may carry: a sentence or a few, and
#: what a pyserial URL needs.
REASON_MAX = 2000
DETAIL_MAX = 2000
URL_MAX = 200

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
        fields = fields_of(data, TOP, required=_DOCUMENT_KEYS, optional=("probe", "config_changes"))
        verdict = enum_member(Verdict, fields["verdict"], "verdict")
        measurements = tuple(
            Measurement.from_json(m, f"measurements[{i}]")
            for i, m in enumerate(list_of(fields["measurements"], "measurements"))
        )
        if verdict is Verdict.PASS and any(not m.passed for m in measurements):
            raise DocumentError("verdict: a run with a failed measurement cannot pass")
        plain_everywhere(fields["limits"], "limits")
        try:
            limits = limits_from_mapping(mapping(fields["limits"], "limits"))
        except LimitsError as error:
            raise DocumentError(f"limits: {error}") from None
        changes = fields.get("config_changes")
        return cls(
            url=text(fields["url"], "url", URL_MAX),
            verdict=verdict,
            reason=text(fields["reason"], "reason", REASON_MAX, multiline=True),
            limits=limits,
            transcript=tuple(
                _entry(e, f"transcript[{i}]")
                for i, e in enumerate(list_of(fields["transcript"], "transcript"))
            ),
            probe=_probe(fields.get("probe")),
            measurements=measurements,
            config_changes=None
            if changes is None
            else tuple(
                _change(c, f"config_changes[{i}]")
                for i, c in enumerate(list_of(changes, "config_changes"))
            ),
        )


def _probe(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    probe = mapping(value, "probe")
    uid = probe.get("uid")
    if uid is not None:
        text(uid, "probe.uid", 48)
    plain_everywhere(probe, "probe")
    return probe


def _entry(value: object, where: str) -> TranscriptEntry:
    fields = fields_of(value, where, required=("t", "direction", "kind", "data"))
    direction, kind = fields["direction"], fields["kind"]
    if direction not in DIRECTIONS:
        raise DocumentError(f"{where}.direction must be one of {', '.join(DIRECTIONS)}")
    if kind not in KINDS:
        raise DocumentError(f"{where}.kind must be one of {', '.join(KINDS)}")
    return TranscriptEntry(
        number(fields["t"], f"{where}.t"),
        direction,
        kind,
        raw_text(fields["data"], f"{where}.data"),
    )


def _change(value: object, where: str) -> ConfigChange:
    fields = fields_of(value, where, required=("kind", "section", "key", "expected", "actual"))
    if fields["kind"] not in _CHANGE_KINDS:
        raise DocumentError(f"{where}.kind must be one of {', '.join(_CHANGE_KINDS)}")
    expected, actual = fields["expected"], fields["actual"]
    return ConfigChange(
        fields["kind"],
        text(fields["section"], f"{where}.section"),
        text(fields["key"], f"{where}.key"),
        None if expected is None else text(expected, f"{where}.expected"),
        None if actual is None else text(actual, f"{where}.actual"),
    )
