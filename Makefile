# Passerelles — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run serve install system-deps test-deps migrate messages demo test test-sqlite test-postgres lint check ci bench clean

run: install migrate messages demo serve ## install, migrate, load the demo, serve on 127.0.0.1:8000

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

install: system-deps $(VENV)/.installed

system-deps: ## gettext builds the translations; Pango lets WeasyPrint draw PDFs
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q gettext; }
	@dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

test-deps: install ## Debian's Chromium for the browser journeys (never a browser download)
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

migrate: install
	$(PY) manage.py migrate --noinput

messages: install
	$(PY) manage.py compilemessages --ignore '.venv/*' -v 0

demo: install
	$(PY) manage.py load_demo

serve:
	@$(PY) manage.py demo_accounts --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

# Parallel: one pytest-xdist worker per CPU (`make test PYTEST_WORKERS=0` runs serially); the browser journeys all go
# to one worker (--dist loadgroup, e2e/conftest.py). See docs/testing.md.
PYTEST_WORKERS ?= auto

test: test-deps messages ## the whole suite, in parallel, on DATABASE_URL (SQLite when unset)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-logo

check: install ## what CI checks beside the tests
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-logo  # layering contracts: [tool.importlinter] in pyproject.toml
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.prod SECRET_KEY=check-only-$$(date +%s)-a-long-random-enough-value-xyz \
		ALLOWED_HOSTS=passerelles.example.org $(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .test-media .pytest_cache .import_linter_cache .grimp_cache
