"""PIN guessing: five wrong PINs for one name within 15 minutes lock that name for 15 minutes.
The count lives in the database: a restart of the app forgets none of it."""

import re

import sqlalchemy as sa

from tests.conftest import _test_app
from tests.helpers import PIN, csrf_token, make_user
from tests.integration.support import audit_events, english, move_back, text
from workshop.extensions import db
from workshop.models import LoginFailure

WRONG = "9999"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')
LOCKED = "Too many wrong PINs for this name. Try again in {} minutes."


def _log_in(client, name: str, pin: str):
    return client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": name, "pin": pin}
    )


def _after_a_restart(app, tmp_path):
    """A tablet of a new app on the same database: what a restart of the workshop computer
    gives (each of its requests runs in that app's own context)."""
    return _test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path).test_client()


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_five_wrong_pins_lock_the_name_and_even_the_right_pin_is_refused(app, client):
    english(client)
    make_user(name="Сокіл")
    for _ in range(4):
        response = _log_in(client, "Сокіл", WRONG)
        assert response.status_code == 401 and "Wrong name or PIN." in text(response)
    fifth = _log_in(client, "сокіл", WRONG)  # the same name in another case counts too
    assert fifth.status_code == 429 and LOCKED.format(15) in text(fifth)

    right = _log_in(client, "Сокіл", PIN)
    assert right.status_code == 429 and LOCKED.format(15) in text(right)
    assert not _logged_in(client)
    [event] = audit_events(action="user.locked")
    assert event.user_id is None and event.after == {"name": "сокіл", "minutes": 15}


def test_the_lock_says_how_long_is_left_and_ends_after_fifteen_minutes(app, client):
    english(client)
    make_user(name="Orel")
    for _ in range(5):
        _log_in(client, "Orel", WRONG)
    move_back(LoginFailure, 11)
    response = _log_in(client, "Orel", PIN)
    assert response.status_code == 429 and LOCKED.format(4) in text(response)
    move_back(LoginFailure, 4)
    assert _log_in(client, "Orel", PIN).status_code == 302
    assert _logged_in(client)
    assert len(audit_events(action="user.locked")) == 1  # one lockout, one event


def test_wrong_pins_spread_over_more_than_fifteen_minutes_do_not_lock(app, client):
    make_user(name="Orel")
    for _ in range(4):
        _log_in(client, "Orel", WRONG)
    move_back(LoginFailure, 15)
    assert _log_in(client, "Orel", WRONG).status_code == 401
    assert _log_in(client, "Orel", PIN).status_code == 302
    assert audit_events(action="user.locked") == []


def test_after_a_lock_ends_the_count_starts_again(app, client):
    make_user(name="Orel")
    for _ in range(5):
        _log_in(client, "Orel", WRONG)
    move_back(LoginFailure, 15)
    for _ in range(4):
        assert _log_in(client, "Orel", WRONG).status_code == 401
    assert _log_in(client, "Orel", WRONG).status_code == 429


def test_a_right_pin_starts_the_count_again(app, client):
    make_user(name="Orel")
    for _ in range(4):
        _log_in(client, "Orel", WRONG)
    assert _log_in(client, "Orel", PIN).status_code == 302
    other = app.test_client()
    for _ in range(4):
        assert _log_in(other, "Orel", WRONG).status_code == 401
    assert _log_in(other, "Orel", PIN).status_code == 302


def test_a_locked_name_does_not_lock_anyone_else(app, client):
    make_user(name="Orel")
    sova = make_user(name="Sova")
    for _ in range(5):
        _log_in(client, "Orel", WRONG)
    other = app.test_client()
    assert _log_in(other, sova.name, PIN).status_code == 302


def test_an_unknown_name_gets_the_same_answers_as_a_known_one(app, client):
    english(client)
    make_user(name="Orel")
    known = [_log_in(client, "Orel", WRONG) for _ in range(6)]
    stranger = app.test_client()
    english(stranger)
    unknown = [_log_in(stranger, "Nobody", WRONG) for _ in range(6)]
    assert (
        [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 4 + [429] * 2
    )
    for mine, theirs in zip(known, unknown, strict=True):
        page, other_page = (
            TOKEN.sub("", text(r)).replace("Orel", "Nobody") for r in (mine, theirs)
        )
        assert page == other_page
    assert [e.after["name"] for e in audit_events(action="user.locked")] == ["Orel", "Nobody"]


def test_the_names_typed_are_kept_only_as_digests(app, client):
    for _ in range(2):
        _log_in(client, "4821", WRONG)  # a PIN typed into the name field by mistake
    stored = list(db.session.scalars(sa.select(LoginFailure.name_digest)))
    assert len(stored) == 2 and all(len(d) == 64 and "4821" not in d for d in stored)


def test_a_lock_survives_a_restart_of_the_app(app, client, tmp_path):
    english(client)
    make_user(name="Orel")
    for _ in range(5):
        _log_in(client, "Orel", WRONG)
    tablet = _after_a_restart(app, tmp_path)
    english(tablet)
    response = _log_in(tablet, "Orel", PIN)
    assert response.status_code == 429 and LOCKED.format(15) in text(response)


def test_four_wrong_pins_before_a_restart_and_one_after_lock_the_name(app, client, tmp_path):
    make_user(name="Orel")
    for _ in range(4):
        _log_in(client, "Orel", WRONG)
    assert _log_in(_after_a_restart(app, tmp_path), "Orel", WRONG).status_code == 429
