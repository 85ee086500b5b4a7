"""Pages for every error, in the person's language; the API answers its errors in JSON; the
language switch on a page shown after a refused form lands on a page that exists."""

import re

import pytest

from tests.helpers import csrf_token, login, make_unit, make_user, post
from tests.integration.support import english, text

NEXT = re.compile(r'name="next" value="([^"]*)"')


@pytest.fixture
def volunteer(app, client):
    person = make_user()
    login(client, person)
    return person


def _next(response) -> str:
    match = NEXT.search(text(response))
    assert match, "the page has no language switch"
    return match.group(1)


def _switch(client, lang: str, next_path: str):
    return client.post(
        "/language", data={"csrf_token": csrf_token(client, "/"), "lang": lang, "next": next_path}
    )


def test_switching_language_after_a_refused_scan_returns_to_the_page_it_came_from(
    app, client, volunteer
):
    unit = make_unit(builder=volunteer)
    page = f"http://localhost/u/{unit.serial}"
    refused = post(client, "/scan", {"code": "NOPE-2020-00001"}, headers={"Referer": page})
    assert refused.status_code == 404
    assert _next(refused) == f"/u/{unit.serial}"
    switched = _switch(client, "en", _next(refused))
    assert switched.headers["Location"] == f"/u/{unit.serial}"
    landed = client.get(switched.headers["Location"])
    assert landed.status_code == 200 and '<html lang="en">' in text(landed)


def test_without_a_referrer_the_switch_after_a_refused_form_goes_to_the_bench(
    app, client, volunteer
):
    refused = post(client, "/scan", {"code": "NOPE-2020-00001"})
    assert _next(refused) == "/"
    outside = post(
        client,
        "/scan",
        {"code": "NOPE-2020-00001"},
        headers={"Referer": "http://elsewhere.example/u/X"},
    )
    assert _next(outside) == "/"


@pytest.mark.parametrize("target", ["/scan", "/u/T7-2026-00001/finish?", "/logout"])
def test_the_switch_never_sends_a_browser_to_an_address_that_only_takes_a_form(
    app, client, volunteer, target
):
    response = _switch(client, "en", target)
    assert response.headers["Location"] == "/"
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_get_page_switches_back_to_itself(app, client, volunteer):
    page = client.get("/parts?code=ESC")
    assert _next(page) == "/parts?code=ESC"
    assert _switch(client, "en", _next(page)).headers["Location"] == "/parts?code=ESC"


def test_a_get_on_a_form_address_shows_a_translated_405_page(app, client, volunteer):
    ukrainian = client.get("/scan")
    assert ukrainian.status_code == 405 and ukrainian.headers["Allow"].startswith(
        ("POST", "OPTIONS")
    )
    assert '<html lang="uk">' in text(ukrainian) and 'class="card"' in text(ukrainian)
    english(client)
    response = client.get("/scan")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert "This address only takes a form sent from its page." in text(response)
    assert "Method Not Allowed" not in text(response)


@pytest.fixture
def broken_app(app):
    """The app with a view that fails as a bug would; errors reach the handler as in production."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/broken")
    @app.route("/api/broken")
    def broken():
        raise RuntimeError("a bug")

    return app


def test_a_bug_shows_a_translated_500_page(broken_app, client, volunteer):
    english(client)
    response = client.get("/broken")
    assert response.status_code == 500 and '<html lang="en">' in text(response)
    assert "Something went wrong" in text(response) and "a bug" not in text(response)
    api = client.get("/api/broken")
    assert api.status_code == 500 and api.get_json() == {"error": "internal server error"}


def test_the_api_answers_unknown_addresses_and_methods_in_json(app, client, volunteer):
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.get_json() == {"error": "not found"}
    wrong_method = post(client, "/api/units")
    assert wrong_method.status_code == 405 and wrong_method.get_json() == {
        "error": "method not allowed"
    }
    assert "GET" in wrong_method.headers["Allow"]


def test_the_api_answers_json_before_any_login_too(app, client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404 and response.is_json
    assert client.get("/api/units").get_json() == {"error": "login required"}
