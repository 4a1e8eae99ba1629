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

install: $(STAMP) .env

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
# 100,000, data generated once and reused; writes docs/benchmarks.md. See README "Benchmarks".
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis
