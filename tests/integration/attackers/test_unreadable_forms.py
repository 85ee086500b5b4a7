"""Issue 12: a form whose bytes are not UTF-8 is answered "the form could not be read" (400),
not "the page expired" as if its CSRF token were missing, and changes nothing."""

import pytest

from tests.helpers import csrf_token, make_unit
from tests.integration.support import database_state, english, text

UNREADABLE = "The form could not be read. Go back and try again."
EXPIRED = "The page expired"


def test_a_form_with_bytes_that_are_not_utf8_says_it_could_not_be_read(app, client, volunteer):
    unit = make_unit(builder=volunteer)
    token = csrf_token(client, "/").encode()
    before = database_state()
    response = client.post(
        f"/u/{unit.serial}/status/hold",
        data=b"csrf_token=" + token + b"&status-version=1&status-text=\xff\xfe broken",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert UNREADABLE in text(response) and EXPIRED not in text(response)
    assert database_state() == before


def test_a_multipart_form_with_bytes_that_are_not_utf8_says_it_could_not_be_read(
    app, client, volunteer
):
    unit = make_unit(builder=volunteer)
    token = csrf_token(client, "/").encode()
    body = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % pair
        for pair in ((b"csrf_token", token), (b"version", b"1"), (b"note", b"Sok\xffil"))
    )
    before = database_state()
    response = client.post(
        f"/u/{unit.serial}/finish",
        data=body + b"--B--\r\n",
        content_type="multipart/form-data; boundary=B",
    )
    assert response.status_code == 400
    assert UNREADABLE in text(response)
    assert database_state() == before


@pytest.mark.parametrize("path", ["/login", "/scan", "/language"])
def test_an_unreadable_form_before_a_login_gets_the_same_answer(app, client, path):
    english(client)
    token = csrf_token(client).encode()
    response = client.post(
        path,
        data=b"csrf_token=" + token + b"&username=\xc3\x28&code=\xc3\x28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert UNREADABLE in text(response)


def test_a_form_without_its_token_still_says_the_page_expired(app, client, volunteer):
    unit = make_unit(builder=volunteer)
    response = client.post(f"/u/{unit.serial}/status/hold", data={"status-version": "1"})
    assert response.status_code == 400
    assert EXPIRED in text(response)
