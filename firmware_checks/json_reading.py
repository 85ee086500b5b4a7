"""Reading a JSON document field by field, each reader naming the field it reads in the error
it raises: what RunDocument.from_json and the measurement specs are built from."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, TypeVar


class DocumentError(ValueError):
    """A run document that cannot be read; str() names the field and what is wrong with it."""


#: A value in a spec: text, a number or true/false.
Scalar = str | int | float | bool | None
_E = TypeVar("_E", bound=StrEnum)
#: The `where` of a whole document: its fields are named bare ("verdict", not "the run.verdict").
TOP = "the run"


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), "null" if value is None else "a number"
    )


def fields_of(
    data: object, where: str, *, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, Any]:
    fields = mapping(data, where)
    unknown = sorted(set(fields) - set(required) - set(optional))
    if unknown:
        prefix = "" if where == TOP else f"{where}."
        raise DocumentError(f"unknown field {prefix}{unknown[0]}")
    for key in required:
        if key not in fields:
            prefix = "" if where == TOP else f"{where}."
            raise DocumentError(f"{prefix}{key} is missing")
    return fields


def mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DocumentError(f"{where} must be an object, not {_type_name(value)}")
    return value


def list_of(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise DocumentError(f"{where} must be a list, not {_type_name(value)}")
    return value


def is_control(character: str) -> bool:
    """A control character (C0, DEL, C1), or half of a surrogate pair (UTF-8 cannot hold one)."""
    return unicodedata.category(character) in ("Cc", "Cs")


#: What a multi-line text (a reason, a detail) may hold beyond printable characters.
LINE_BREAKS = frozenset("\n\r\t")


def text(value: object, where: str, longest: int | None = None, *, multiline: bool = False) -> str:
    """Text of at most `longest` characters without control characters (line breaks and tabs
    allowed when `multiline`)."""
    if not isinstance(value, str):
        raise DocumentError(f"{where} must be text, not {_type_name(value)}")
    if longest is not None and len(value) > longest:
        raise DocumentError(f"{where} must be text of at most {longest} characters")
    allowed = LINE_BREAKS if multiline else frozenset()
    if any(is_control(c) and c not in allowed for c in value):
        raise DocumentError(f"{where} must not hold control characters")
    return value


def raw_text(value: object, where: str) -> str:
    """Text as it came off a wire (a transcript's line), control characters and all; only what
    no text can store (half a surrogate pair) is refused."""
    if not isinstance(value, str):
        raise DocumentError(f"{where} must be text, not {_type_name(value)}")
    if any(unicodedata.category(c) == "Cs" for c in value):
        raise DocumentError(f"{where} must not hold half a surrogate pair")
    return value


def boolean(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise DocumentError(f"{where} must be true or false, not {_type_name(value)}")
    return value


def number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DocumentError(f"{where} must be a number, not {_type_name(value)}")
    if not math.isfinite(value):
        raise DocumentError(f"{where} must be a finite number, not {value}")
    return value


def scalar(value: object, where: str) -> Scalar:
    if isinstance(value, float):
        return number(value, where)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise DocumentError(f"{where} must be text, a number or true/false, not {_type_name(value)}")


def scalars(value: object, where: str, count: int | None) -> tuple[Scalar, ...]:
    values = tuple(scalar(v, f"{where}[{i}]") for i, v in enumerate(list_of(value, where)))
    if count is not None and len(values) != count:
        raise DocumentError(f"{where} must hold {count} values, not {len(values)}")
    return values


def value_of(value: object, where: str) -> Any:
    """A measured value: a scalar or a list of scalars."""
    if isinstance(value, list):
        return [scalar(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return scalar(value, where)


def enum_member(kind: type[_E], value: object, where: str) -> _E:
    for member in kind:
        if member.value == value and isinstance(value, str):
            return member
    known = ", ".join(member.value for member in kind)
    raise DocumentError(f"{where} must be one of {known}, not {value!r}")


def plain_everywhere(value: object, where: str) -> None:
    """Refuse NaN, infinity and control characters anywhere inside an open-ended part (the
    probe, the limits)."""
    if isinstance(value, float):
        number(value, where)
    elif isinstance(value, str):
        text(value, where)
    elif isinstance(value, dict):
        for key, inner in value.items():
            text(key, f"{where} key")
            plain_everywhere(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            plain_everywhere(inner, f"{where}[{index}]")
