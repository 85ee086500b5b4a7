"""The coordinator who configures printers, reading English pages; the app's printer timeout
short enough that a silent printer fails a test quickly."""

import pytest

from tests.helpers import login, make_user
from tests.integration.support import english
from workshop.workflow import Role


@pytest.fixture
def coordinator(app, client):
    app.config["PRINTER_TIMEOUT_SECONDS"] = 0.5
    person = make_user(Role.ADMIN)
    login(client, person)
    english(client)
    return person
