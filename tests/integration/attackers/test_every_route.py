"""Every address of the app, walked with an id beyond 64 bits and a NUL byte in each place a
request can carry one (the address, the query, every form field any form has), finds no 500,
and every answer carries the Content-Security-Policy.

The table is the app's own url_map: a route added later is walked without touching this test.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.routing import Rule

from tests.helpers import csrf_token, login, make_unit, make_user
from tests.integration.support import english
from workshop.services import ports, stations
from workshop.workflow import Role, Stage

OVERLONG_ID = "99999999999999999999"
NUL = "a\x00b"
#: The prefixes the unit page and the admin pages give their forms.
PREFIXES = ("", "fail-", "status-", "part-", "deliver-", "back-", "approve-", "reject-", "new-")
#: Fields read straight from the request rather than through a form.
PLACEHOLDER = re.compile(r"<([^>]*)>")
RAW_FIELDS = ("item", "next", "job-1", "direction-1", "stage", "stock", "firmware.variants")


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    form: dict[str, str]

    def __str__(self) -> str:
        return f"{self.method} {self.path!r}"


def _form_classes(base: type = FlaskForm) -> Iterator[type]:
    for form in base.__subclasses__():
        yield form
        yield from _form_classes(form)


def _field_names() -> set[str]:
    names = set(RAW_FIELDS)
    for form in _form_classes():
        for name in dir(form):
            if not name.startswith("_") and hasattr(getattr(form, name), "field_class"):
                names.update(prefix + name for prefix in PREFIXES)
    names.discard("csrf_token")
    return names


def _real(rule: Rule, argument: str, serial: str) -> str:
    """A value of the argument that opens something, so the bad input reaches the view."""
    converter = type(rule._converters[argument]).__name__
    if converter == "SerialConverter":
        return serial
    if converter == "IdConverter":
        return "1"
    if converter == "AnyConverter":
        return rule._converters[argument].regex.strip("()").split("|")[0].strip("'\"")
    return {"kind": "bench", "action": "hold", "filename": "css/app.css"}.get(argument, "1")


def _path(rule: Rule, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: quote(values[m[1].split(":")[-1]], safe=""), rule.rule)


def _arguments(rule: Rule) -> list[str]:
    """The arguments in the address (not those a default fills in)."""
    return list(rule._converters)


def attempts(app: Flask, serial: str) -> Iterator[Attempt]:
    fields = _field_names()
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"GET", "POST"}):
            real = {a: _real(rule, a, serial) for a in _arguments(rule)}
            for bad in (OVERLONG_ID, NUL):
                query = f"?page={quote(bad)}&q={quote(bad)}&key={quote(bad)}&stage={quote(bad)}"
                form = dict.fromkeys(fields, bad) if method == "POST" else {}
                # The bad value in the address itself, one argument at a time ...
                for argument in _arguments(rule):
                    yield Attempt(method, _path(rule, real | {argument: bad}), form)
                # ... and in the query and every field, with an address that opens something.
                yield Attempt(method, _path(rule, real) + query, form)


@pytest.fixture
def walker(app, client):
    admin = make_user(Role.ADMIN)
    unit = make_unit(at=Stage.FLASHING)
    ports.add_port("Simulator", "sim://healthy", admin)
    login(client, admin)
    english(client)
    _row, token = stations.create_token("Bench 1", None)
    return admin, unit, token


def _walk(app: Flask, client, serial: str, token: str, admin=None) -> list[str]:
    """Every attempt sent; the ones answered with a 500."""
    token_header = {"Authorization": f"Bearer {token}"}
    failures = []
    for attempt in attempts(app, serial):
        headers = token_header if attempt.path.startswith("/api/") else {}
        if attempt.method == "GET":
            response = client.get(attempt.path, headers=headers)
        else:
            token_page = "/" if admin else "/login"
            form = attempt.form | {"csrf_token": csrf_token(client, token_page)}
            response = client.post(attempt.path, data=form, headers=headers)
        if response.status_code >= 500:
            failures.append(f"{attempt} -> {response.status_code}")
        if "Content-Security-Policy" not in response.headers:
            failures.append(f"{attempt} -> no Content-Security-Policy")
        if admin and attempt.path.startswith("/logout"):
            login(client, admin)
            english(client)
    return failures


def test_no_address_answers_500_to_an_overlong_id_or_a_nul_byte(app, client, walker):
    admin, unit, token = walker
    assert _walk(app, client, unit.serial, token, admin) == []


def test_no_address_answers_500_to_a_stranger_either(app, walker):
    _admin, unit, token = walker
    assert _walk(app, app.test_client(), unit.serial, token) == []


def test_the_walk_covers_every_route_of_the_app(app, walker):
    _admin, unit, _token = walker
    walked = {attempt.path.split("?")[0] for attempt in attempts(app, unit.serial)}
    for rule in app.url_map.iter_rules():
        if _arguments(rule):
            assert any(
                _path(rule, {a: _real(rule, a, unit.serial) for a in _arguments(rule)}) == path
                for path in walked
            ), rule.rule
        else:
            assert rule.rule in walked
