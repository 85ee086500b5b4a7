"""The language sticks to the tablet in its own cookie; the login never outlives the browser."""

from http.cookies import SimpleCookie

from tests.helpers import csrf_token, login, make_user
from tests.integration.support import english, text

YEAR = 365 * 24 * 3600


def _set_cookies(response) -> dict[str, SimpleCookie]:
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            cookies[name] = morsel
    return cookies


def _switch(client, lang: str):
    return client.post(
        "/language", data={"csrf_token": csrf_token(client), "lang": lang, "next": "/login"}
    )


def test_the_language_is_kept_a_year_in_its_own_cookie(app, client):
    response = _switch(client, "en")
    assert response.status_code == 302
    lang = _set_cookies(response)["lang"]
    assert lang.value == "en"
    assert int(lang["max-age"]) == YEAR and lang["samesite"] == "Lax"
    assert '<html lang="en">' in text(client.get("/login"))


def test_the_login_session_dies_with_the_browser_even_after_a_language_switch(app, client):
    volunteer = make_user()
    login(client, volunteer)
    response = _switch(client, "en")
    for name, morsel in _set_cookies(response).items():
        if name == "session":
            assert not morsel["expires"] and not morsel["max-age"], "the session became permanent"
    session = client.get_cookie("session")
    assert session is not None and session.expires is None  # a browser-session cookie


def test_closing_the_browser_logs_out_but_keeps_the_language(app, client):
    volunteer = make_user()
    login(client, volunteer)
    english(client)
    client.delete_cookie("session")  # what closing the browser does to a session cookie
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/login"
    assert '<html lang="en">' in text(response) and "Log in" in text(response)


def test_the_locale_is_read_from_the_lang_cookie_and_a_bad_value_is_ignored(app, client):
    client.set_cookie("lang", "en")
    assert '<html lang="en">' in text(client.get("/login"))
    client.set_cookie("lang", "de")
    assert '<html lang="uk">' in text(client.get("/login"))
    client.delete_cookie("lang")
    assert '<html lang="uk">' in text(client.get("/login"))


def test_an_unknown_language_is_refused_and_sets_no_cookie(app, client):
    english(client)
    response = _switch(client, "de")
    assert "lang" not in _set_cookies(response)
    assert "That language is not available." in text(client.get("/login"))
