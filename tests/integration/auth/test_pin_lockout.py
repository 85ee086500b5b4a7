"""PIN guessing: five wrong PINs for one name within 15 minutes lock that name for 15 minutes."""

import re

import pytest

from tests.helpers import PIN, csrf_token, make_user
from tests.integration.support import audit_events, english, text
from workshop.services import login_throttle
from workshop.services.login_throttle import LoginThrottle

WRONG = "9999"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')
LOCKED = "Too many wrong PINs for this name. Try again in {} minutes."


class Clock:
    """The throttle's clock, moved by hand: fifteen minutes pass without a test waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def clock(app) -> Clock:
    clock = Clock()
    login_throttle.init_app(app, LoginThrottle(clock=clock))
    return clock


@pytest.fixture
def tablet(app, client, clock):
    english(client)
    return client


def _log_in(client, name: str, pin: str):
    return client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": name, "pin": pin}
    )


def _logged_in(client) -> bool:
    return client.get("/").status_code == 200


def test_five_wrong_pins_lock_the_name_and_even_the_right_pin_is_refused(app, tablet):
    make_user(name="Сокіл")
    for _ in range(4):
        response = _log_in(tablet, "Сокіл", WRONG)
        assert response.status_code == 401 and "Wrong name or PIN." in text(response)
    fifth = _log_in(tablet, "сокіл", WRONG)  # the same name in another case counts too
    assert fifth.status_code == 429 and LOCKED.format(15) in text(fifth)

    right = _log_in(tablet, "Сокіл", PIN)
    assert right.status_code == 429 and LOCKED.format(15) in text(right)
    assert not _logged_in(tablet)
    [event] = audit_events(action="user.locked")
    assert event.user_id is None and event.after == {"name": "сокіл", "minutes": 15}


def test_the_lock_says_how_long_is_left_and_ends_after_fifteen_minutes(app, tablet, clock):
    make_user(name="Orel")
    for _ in range(5):
        _log_in(tablet, "Orel", WRONG)
    clock.advance(11)
    response = _log_in(tablet, "Orel", PIN)
    assert response.status_code == 429 and LOCKED.format(4) in text(response)
    clock.advance(4)
    assert _log_in(tablet, "Orel", PIN).status_code == 302
    assert _logged_in(tablet)
    assert len(audit_events(action="user.locked")) == 1  # one lockout, one event


def test_wrong_pins_spread_over_more_than_fifteen_minutes_do_not_lock(app, tablet, clock):
    make_user(name="Orel")
    for _ in range(4):
        _log_in(tablet, "Orel", WRONG)
    clock.advance(15)
    assert _log_in(tablet, "Orel", WRONG).status_code == 401
    assert _log_in(tablet, "Orel", PIN).status_code == 302
    assert audit_events(action="user.locked") == []


def test_a_right_pin_starts_the_count_again(app, tablet, client):
    make_user(name="Orel")
    for _ in range(4):
        _log_in(tablet, "Orel", WRONG)
    assert _log_in(tablet, "Orel", PIN).status_code == 302
    other = app.test_client()
    for _ in range(4):
        assert _log_in(other, "Orel", WRONG).status_code == 401
    assert _log_in(other, "Orel", PIN).status_code == 302


def test_a_locked_name_does_not_lock_anyone_else(app, tablet):
    make_user(name="Orel")
    sova = make_user(name="Sova")
    for _ in range(5):
        _log_in(tablet, "Orel", WRONG)
    other = app.test_client()
    assert _log_in(other, sova.name, PIN).status_code == 302


def test_an_unknown_name_gets_the_same_answers_as_a_known_one(app, tablet, client):
    make_user(name="Orel")
    known = [_log_in(tablet, "Orel", WRONG) for _ in range(6)]
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
