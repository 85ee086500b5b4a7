"""A drone type's flight-controller expectations: limits and the golden configuration.

Every change is a new numbered version with its audit event; a run records the versions it
was judged against, so an old verdict can always be read against the limits it met.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from firmware_checks.config_diff import (
    DEFAULT_IGNORE,
    FLAG_COMMANDS,
    KEY_WORDS,
    SECTION_COMMANDS,
)
from firmware_checks.limits import DEFAULT_LIMITS, Limits, LimitsError, limits_from_mapping
from workshop import vocabulary
from workshop.extensions import db
from workshop.models import DroneType, GoldenConfig, LimitsVersion, User
from workshop.services import audit
from workshop.services.errors import Invalid
from workshop.validators import text_problem

GOLDEN_SOURCES = ("pasted", "file", "read")
GOLDEN_MAX = 200_000
#: A limit typed into the limits form: a version, a list of names, a number.
LIMIT_TEXT_MAX = 300
PATTERN_MAX = 200


@dataclass(frozen=True)
class Golden:
    """The golden configuration in force, or nothing to compare with."""

    text: str
    ignore: tuple[str, ...]
    version_id: int
    number: int


def current_limits(drone_type: DroneType) -> tuple[Limits, int | None]:
    """The limits in force and the id of their version; the defaults (None) before any save."""
    row = _latest(LimitsVersion, drone_type)
    if row is None:
        return DEFAULT_LIMITS, None
    return limits_from_mapping(row.limits), row.id


def limits_versions(drone_type: DroneType) -> list[LimitsVersion]:
    """Every saved version, newest first."""
    return _versions(LimitsVersion, drone_type)


@dataclass(frozen=True)
class LimitField:
    """One limit on the admin form: `key` is "section.name"; `kind` says how it is typed."""

    key: str
    kind: str  # "bool", "number", "whole", "text", "list", "numbers", "table"
    label: str
    value: str | bool


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "whole"
    if isinstance(value, float):
        return "number"
    if isinstance(value, (tuple, frozenset)):
        return "numbers" if any(isinstance(v, int) for v in value) else "list"
    if isinstance(value, Mapping):
        return "table"
    return "text"


def _shown(value: Any) -> str | bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, (tuple, frozenset)):
        return ", ".join(str(v) for v in (sorted(value) if isinstance(value, frozenset) else value))
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def limit_fields(limits: Limits, typed: Mapping[str, Any] | None = None) -> list[LimitField]:
    """Every limit the coordinator sets (all but the configuration's ignore patterns, which
    belong to the golden configuration), valued from `limits`, or as typed in a refused form."""
    fields = []
    for key, label in vocabulary.LIMIT_LABELS.items():
        section, name = key.split(".")
        kind = _kind(getattr(getattr(DEFAULT_LIMITS, section), name))
        if typed is None:
            value = _shown(getattr(getattr(limits, section), name))
        else:
            value = key in typed if kind == "bool" else str(typed.get(key, ""))
        fields.append(LimitField(key, kind, str(label), value))
    return fields


def limits_from_form(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The limits mapping from the form's fields (keyed "section.name"); Invalid names the
    field that does not read."""
    mapping: dict[str, dict[str, Any]] = {}
    for field in limit_fields(DEFAULT_LIMITS):
        section, name = field.key.split(".")
        raw = values.get(field.key)
        if isinstance(raw, str) and (problem := text_problem(raw, LIMIT_TEXT_MAX)):
            raise Invalid(_l("“%(field)s”: %(problem)s.", field=field.label, problem=problem))
        try:
            value = _parse(field.kind, raw)
        except ValueError:
            raise Invalid(
                _l("“%(field)s” does not read as a value of its kind.", field=field.label)
            ) from None
        mapping.setdefault(section, {})[name] = value
    return mapping


def _parse(kind: str, raw: Any) -> Any:
    if kind == "bool":
        return raw in (True, "y", "on", "true", "1")
    text = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw)
    items = [item.strip() for item in re.split(r"[,\s]+", text) if item.strip()]
    if kind == "number":
        return float(text.replace(",", "."))
    if kind == "whole":
        return int(text)
    if kind == "list":
        return items
    if kind == "numbers":
        return [int(item) for item in items]
    if kind == "table":
        pairs = [item.split("=") for item in re.split(r"[,;]", text) if item.strip()]
        if any(len(pair) != 2 or not pair[0].strip() or not pair[1].strip() for pair in pairs):
            raise ValueError(text)
        return {k.strip(): v.strip() for k, v in pairs}
    return text or None


def save_limits(
    drone_type: DroneType, mapping: dict[str, Any], actor: User | None
) -> LimitsVersion | None:
    """Save `mapping` (Limits.to_dict() shape, over the defaults) as the next version.

    Answers None when it equals the limits in force: an unchanged form makes no new version.
    """
    try:
        limits = limits_from_mapping(mapping)
    except LimitsError as error:
        raise Invalid(_l("The limits were not saved: %(problem)s", problem=str(error))) from None
    previous = _latest(LimitsVersion, drone_type)
    if previous is not None and limits == limits_from_mapping(previous.limits):
        return None
    row = LimitsVersion(
        drone_type=drone_type, limits=limits.to_dict(), created_by_id=actor.id if actor else None
    )
    _save_version(row, previous, actor, "limits", {"limits": row.limits})
    return row


def current_golden(drone_type: DroneType) -> Golden | None:
    row = _latest(GoldenConfig, drone_type)
    if row is None:
        return None
    return Golden(text=row.text, ignore=tuple(row.ignore), version_id=row.id, number=row.number)


def golden_versions(drone_type: DroneType) -> list[GoldenConfig]:
    """Every saved golden configuration, newest first."""
    return _versions(GoldenConfig, drone_type)


def parse_patterns(text: str) -> list[str]:
    """One pattern a line (a glob, or `re:` and a regular expression); blank lines dropped."""
    patterns = [line.strip() for line in text.splitlines() if line.strip()]
    for pattern in patterns:
        if len(pattern) > PATTERN_MAX:
            raise Invalid(_l("A pattern is at most 200 characters."))
    return patterns


def default_patterns() -> list[str]:
    """What a new golden configuration ignores unless the coordinator says otherwise."""
    return list(DEFAULT_IGNORE)


def save_golden(
    drone_type: DroneType, text: str, ignore_patterns: list[str], source: str, actor: User | None
) -> GoldenConfig:
    """Save a `diff all` as the next golden version; refused unless it reads as one."""
    if source not in GOLDEN_SOURCES:
        raise Invalid(_l("That source is not one of the choices."))
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise Invalid(_l("Paste the golden configuration or choose its file."))
    if len(text) > GOLDEN_MAX:
        raise Invalid(_l("The golden configuration is too long (at most 200000 characters)."))
    if text_problem(text, GOLDEN_MAX, multiline=True):
        # An uploaded file gets here without the form's check.
        raise Invalid(_l("The golden configuration holds a control character: is it a text file?"))
    if not _reads_as_diff(text):
        raise Invalid(_l("This is not a `diff all`: no setting could be read from it."))
    for pattern in ignore_patterns:
        if pattern.startswith("re:"):
            _check_regex(pattern[3:])
    row = GoldenConfig(
        drone_type=drone_type,
        text=text,
        ignore=list(ignore_patterns),
        source=source,
        created_by_id=actor.id if actor else None,
    )
    previous = _latest(GoldenConfig, drone_type)
    _save_version(row, previous, actor, "golden", {"source": source, "ignore": row.ignore})
    return row


#: Commands a `diff all` is made of; a text with none of them is something else.
_DIFF_COMMANDS = frozenset({"set", *KEY_WORDS, *FLAG_COMMANDS, *SECTION_COMMANDS})


def _reads_as_diff(text: str) -> bool:
    words = (line.split(maxsplit=1)[0].lower() for line in text.splitlines() if line.strip())
    return any(word in _DIFF_COMMANDS for word in words)


def text_of_upload(data: bytes) -> str:
    """A golden file's text: UTF-8 (a configurator's export), else refused."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_l("That file is not a text file of a `diff all`.")) from None


def _save_version(
    row: LimitsVersion | GoldenConfig,
    previous: LimitsVersion | GoldenConfig | None,
    actor: User | None,
    what: str,
    details: dict[str, Any],
) -> None:
    """Add `row` as the drone type's next version of `what` ("limits" or "golden"), with the
    audit event naming the version it replaces, and commit."""
    row.number = (previous.number if previous else 0) + 1
    db.session.add(row)
    key = f"{what}_version"
    audit.record(
        actor,
        f"{what}.save",
        "drone_type",
        row.drone_type.id,
        {key: previous.number if previous else None},
        {key: row.number} | details,
    )
    # Two coordinators saving one type at once both take the same number: the second is told.
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid(
            _l(
                "Someone else saved a new version a moment ago. "
                "Look at the page again and repeat your change."
            )
        ) from None


def _check_regex(expression: str) -> None:
    try:
        re.compile(expression)
    except re.error as error:
        raise Invalid(
            _l(
                "The pattern “%(pattern)s” is not a valid regular expression: %(problem)s",
                pattern=expression,
                problem=str(error),
            )
        ) from None


def _latest(model: type[LimitsVersion] | type[GoldenConfig], drone_type: DroneType):
    return db.session.scalar(
        sa.select(model)
        .where(model.drone_type_id == drone_type.id)
        .order_by(model.number.desc())
        .limit(1)
    )


def _versions(model, drone_type: DroneType) -> list:
    return list(
        db.session.scalars(
            sa.select(model)
            .where(model.drone_type_id == drone_type.id)
            .order_by(model.number.desc())
        )
    )
