# Two commands matter (see README): `make demo` and `make test`. Everything else
# is a building block they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint check pytest serve messages clean

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

check: install
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint check pytest

serve: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput
	$(MANAGE) runserver $(HOST):$(PORT)

# Re-extract the strings to translate and compile the catalogs (needs GNU gettext
# for extraction only; compiling is pure Python).
messages: install
	$(MANAGE) translations --update
	$(MANAGE) translations --compile

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
