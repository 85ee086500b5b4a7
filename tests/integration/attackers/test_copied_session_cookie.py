"""Issue 12, point 4: a session ends on the server. A copy of the session cookie made while
someone was logged in opens nothing once they log out, get a new PIN, are retired, or leave the
tablet idle past the limit; nor once someone else logs in on that tablet."""

import sqlalchemy as sa

from tests.helpers import PIN, csrf_token, login, make_unit, make_user, post
from tests.integration.support import english, move_back, text
from workshop.extensions import db
from workshop.models import LoginSession
from workshop.workflow import Role


def _copy_of(client, app):
    """Another browser holding the very cookie `client` holds now."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _opens_the_app(client, serial: str) -> bool:
    return client.get(f"/u/{serial}").status_code == 200


def _change_account(coordinator, person, role: str, active: bool, pin: str = "") -> None:
    """What a coordinator sends from the accounts page."""
    prefix = f"u{person.id}-"
    form = {f"{prefix}role": role, f"{prefix}pin": pin} | (
        {f"{prefix}active": "y"} if active else {}
    )
    assert post(coordinator, f"/admin/users/{person.id}", form).status_code == 302


def _ends() -> list[str | None]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(LoginSession.end_reason).order_by(LoginSession.id)))


def test_a_cookie_copied_before_logging_out_opens_nothing_after(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    copy = _copy_of(client, app)
    assert _opens_the_app(copy, unit.serial)  # the copy works while the login is open

    assert post(client, "/logout").status_code == 302
    assert not _opens_the_app(copy, unit.serial)
    assert copy.get("/api/units").status_code == 401
    assert copy.get("/print-jobs").status_code == 302
    assert _ends() == ["logout"]


def test_a_copied_cookie_cannot_reach_photos_after_logging_out(app, client):
    volunteer = make_user()
    login(client, volunteer)
    copy = _copy_of(client, app)
    post(client, "/logout")
    response = copy.get("/photos/abcdef.jpg")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_new_pin_ends_the_login_on_every_tablet(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    copy = _copy_of(client, app)
    coordinator = app.test_client()
    login(coordinator, make_user(Role.ADMIN))
    _change_account(coordinator, volunteer, "volunteer", active=True, pin="48213")
    assert not _opens_the_app(client, unit.serial)
    assert not _opens_the_app(copy, unit.serial)
    assert "pin" in _ends()
    login(client, volunteer, pin="48213")  # the new PIN logs in again
    assert _opens_the_app(client, unit.serial)


def test_a_coordinator_who_changes_their_own_pin_stays_logged_in_here_only(app, client):
    coordinator = make_user(Role.ADMIN)
    login(client, coordinator)
    elsewhere = app.test_client()
    login(elsewhere, coordinator)
    _change_account(client, coordinator, "admin", active=True, pin="7373")
    assert client.get("/admin/users").status_code == 200
    assert elsewhere.get("/admin/users").status_code == 302


def test_retiring_an_account_ends_its_logins(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    copy = _copy_of(client, app)
    coordinator = app.test_client()
    login(coordinator, make_user(Role.ADMIN))
    _change_account(coordinator, volunteer, "volunteer", active=False)
    assert not _opens_the_app(client, unit.serial)
    assert not _opens_the_app(copy, unit.serial)
    assert _ends()[0] == "retired"


def test_the_idle_timeout_ends_the_login_on_the_server(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)
    copy = _copy_of(client, app)
    move_back(LoginSession, 61)
    response = client.get(f"/u/{unit.serial}")
    assert response.status_code == 302
    assert "You were logged out after 60 minutes without activity." in text(
        client.get(response.headers["Location"])
    )
    assert _ends() == ["idle"]
    assert not _opens_the_app(copy, unit.serial)


def test_an_idle_copy_used_first_ends_the_login_for_the_tablet_too(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    copy = _copy_of(client, app)
    move_back(LoginSession, 61)
    assert not _opens_the_app(copy, unit.serial)
    assert not _opens_the_app(client, unit.serial)


def test_logging_in_as_someone_else_ends_the_login_before(app, client):
    first, second = make_user(), make_user()
    unit = make_unit(builder=first)
    login(client, first)
    copy = _copy_of(client, app)
    login(client, second)
    assert _opens_the_app(client, unit.serial)
    assert not _opens_the_app(copy, unit.serial)
    assert _ends() == ["replaced", None]


def test_a_cookie_forged_without_a_login_row_opens_nothing(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    with client.session_transaction() as session:
        # What a cookie signed by this app but from before this rule would hold.
        session["_user_id"] = str(volunteer.id)
        session["_fresh"] = True
    assert not _opens_the_app(client, unit.serial)
    response = client.post(
        "/login", data={"csrf_token": csrf_token(client), "username": volunteer.name, "pin": PIN}
    )
    assert response.status_code == 302
    assert _opens_the_app(client, unit.serial)
