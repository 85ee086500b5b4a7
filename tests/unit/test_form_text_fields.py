"""Every text field of every form carries the one text rule (a length from its column, no
control characters) or a pattern that allows only what it names; every id field the id rule."""

import importlib
import pkgutil
from collections.abc import Iterator

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Regexp

import workshop.views
from workshop.validators import Id, PlainText


def _forms(base: type = FlaskForm) -> Iterator[type]:
    for form in base.__subclasses__():
        yield form
        yield from _forms(form)


def _all_forms() -> list[type]:
    for module in pkgutil.iter_modules(workshop.views.__path__):
        importlib.import_module(f"workshop.views.{module.name}")
    return [form for form in _forms() if form.__module__.startswith("workshop.")]


def _text_fields(form: type) -> Iterator[tuple[str, object]]:
    for name in dir(form):
        unbound = getattr(form, name)
        if isinstance(getattr(unbound, "field_class", None), type) and issubclass(
            unbound.field_class, StringField
        ):
            yield name, unbound


def test_the_forms_are_found():
    names = {form.__name__ for form in _all_forms()}
    assert {"LoginForm", "FinishForm", "DroneTypeForm", "LabelBatchForm", "PortForm"} <= names


def test_every_text_field_of_every_form_has_the_text_rule_or_a_strict_pattern():
    missing = []
    for form in _all_forms():
        for name, field in _text_fields(form):
            validators = field.kwargs.get("validators") or (field.args[1:2] or [[]])[0]
            ruled = any(isinstance(v, (PlainText, Id, Regexp)) for v in validators)
            if not ruled and name != "csrf_token":
                missing.append(f"{form.__name__}.{name}")
    assert missing == []


def test_every_hidden_id_field_has_the_id_rule():
    for form in _all_forms():
        for name, field in _text_fields(form):
            if name in {"version", "bom_item", "printer", "port"}:
                validators = field.kwargs.get("validators", [])
                assert any(isinstance(v, Id) for v in validators), f"{form.__name__}.{name}"
