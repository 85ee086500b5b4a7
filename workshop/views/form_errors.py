"""One sentence that says which fields of a refused form need attention."""

from flask_babel import _
from flask_wtf import FlaskForm
from wtforms import HiddenField


def field_errors(form: FlaskForm) -> str:
    # Hidden fields only go wrong when the page is stale or was tampered with.
    if any(
        isinstance(getattr(form, name), HiddenField) or name == "csrf_token" for name in form.errors
    ):
        return _("the page expired; reload it and try again")
    return "; ".join(
        f"{getattr(form, name).label.text}: {' '.join(map(str, messages))}"
        for name, messages in form.errors.items()
    )
