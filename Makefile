# Two entry points, both self-installing: `make run` and `make test`.
# The first run creates .venv with the newest Python 3.11+ found and installs
# the project with its test extra; later runs reuse it until pyproject changes.
# `make test` runs `make check` first (lint, formatting, types, layers; it stops
# at the first failure), then the tests. Each check alone: `make lint`,
# `make format-check`, `make types`, `make layers`.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
STAMP := $(VENV)/.installed
DRAFTS ?= drafts
PYTEST_ARGS ?=

.PHONY: run test check lint format-check types layers clean

SOURCES := newsroom tests benchmarks

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "newsroom needs Python 3.11 or newer on PATH" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsroom --drafts $(DRAFTS)

lint: $(STAMP)
	$(VENV)/bin/ruff check $(SOURCES)

format-check: $(STAMP)
	$(VENV)/bin/ruff format --check $(SOURCES)

# Configured in pyproject.toml ([tool.mypy]): strict on the core.
types: $(STAMP)
	$(VENV)/bin/mypy

# The import-linter contracts in pyproject.toml ([tool.importlinter]).
layers: $(STAMP)
	$(VENV)/bin/lint-imports

# In this order, stopping at the first failure (make stops on an error; the
# order holds even with make -j).
check: $(STAMP)
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory types
	@$(MAKE) --no-print-directory layers

test: check
	$(VENV)/bin/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

clean:
	rm -rf $(VENV)
