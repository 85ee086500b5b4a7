"""Reading a posted form: a body that is not UTF-8 text is refused as unreadable (400), rather
than read as an empty form that then looks like a page without its CSRF token."""

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser

#: What werkzeug puts in a multipart field for bytes that are not UTF-8; nobody types it.
REPLACEMENT = "\ufffd"


class UnreadableForm(BadRequest):
    description = "The form is not UTF-8 text."


class FormReadingRequest(Request):
    """Flask's request, with a form parser that raises instead of dropping a body it cannot
    decode (werkzeug's default, silent, answers an empty form)."""

    def make_form_data_parser(self) -> FormDataParser:
        parser = super().make_form_data_parser()
        parser.silent = False
        return parser

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except ValueError:
            self._refuse()
        # werkzeug decodes a multipart field leniently, putting U+FFFD for what is not UTF-8.
        if any(REPLACEMENT in value for value in self.form.values()):
            self._refuse()

    def _refuse(self) -> None:
        # Empty from here on, so an error page that looks at the form does not fail again.
        self.form, self.files = ImmutableMultiDict(), ImmutableMultiDict()
        raise UnreadableForm()
