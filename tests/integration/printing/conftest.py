"""Printer tests: a printer timeout short enough that a silent printer fails a test quickly."""

import pytest


@pytest.fixture
def coordinator(app, coordinator):
    app.config["PRINTER_TIMEOUT_SECONDS"] = 0.5
    return coordinator
