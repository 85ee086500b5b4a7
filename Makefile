# `make run` serves the app; `make test` installs what the tests need and runs them all, after
# `make lint` (lint, format and types).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgresql+psycopg://workshop_test:workshop_test@127.0.0.1:5432/workshop_test

.PHONY: run test lint translations messages benchmarks system-deps

$(VENV)/.run-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.txt
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

translations: $(VENV)/.run-installed
	$(VENV)/bin/pybabel compile -d workshop/translations

# Re-extract UI strings after changing templates or code; then translate the .po files.
messages: $(VENV)/.run-installed
	mkdir -p build
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o build/messages.pot .
	$(VENV)/bin/pybabel update -N --ignore-pot-creation-date -i build/messages.pot -d workshop/translations

run: translations
	$(PY) -m workshop

system-deps:
	sh tests/setup_system.sh

# Configured in pyproject.toml; any finding fails the target, and so `make test` and CI.
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Parallel workers (pytest-xdist): the suite mostly waits (servers starting, the browser, serial
# timeouts), so more workers than cores pays; worksteal keeps the long tests from ending alone.
TEST_WORKERS ?= 4
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist worksteal

test: lint $(VENV)/.dev-installed translations system-deps
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_PARALLEL)
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(PYTEST_PARALLEL) tests/integration

benchmarks: $(VENV)/.dev-installed translations
	$(PY) benchmarks/scan_to_page.py
	$(PY) benchmarks/msp_speed.py
	$(PY) benchmarks/labels.py
	$(PY) benchmarks/stock_pages.py
	$(PY) benchmarks/overview.py
