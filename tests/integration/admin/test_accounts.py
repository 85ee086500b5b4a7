"""Accounts: a name or callsign, a role and a PIN that is stored only as a hash."""

import pytest
import sqlalchemy as sa

from tests.helpers import PIN, csrf_token, login, make_user, post
from tests.integration.support import audit_events, database_state, english, text
from workshop.extensions import db
from workshop.models import AuditEvent, User
from workshop.workflow import Role


def _user(name: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.name == name))


def _edit(user: User, role: str, active: bool, pin: str = "") -> dict:
    data = {f"u{user.id}-role": role, f"u{user.id}-pin": pin}
    if active:
        data[f"u{user.id}-active"] = "y"
    return data


def _can_log_in(app, name: str, pin: str) -> bool:
    client = app.test_client()
    response = client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": name, "pin": pin}
    )
    return response.status_code == 302


def test_a_coordinator_creates_an_account_and_the_pin_is_only_hashed(app, client, coordinator):
    response = post(
        client, "/admin/users", {"new-name": " Sova ", "new-role": "reviewer", "new-pin": "493817"}
    )
    assert response.status_code == 302
    user = _user("Sova")
    assert user.role == "reviewer" and user.active
    assert user.pin_hash != "493817" and "493817" not in user.pin_hash
    assert user.pin_hash.startswith(("scrypt:", "pbkdf2:"))
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                assert "493817" not in repr(tuple(row)), table.name
    event = audit_events(str(user.id), "user.create")[-1]
    assert event.after == {"name": "Sova", "role": "reviewer"} and event.user_id == coordinator.id
    assert "Sova" in text(client.get("/admin/users"))
    assert _can_log_in(app, "sova", "493817")
    assert not _can_log_in(app, "Sova", "493818")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"new-name": "Kit", "new-role": "volunteer", "new-pin": "123"},
            "A PIN is 4 to 12 digits.",
        ),
        (
            {"new-name": "Kit", "new-role": "volunteer", "new-pin": "12ab"},
            "A PIN is 4 to 12 digits.",
        ),
        (
            {"new-name": "Kit", "new-role": "volunteer", "new-pin": "1" * 13},
            "A PIN is 4 to 12 digits.",
        ),
        ({"new-name": "", "new-role": "volunteer", "new-pin": "1234"}, "This field is required."),
        # A forged role (the select offers none): refused; the form shows no field message for it.
        ({"new-name": "Kit", "new-role": "god", "new-pin": "1234"}, "Create account"),
        (
            {"new-name": "taken", "new-role": "volunteer", "new-pin": "1234"},
            "Someone is already called taken.",
        ),
    ],
)
def test_a_bad_account_form_says_why_and_changes_nothing(app, client, coordinator, form, message):
    make_user(name="Taken")
    before = database_state()
    response = post(client, "/admin/users", form)
    assert response.status_code in (200, 400)
    assert message in text(response)
    assert database_state() == before


def test_changing_a_role_and_a_pin_is_audited_without_the_pin(app, client, coordinator):
    user = make_user(Role.VOLUNTEER, name="Dzvin")
    response = post(client, f"/admin/users/{user.id}", _edit(user, "reviewer", True, "777123"))
    assert response.status_code == 302
    assert "Account updated." in text(client.get("/admin/users"))
    user = _user("Dzvin")
    assert user.role == "reviewer" and user.check_pin("777123") and not user.check_pin(PIN)
    event = audit_events(str(user.id), "user.update")[-1]
    assert event.before == {"role": "volunteer", "active": True}
    assert event.after == {"role": "reviewer", "active": True, "pin": "changed"}
    assert "777123" not in repr(event.after)
    assert _can_log_in(app, "Dzvin", "777123") and not _can_log_in(app, "Dzvin", PIN)


def test_a_deactivated_account_cannot_log_in_and_its_open_session_ends(app, client, coordinator):
    user = make_user(Role.VOLUNTEER, name="Grim")
    tablet = app.test_client()
    login(tablet, user)
    assert tablet.get("/").status_code == 200
    response = post(client, f"/admin/users/{user.id}", _edit(user, "volunteer", False))
    assert response.status_code == 302
    assert not _user("Grim").active
    assert not _can_log_in(app, "Grim", PIN)
    assert tablet.get("/").status_code == 302
    assert tablet.get("/api/units").status_code == 401
    # And back.
    assert (
        post(client, f"/admin/users/{user.id}", _edit(user, "volunteer", True)).status_code == 302
    )
    assert _can_log_in(app, "Grim", PIN)


def test_a_bad_pin_on_edit_changes_nothing(app, client, coordinator):
    user = make_user(Role.VOLUNTEER, name="Lys")
    before = database_state()
    response = post(
        client, f"/admin/users/{user.id}", _edit(user, "admin", True, "12"), follow_redirects=True
    )
    assert (
        "The account was not changed: New PIN (leave empty to keep): A PIN is 4 to 12 digits."
        in text(response)
    )
    assert database_state() == before


def test_a_coordinator_cannot_take_away_their_own_admin_rights(app, client, coordinator):
    before = database_state()
    for form in (_edit(coordinator, "volunteer", True), _edit(coordinator, "admin", False)):
        response = post(client, f"/admin/users/{coordinator.id}", form, follow_redirects=True)
        assert "You cannot take away your own coordinator rights." in text(response)
    assert database_state() == before


def test_editing_an_unknown_account_changes_nothing(app, client, coordinator):
    before = database_state()
    response = post(
        client,
        "/admin/users/999",
        {"u999-role": "admin", "u999-active": "y"},
        follow_redirects=True,
    )
    assert "No such account." in text(response)
    assert database_state() == before


def test_the_login_form_refuses_a_malformed_pin_and_a_wrong_one(app, client):
    make_user(name="Orel")
    english(client)
    for pin, status, message in [
        ("12", 400, "A PIN is 4 to 12 digits."),
        ("9999", 401, "Wrong name or PIN."),
    ]:
        response = client.post(
            "/login", data={"csrf_token": csrf_token(client), "username": "Orel", "pin": pin}
        )
        assert response.status_code == status and message in text(response)
    response = client.post("/login", data={"username": "Orel", "pin": PIN})
    assert response.status_code == 400
    assert (
        db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1
    )  # only the account's creation


def test_a_forged_role_on_a_new_account_is_named_and_changes_nothing(app, client, coordinator):
    before = database_state()
    response = post(
        client, "/admin/users", {"new-name": "Sych", "new-role": "pilot", "new-pin": "493817"}
    )
    assert response.status_code == 400
    assert "Not a valid choice." in text(response)
    assert database_state() == before
