"""The people integration tests act as: logged in, reading English pages."""

import pytest

from tests.helpers import login, make_user
from tests.integration.support import english
from workshop.workflow import Role


@pytest.fixture
def coordinator(app, client):
    person = make_user(Role.ADMIN)
    login(client, person)
    english(client)
    return person


@pytest.fixture
def volunteer(app, client):
    person = make_user(Role.VOLUNTEER)
    login(client, person)
    english(client)
    return person
