"""Issue 12, point 5: every answer carries the Content-Security-Policy, frame protection,
nosniff and a strict Referrer-Policy; every answer with data (pages, photos, the API) is
no-store; the static files stay cacheable. No template holds inline script or style."""

import re
from pathlib import Path

import pytest

from tests.helpers import make_unit
from workshop.services import stations
from workshop.views.headers import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parents[3] / "workshop" / "templates"
#: What a strict Content-Security-Policy refuses in a page: a script without src, a style
#: element, a style attribute, an event handler attribute, a javascript: address.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
)


def _assert_secure(response) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=(self)" in headers["Permissions-Policy"]


def test_the_policy_allows_only_the_app_and_the_scanners_webassembly():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self' 'wasm-unsafe-eval'",
        "style-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


@pytest.mark.parametrize("path", ["/", "/parts", "/print-jobs", "/nowhere", "/api/units"])
def test_logged_in_pages_and_the_api_are_secure_and_not_stored(app, client, volunteer, path):
    make_unit(builder=volunteer)
    response = client.get(path)
    _assert_secure(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_the_unit_page_and_a_station_answer_are_not_stored(app, client, volunteer):
    unit = make_unit(builder=volunteer)
    _assert_secure(page := client.get(f"/u/{unit.serial}"))
    assert page.headers["Cache-Control"] == "no-store"
    _row, token = stations.create_token("Bench 1", None)
    answer = app.test_client().get(
        f"/api/units/{unit.serial}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    _assert_secure(answer)


def test_the_login_page_and_errors_carry_the_headers_too(app, client):
    for path in ("/login", "/nowhere", "/u/T7-2026-00001"):
        _assert_secure(client.get(path))


def test_static_files_stay_cacheable(app, client):
    response = client.get("/static/css/app.css")
    _assert_secure(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_no_template_holds_inline_script_or_style(template: Path):
    assert INLINE.findall(template.read_text(encoding="utf-8")) == []
