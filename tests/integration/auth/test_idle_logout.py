"""A shared bench tablet left idle logs out, so nobody works under the last person's name."""

from tests.helpers import csrf_token, login, make_unit, make_user, reload
from tests.integration.support import english, move_back, text
from workshop.models import LoginSession


def _idle_for(client, minutes: float) -> None:
    """The tablet's login last used `minutes` ago."""
    move_back(LoginSession, minutes)


def test_a_tablet_idle_past_the_limit_is_logged_out_with_a_reason(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)
    _idle_for(client, 61)
    response = client.get(f"/u/{unit.serial}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = text(client.get(response.headers["Location"]))
    assert "You were logged out after 60 minutes without activity." in page
    assert client.get(f"/u/{unit.serial}").status_code == 302  # still logged out


def test_activity_within_the_limit_keeps_the_login(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    for _ in range(3):
        _idle_for(client, 59)
        assert client.get(f"/u/{unit.serial}").status_code == 200


def test_a_form_sent_after_the_limit_changes_nothing(app, client):
    volunteer = make_user()
    unit = make_unit(builder=volunteer)
    login(client, volunteer)
    english(client)
    version = reload(unit).version
    token = csrf_token(client, "/")
    _idle_for(client, 120)
    form = {
        "csrf_token": token,
        "status-version": str(version),
        "status-text": "waiting for a motor",
    }
    response = client.post(f"/u/{unit.serial}/status/hold", data=form)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "next=" not in response.headers["Location"]
    assert reload(unit).status == "active" and reload(unit).version == version


def test_the_api_answers_401_after_the_limit(app, client):
    login(client, make_user())
    _idle_for(client, 61)
    assert client.get("/api/units").status_code == 401
