# The two commands a new checkout needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Development defaults for `make run`; a value already in the environment wins.
DEV_ENV := DEBUG=$${DEBUG:-true}
PYTEST_ARGS ?=

# The exact versions installed (`make lock` regenerates them from pyproject.toml's ranges):
# requirements/base.txt for the runtime (the Dockerfile), requirements/test.txt with the test extra.
LOCK_FILES := requirements/base.txt requirements/test.txt
# pip-compile lives in a venv of its own, kept out of the project's (and out of git).
TOOLS_VENV ?= .venv-tools
PIP_COMPILE := $(TOOLS_VENV)/bin/pip-compile
PIP_TOOLS_VERSION ?= 7.6.2
# Extra pip-compile options, e.g. `make lock LOCK_ARGS=--upgrade` or
# `make lock LOCK_ARGS="--upgrade-package django"`; without them the current pins are kept.
LOCK_ARGS ?=
LOCK_FLAGS := --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
    $(LOCK_ARGS)
# The lock files' header then names `make lock` as the command that wrote them.
LOCK_ENV := CUSTOM_COMPILE_COMMAND='make lock    (keeps these pins; make lock LOCK_ARGS=--upgrade moves them)'

.PHONY: run test install lint typecheck format check clean bench lock messages

$(INSTALLED): pyproject.toml $(LOCK_FILES)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(INSTALLED)

install: $(INSTALLED)

# The lock files are for Python 3.11 on Linux (the Docker image's and CI's).
$(PIP_COMPILE):
	$(PYTHON) -c "import sys; assert sys.version_info[:2] == (3, 11), 'make lock needs Python 3.11: make lock PYTHON=python3.11'"
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install --quiet --disable-pip-version-check "pip-tools==$(PIP_TOOLS_VERSION)"

lock: $(PIP_COMPILE)
	$(LOCK_ENV) $(PIP_COMPILE) $(LOCK_FLAGS) --output-file requirements/base.txt pyproject.toml
	$(LOCK_ENV) $(PIP_COMPILE) $(LOCK_FLAGS) --extra test --constraint requirements/base.txt \
		--output-file requirements/test.txt pyproject.toml

# A development .env (DEBUG on), so `python manage.py ...` works in this checkout too, with a
# random SECRET_KEY of its own (only this file knows it; it is not in git).
.env:
	$(PYTHON) -c "import pathlib, secrets; \
	text = pathlib.Path('.env.example').read_text(); \
	assert '\nSECRET_KEY=\n' in text, '.env.example has no empty SECRET_KEY= line'; \
	key = 'SECRET_KEY=' + secrets.token_urlsafe(50); \
	pathlib.Path('.env').write_text(text.replace('\nSECRET_KEY=\n', '\n' + key + '\n', 1))"
	chmod 600 .env
	@echo "Created .env for development from .env.example (DEBUG=true, a new random SECRET_KEY)."

run: install .env
	$(DEV_ENV) $(PY) manage.py compile_translations
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_gfmd
	$(DEV_ENV) $(PY) manage.py create_demo_users
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# After marking strings in the code: brings locale/<language>/LC_MESSAGES/django.po up to
# date (new messages empty, gone ones dropped) for translators to fill in. Needs GNU gettext.
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages

test: install lint typecheck
	$(DEV_ENV) $(PY) manage.py compile_translations
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates/

# mypy with django-stubs on the modules listed in pyproject.toml's [tool.mypy] `files`.
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates/

check: install
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .venv-tools test-output

# Benchmark (not part of `make test`): recreates BENCH_DATABASE_URL, fills it with
# generate_load_data and prints one table (bench/run.py says how; bench/RESULTS.md has figures).
# Quick run:
#   make bench BENCH_ACTIONS=2000 BENCH_REQUESTS=5 BENCH_WRK_SECONDS=3
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gfmd_bench
BENCH_ACTIONS ?= 100000
BENCH_ORGANISATIONS ?= 300
BENCH_FOCAL_POINTS ?= 2000
BENCH_SEED ?= 1
BENCH_REQUESTS ?= 20
BENCH_WRK_SECONDS ?= 30
BENCH_DIGESTS ?= 0

bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_DIGESTS=$(BENCH_DIGESTS) $(PY) bench/run.py --prepare \
		--actions $(BENCH_ACTIONS) --organisations $(BENCH_ORGANISATIONS) \
		--focal-points $(BENCH_FOCAL_POINTS) --seed $(BENCH_SEED) \
		--requests $(BENCH_REQUESTS) --wrk-seconds $(BENCH_WRK_SECONDS)
