"""URL converters: a value from the address normalised once, at the edge, before a view sees it."""

from flask import Flask
from werkzeug.routing import BaseConverter, PathConverter, UnicodeConverter, ValidationError

from workshop.validators import ID_MAX, id_from_text, is_control


def _plain(value: str) -> str:
    """A part of an address without control characters; with one (a NUL byte, which no
    database column takes) the address matches nothing and answers 404."""
    if any(is_control(c) for c in value):
        raise ValidationError()
    return value


class PlainConverter(UnicodeConverter):
    """The default converter (`<code>`), refusing control characters."""

    def to_python(self, value: str) -> str:
        return _plain(value)


class PlainPathConverter(PathConverter):
    """`<path:code>`, refusing control characters."""

    def to_python(self, value: str) -> str:
        return _plain(value)


class SerialConverter(BaseConverter):
    """A unit's serial as typed or scanned into an address: any case, spaces around it ignored."""

    def to_python(self, value: str) -> str:
        return _plain(value).strip().upper()


class IdConverter(BaseConverter):
    """The id of a row (`<id:run_id>`): 1 to 2**63-1. Anything else matches no address, so it
    answers 404 before a view (or the database, which cannot take a bigger number) sees it."""

    regex = rf"\d{{1,{len(str(ID_MAX))}}}"

    def to_python(self, value: str) -> int:
        number = id_from_text(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def register(app: Flask) -> None:
    """Converters first: a rule naming one is compiled when its blueprint is registered."""
    app.url_map.converters["default"] = PlainConverter
    app.url_map.converters["string"] = PlainConverter
    app.url_map.converters["path"] = PlainPathConverter
    app.url_map.converters["serial"] = SerialConverter
    app.url_map.converters["id"] = IdConverter
