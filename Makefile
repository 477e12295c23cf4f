# The project's verbs. `make run` and `make test` do all set-up on a fresh machine.

# The first Python 3.12 or newer on PATH (pyenv's shims answer only where selected).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
SCREENSHOTS_NOTE = if [ -d tests/screenshots ]; then echo "Screenshots: $(CURDIR)/tests/screenshots/"; fi
HOST ?= 127.0.0.1
PORT ?= 8000
# Every absolute link names it (feeds, sitemaps, the API): the address `make run` serves.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: install browser-deps run test test-browser lint format check messages bench bench-large bench-replica clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed: none found on PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed messages

# Compiled catalogs are built, not committed.
messages: $(VENV)/.installed
	@if [ -d locale ]; then $(MANAGE) compilemessages --ignore=.venv -v 0; fi

# axe-core and the Nu HTML Checker for the browser tests, pinned in package.json, when
# npm is there (without it the browser tests name what is missing). No install scripts:
# vnu-jar's would download a Java of its own; the machine's Java runs the checker.
browser-deps:
	@if command -v npm >/dev/null 2>&1 && [ ! node_modules/.installed -nt package.json ]; then \
		{ npm install --no-audit --no-fund --ignore-scripts --loglevel=error && touch node_modules/.installed; } \
		|| echo "npm install failed: the browser tests will name what is missing." >&2; \
	fi

run: install
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) load_demo
	@echo "Serving http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/ as 'admin' / 'admin')"
	DJANGO_DEBUG=true SITE_URL=$(SITE_URL) $(MANAGE) runserver $(HOST):$(PORT)

# The browser tests leave their screenshots in tests/screenshots/; its path closes the run.
# Tests that time the site under load run alone afterwards, so the rest of the suite
# does not skew them.
test: install browser-deps
	@$(BIN)/pytest -n 2 -rs -m "not alone" $(PYTEST_ARGS); parallel=$$?; \
	$(BIN)/pytest -rs -m alone $(PYTEST_ARGS); alone=$$?; \
	$(SCREENSHOTS_NOTE); [ $$parallel = 0 ] && [ $$alone = 0 ]

test-browser: install browser-deps
	@$(BIN)/pytest -m browser -rs $(PYTEST_ARGS); status=$$?; $(SCREENSHOTS_NOTE); exit $$status

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

bench: install
	$(BIN)/python bench/run.py --petitions 50000

bench-large: install
	$(BIN)/python bench/run.py --petitions 1000000

# The public read mix with one database server and with two (a streaming replica).
bench-replica: install
	$(BIN)/python bench/run.py --petitions 50000 --replica

clean:
	rm -rf $(VENV) staticfiles
