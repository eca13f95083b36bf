# The documented entry points. `make run` and `make test` need only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# The browser the end-to-end tests drive: Debian's Chromium.
CHROMIUM ?= /usr/bin/chromium
# GNU gettext, for `make messages` and the test that every message has its Thai.
MSGFMT ?= /usr/bin/msgfmt
# The redemption benchmark's HTTP load generator, Debian's wrk, and its ceiling, pgbench (from
# PostgreSQL's server package; the benchmark checks that it runs).
WRK ?= /usr/bin/wrk
PGBENCH ?= pgbench
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test test-fast lint format bench lock messages screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.installed-base

## run: install, migrate, load Bangkok and the demo accounts, serve on http://$(HOST)
run: $(VENV)/.installed-base
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

$(CHROMIUM):
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium

$(WRK):
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk

$(MSGFMT):
	$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext

## test: lint, checks, the suite on SQLite, then again on PostgreSQL with Redis and a worker
test: $(VENV)/.installed-dev $(CHROMIUM) $(MSGFMT)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -m "not postgres and not worker"
	$(PY) scripts/with_services.py $(PY) -m pytest

## test-fast: the SQLite suite only
test-fast: $(VENV)/.installed-dev $(CHROMIUM) $(MSGFMT)
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -m "not postgres and not worker"

## screenshots: each role's main pages in Thai, phone and desktop, into docs/screenshots/
screenshots: $(VENV)/.installed-dev $(CHROMIUM)
	env -u DATABASE_URL -u REDIS_URL FOODBANK_SCREENSHOTS=1 $(PY) -m pytest -q tests/e2e/test_screenshots.py

## bench: the performance benchmarks, on PostgreSQL (see bench/README.md)
bench: $(VENV)/.installed-dev $(WRK)
	$(PY) bench/impact.py
	WRK=$(WRK) PGBENCH=$(PGBENCH) $(PY) bench/redemptions.py
	$(PY) bench/load.py

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(VENV)/.installed-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## messages: refresh and compile the Thai translations (needs gettext)
messages: $(VENV)/.installed-dev $(MSGFMT)
	$(PY) manage.py makemessages --locale th --ignore ".venv*" --ignore "tests/*" --ignore "var/*"
	$(PY) manage.py compilemessages --locale th --ignore ".venv*"

## lock: re-pin requirements/*.txt from pyproject.toml, with hashes
lock:
	$(PYTHON) -m venv $(VENV)-lock && $(VENV)-lock/bin/pip install --quiet pip-tools
	$(VENV)-lock/bin/pip-compile --quiet --generate-hashes --no-emit-index-url --no-emit-find-links \
		--strip-extras --allow-unsafe -o requirements/base.txt pyproject.toml
	$(VENV)-lock/bin/pip-compile --quiet --generate-hashes --no-emit-index-url --no-emit-find-links \
		--strip-extras --allow-unsafe --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) $(VENV)-lock var .pytest_cache .ruff_cache
