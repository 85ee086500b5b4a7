"""The volunteers act at a workshop with stock on its shelves (`shop`, from stock_support)."""

import pytest

from tests.helpers import login
from tests.integration.stock_support import Shop, open_shop
from tests.integration.support import english


@pytest.fixture
def shop(app, client) -> Shop:
    opened = open_shop()
    login(client, opened.volunteer)
    english(client)
    return opened
