"""URL converters: a value from the address normalised once, at the edge, before a view sees it."""

from flask import Flask
from werkzeug.routing import BaseConverter


class SerialConverter(BaseConverter):
    """A unit's serial as typed or scanned into an address: any case, spaces around it ignored."""

    def to_python(self, value: str) -> str:
        return value.strip().upper()


def register(app: Flask) -> None:
    """Converters first: a rule naming one is compiled when its blueprint is registered."""
    app.url_map.converters["serial"] = SerialConverter
