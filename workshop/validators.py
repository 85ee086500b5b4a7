"""The rules every input of the app meets, whatever form or document it comes in: ids that fit
the database, and text of a bounded length without control characters.

Pure predicates (`is_id`, `text_problem`) for services and the API, and the WTForms validators
built on them (`Id`, `PlainText`) for the forms. A form's text field takes its limit from the
model column it is stored in (`column_length`), so the form cannot accept what the database
would refuse.
"""

import unicodedata
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import ValidationError

#: Ids and version numbers are 64-bit signed integers in SQLite and PostgreSQL: a number beyond
#: this is no id of anything, and passed to the database it raises instead of finding nothing.
ID_MAX = 2**63 - 1
#: The limit of a text column that has none of its own (sa.Text): a note, a reason.
NOTE_MAX = 2000
#: The characters a multi-line text (a note, a list one item a line) may hold beyond the
#: printable ones.
LINE_BREAKS = frozenset("\n\r\t")

CONTROL = _l("it holds a control character (such as a NUL byte); type it again without")
NOT_AN_ID = _l("not a number of anything here")


def is_id(value: object) -> bool:
    """Whether `value` can be the id (or version number) of a row: a whole number 1..ID_MAX."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= ID_MAX


def id_from_text(text: str) -> int | None:
    """The id written in `text` (digits only), or None when it names none."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(ID_MAX)):
        return None
    number = int(text)
    return number if is_id(number) else None


def is_control(character: str) -> bool:
    """A control character (C0, DEL, C1) or half of a surrogate pair, which no text of a person
    holds and which UTF-8 cannot store."""
    return unicodedata.category(character) in ("Cc", "Cs")


def text_problem(value: str, longest: int, *, multiline: bool = False) -> LazyString | None:
    """What is wrong with `value` as text of at most `longest` characters; None when nothing.

    Control characters are refused; a multi-line text may break lines and hold tabs.
    """
    # A browser sends a line break as CR LF and counts it as one character, as a person does.
    length = len(value.replace("\r\n", "\n")) if multiline else len(value)
    if length > longest:
        return _l("at most %(max)d characters", max=longest)
    allowed = LINE_BREAKS if multiline else frozenset()
    if any(is_control(c) and c not in allowed for c in value):
        return CONTROL
    return None


def column_length(column: Any) -> int:
    """The length of a model's String column (`User.name`), NOTE_MAX for a Text column."""
    length = column.property.columns[0].type.length
    return int(length) if length else NOTE_MAX


class PlainText:
    """A text field's value: at most `longest` characters, no control characters (line breaks
    and tabs allowed when `multiline`)."""

    def __init__(self, longest: int, *, multiline: bool = False) -> None:
        self.longest, self.multiline = longest, multiline
        # The browser stops typing at the limit already (the maxlength attribute).
        self.field_flags = {"maxlength": longest}

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str):
            problem = text_problem(field.data, self.longest, multiline=self.multiline)
            if problem is not None:
                raise ValidationError(str(problem))


class Id:
    """A field holding the id of a row (a hidden field, a select's value): digits 1..ID_MAX."""

    def __call__(self, form: Form, field: Field) -> None:
        data = field.data
        if isinstance(data, str):
            data = id_from_text(data.strip())
        if not is_id(data):
            raise ValidationError(str(NOT_AN_ID))
