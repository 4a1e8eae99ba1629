# Two commands matter (see README): `make demo` and `make test`. Everything else
# is a building block they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint check pytest serve messages clean bench loadtest

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required, found " + sys.version.split()[0] if sys.version_info < (3, 11) else 0)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

.env:
	cp .env.example .env

# The board pack's PDF (WeasyPrint) loads Pango, HarfBuzz and fontconfig from the system. The app
# runs without them (the PDF link then says what is missing); say here how to get them.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core

# The accessibility tests (tests/browser/test_accessibility.py) inject axe-core into the browser;
# it comes from npm, pinned by package-lock.json. Nothing else needs Node: without npm those tests
# are skipped (REQUIRE_BROWSER=1 makes them fail).
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else \
	  echo ""; \
	  echo "WARNING: npm not found: axe-core is not installed and the accessibility tests are skipped."; \
	  echo "         Install Node.js 20+ with npm (Debian or Ubuntu: sudo apt-get install nodejs npm)."; \
	  echo ""; \
	fi

install: $(STAMP) .env $(AXE)
	@$(BIN)/python -c 'import weasyprint' >/dev/null 2>&1 || { \
	  echo ""; \
	  echo "WARNING: the board pack PDF cannot be made: WeasyPrint misses system libraries."; \
	  echo "         On Debian or Ubuntu: sudo apt-get install $(PDF_PACKAGES)"; \
	  echo "         Everything else works; the PDF tests are skipped (REQUIRE_PDF=1 makes them fail)."; \
	  echo ""; }

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(MANAGE) runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: install
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint check pytest

# Production-like: gunicorn (gunicorn.conf.py, GUNICORN_WORKERS) with whitenoise serving
# the collected, compressed static files.
serve: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput -v0
	GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py smartiberica.wsgi

# Re-extract the strings to translate and compile the catalogs (needs GNU gettext
# for extraction only; compiling is pure Python).
messages: install
	$(MANAGE) translations --update
	$(MANAGE) translations --compile

# Load test on loopback (needs wrk: apt-get install wrk): gunicorn with 2 workers, 60 s.
loadtest: install
	$(BIN)/python bench/load_test.py

# Benchmarks (not part of `make test`): PostgreSQL with 1,000,000 invoices and SQLite with
# 100,000, then the board's pages at 10k to 10M invoices (bench/scale.py; about 8.4 GB of disk at
# 10M); data generated once and reused; writes docs/benchmarks.md. See README "Benchmarks".
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/scale.py $(SCALE_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis
