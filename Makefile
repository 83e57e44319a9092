# The two commands a new checkout needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Development defaults for `make run`; a value already in the environment wins.
DEV_ENV := DEBUG=$${DEBUG:-true}
PYTEST_ARGS ?=

.PHONY: run test install lint format check clean

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_gfmd
	$(DEV_ENV) $(PY) manage.py create_demo_users
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) test-output
