# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
# The first Python 3.11+ on PATH (pyenv shims for versions not installed fail quietly here).
PYTHON_FOUND := $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; \
	then echo $$p; break; fi; done)
PYTHON ?= $(PYTHON_FOUND)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi
# The port `make run` serves on (`make run PORT=5001`). Emailed links use the same address,
# unless PORTAL_BASE_URL is set already.
PORT ?= 5000

.PHONY: install run web worker test test-fast lint db-upgrade seed clean bench

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

db-upgrade: install
	$(BIN)/flask db upgrade

seed: db-upgrade
	$(BIN)/flask demo seed

## make run: set up the SQLite database, load demo data, start web and worker together.
run: seed
	@$(BIN)/flask demo accounts
	@echo "Current two-step code for staff and admin: $$($(BIN)/flask demo code) (run 'flask --app wsgi demo code' for a new one)"
	@echo "Starting the portal on http://127.0.0.1:$(PORT) with its worker (Ctrl+C stops both)."
	@export PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(BIN)/flask worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## make test: the whole suite (browser and PostgreSQL tests included where available).
## Everything but the browser on two processes or more, then the browser journeys in one
## (one Chromium); both run, and the target fails if either does.
test: install
	status=0; \
	$(BIN)/python -m pytest -n auto -m "not browser" || status=1; \
	$(BIN)/python -m pytest -m browser || status=1; \
	exit $$status

## make test-fast: the quick core in parallel, without the browser and PostgreSQL tests,
## and fewer generated examples for the property and fuzz tests.
test-fast: install
	$(BIN)/python -m pytest -n auto -m "not browser and not postgres" --hypothesis-profile=fast

lint: install
	$(BIN)/ruff check .

## make bench: the quick benchmarks (the PostgreSQL ones create their own databases).
bench: install
	$(BIN)/python bench/clock.py
	$(BIN)/python bench/live.py
	$(BIN)/python bench/sender.py
	$(BIN)/python bench/renewals.py
	$(BIN)/python bench/centres.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
