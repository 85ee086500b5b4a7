"""Badges: a coordinator issues and revokes them; scanning one makes its holder the active
user (after their PIN while the workshop asks for it); a revoked or unknown badge does nothing."""

import pytest

from tests.helpers import PIN, csrf_token, login, make_user
from tests.integration.support import audit_events, database_state, english, text
from workshop.extensions import db
from workshop.models import User
from workshop.services import login_throttle, settings
from workshop.workflow import Role

BASE = "http://192.168.1.10:5000"


@pytest.fixture
def coordinator(app):
    return make_user(Role.ADMIN)


@pytest.fixture
def holder(app, client, coordinator):
    """A volunteer with a badge the coordinator issued through the accounts page."""
    person = make_user(name="Sokil")
    login(client, coordinator)
    response = client.post(
        f"/accounts/{person.id}/badge", data={"csrf_token": csrf_token(client, "/")}
    )
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    english(client)
    return _fresh(person)


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def scan(client, code: str):
    return client.post("/scan", data={"csrf_token": csrf_token(client), "code": code})


def working_as(client) -> str | None:
    page = text(client.get("/"))
    if 'class="user"' not in page:
        return None
    return page.split('class="user">', 1)[1].split("<", 1)[0]


def no_pin(coordinator: User) -> None:
    settings.update(settings.WorkshopSettings(badge_needs_pin=False), coordinator)


def test_issuing_a_badge_gives_a_code_a_scanner_cannot_garble_and_audits_without_it(holder):
    code = holder.badge_code
    assert code is not None and len(code) == 16
    assert set(code) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    [event] = audit_events(action="user.badge")
    assert event.entity_key == str(holder.id)
    assert code not in str(event.before) + str(event.after)


def test_a_badge_asks_for_the_pin_then_logs_its_holder_in(client, holder):
    page = scan(client, f"{BASE}/badge/{holder.badge_code}")
    assert page.status_code == 200
    assert "Badge of Sokil" in text(page) and 'name="pin"' in text(page)
    assert working_as(client) is None

    done = client.post(
        "/badge", data={"csrf_token": csrf_token(client), "code": holder.badge_code, "pin": PIN}
    )
    assert done.status_code == 302
    assert working_as(client) == "Sokil"


def test_a_wrong_pin_on_a_badge_logs_nobody_in(client, holder):
    before = database_state()
    response = client.post(
        "/badge", data={"csrf_token": csrf_token(client), "code": holder.badge_code, "pin": "9999"}
    )
    assert response.status_code == 401
    assert "Wrong PIN." in text(response)
    assert working_as(client) is None
    assert database_state() == before


def test_wrong_badge_pins_count_towards_the_name_lock(app, client, holder):
    for _ in range(login_throttle.LIMIT - 1):
        client.post(
            "/badge",
            data={"csrf_token": csrf_token(client), "code": holder.badge_code, "pin": "9999"},
        )
    locked = client.post(
        "/badge", data={"csrf_token": csrf_token(client), "code": holder.badge_code, "pin": "9999"}
    )
    assert locked.status_code == 429
    by_name = client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": "sokil", "pin": PIN}
    )
    assert by_name.status_code == 429
    assert working_as(client) is None


def test_without_a_pin_one_scan_switches_the_active_user(client, coordinator, holder):
    no_pin(coordinator)
    other = make_user(name="Lisa")
    login(client, other)
    assert working_as(client) == "Lisa"

    response = scan(client, f"{BASE}/badge/{holder.badge_code.lower()}")
    assert response.status_code == 302
    assert working_as(client) == "Sokil"


def test_a_badge_url_opened_by_a_camera_app_needs_a_tap_not_a_get(client, coordinator, holder):
    no_pin(coordinator)
    page = client.get(f"/badge/{holder.badge_code}")
    assert page.status_code == 200
    assert "Work as Sokil" in text(page) and 'name="pin"' not in text(page)
    assert working_as(client) is None


def test_a_revoked_badge_logs_nobody_in(client, coordinator, holder):
    old = holder.badge_code
    login(client, coordinator)
    client.post(f"/accounts/{holder.id}/badge/revoke", data={"csrf_token": csrf_token(client, "/")})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert _fresh(holder).badge_code is None
    assert [e.action for e in audit_events(action="user.badge_revoked")] == ["user.badge_revoked"]

    response = scan(client, f"{BASE}/badge/{old}")
    assert response.status_code == 302
    login_page = text(client.get(response.headers["Location"]))
    assert "This badge is not valid any more. Ask a coordinator for a new one." in login_page
    refused = client.post(
        "/badge", data={"csrf_token": csrf_token(client), "code": old, "pin": PIN}
    )
    assert refused.status_code == 302
    assert working_as(client) is None


def test_a_new_badge_replaces_the_old_one(client, coordinator, holder):
    no_pin(coordinator)
    old = holder.badge_code
    login(client, coordinator)
    client.post(f"/accounts/{holder.id}/badge", data={"csrf_token": csrf_token(client, "/")})
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    new = _fresh(holder).badge_code
    assert new and new != old

    scan(client, f"{BASE}/badge/{old}")
    assert working_as(client) is None
    scan(client, f"{BASE}/badge/{new}")
    assert working_as(client) == "Sokil"


def test_an_unknown_badge_code_says_so_and_changes_nothing(client, holder):
    before = database_state()
    response = scan(client, f"{BASE}/badge/ABCDEFGHJKLMNPQR")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "This badge is not valid any more. Ask a coordinator for a new one." in page
    assert working_as(client) is None
    assert database_state() == before


def test_a_retired_account_badge_does_not_work(client, coordinator, holder):
    no_pin(coordinator)
    holder.active = False
    db.session.commit()
    scan(client, f"{BASE}/badge/{holder.badge_code}")
    assert working_as(client) is None


def test_only_a_coordinator_issues_badges(client, holder):
    volunteer = make_user()
    login(client, volunteer)
    before = database_state()
    response = client.post(
        f"/accounts/{holder.id}/badge", data={"csrf_token": csrf_token(client, "/")}
    )
    assert response.status_code == 403
    assert database_state() == before


def test_the_accounts_page_offers_a_badge_for_each_person(client, coordinator, holder):
    other = make_user(name="Lisa")
    login(client, coordinator)
    english(client)
    page = text(client.get("/admin/users"))
    assert f'action="/accounts/{other.id}/badge"' in page
    assert f'action="/accounts/{holder.id}/badge/revoke"' in page
    assert f'action="/accounts/{other.id}/badge/revoke"' not in page
    assert "Issue a badge" in page and "New badge" in page and "Revoke the badge" in page
