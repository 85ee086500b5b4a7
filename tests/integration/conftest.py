"""Each request of the Flask test client behaves as it does behind waitress.

The shared `app` fixture keeps one application context open for the whole
test, and Flask reuses an open context for every request of the same app, so
`flask.g` (Flask-Login's current user, Flask-WTF's CSRF token, Flask-Babel's
locale) and the database session would carry over from one request, or one
client, to the next. In the real server each request gets a fresh context.
This hook restores that: after every request `g` is emptied and anything the
request left uncommitted is rolled back, as the context teardown would do.
"""

from collections.abc import Iterator

import pytest
from flask import Flask, g

from workshop.extensions import db


@pytest.fixture
def app(app: Flask) -> Iterator[Flask]:
    @app.teardown_request
    def _end_request_as_the_server_does(_error: BaseException | None) -> None:
        for name in list(g):
            g.pop(name, None)
        db.session.rollback()

    yield app
