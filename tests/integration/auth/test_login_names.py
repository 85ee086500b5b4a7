"""Names and callsigns are one person whatever their case, in Cyrillic as in Latin letters."""

import re
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from tests.helpers import PIN, csrf_token, login, make_user, post
from tests.integration.support import database_state, english, text
from workshop.extensions import db
from workshop.models import User
from workshop.services import accounts
from workshop.services.errors import Invalid
from workshop.workflow import Role


def _log_in(client, name: str, pin: str = PIN):
    return client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": name, "pin": pin}
    )


@pytest.mark.parametrize("typed", ["Сокіл", "сокіл", "СОКІЛ", "  сОкІл "])
def test_a_cyrillic_callsign_logs_in_typed_in_any_case(app, client, typed):
    make_user(name="Сокіл")
    response = _log_in(client, typed)
    assert response.status_code == 302
    assert "Сокіл" in text(client.get("/"))  # the header names who is logged in


def test_a_latin_name_still_logs_in_in_any_case(app, client):
    make_user(name="Orel")
    assert _log_in(client, "oREL").status_code == 302


def test_creating_a_name_that_differs_only_in_case_is_refused(app, client):
    make_user(name="Сокіл")
    coordinator = make_user(Role.ADMIN)
    login(client, coordinator)
    english(client)
    before = database_state()
    response = post(
        client, "/admin/users", {"new-name": "СОКІЛ", "new-role": "volunteer", "new-pin": "482913"}
    )
    assert response.status_code in (200, 400)  # the accounts page again, with the refusal
    assert "Someone is already called СОКІЛ." in text(response)
    assert database_state() == before
    with pytest.raises(Invalid):
        accounts.create_user(" сокіл ", "reviewer", "482913")
    db.session.rollback()
    assert db.session.scalars(sa.select(User.name).order_by(User.id)).all()[0] == "Сокіл"
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_the_names_logged_in_on_this_tablet_are_offered_at_the_login_pin_still_asked(app, client):
    for name in ("Сокіл", "Orel"):
        make_user(name=name)
        assert _log_in(client, name).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    page = text(client.get("/login"))

    offered = re.findall(r'<a class="button" href="/login\?name=([^"&]+)">', page)
    assert [unquote(name) for name in offered] == ["Orel", "Сокіл"]  # the latest first
    assert PIN not in client.get_cookie("recent_names").value  # names only
    chosen = text(client.get("/login?name=Orel"))
    assert 'value="Orel"' in chosen and 'name="pin"' in chosen and "autofocus" in chosen
    assert _log_in(client, "Orel", "0000").status_code == 401  # the PIN is still asked


@pytest.mark.parametrize("cookie", ["not json", '{"a": 1}', "%5B%22%3Cb%3E%22%5D"])
def test_a_recent_names_cookie_that_does_not_read_offers_nothing_or_escaped_words(
    app, client, cookie
):
    client.set_cookie("recent_names", cookie)

    page = text(client.get("/login"))

    assert page.count('href="/login?name=') == (1 if cookie.startswith("%5B") else 0)
    assert "<b>" not in page
