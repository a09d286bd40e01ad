# Two entry points, both self-installing: `make run` and `make test`.
# The first run creates .venv with the newest Python 3.11+ found and installs
# the project with its test extra; later runs reuse it until pyproject changes.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
STAMP := $(VENV)/.installed
DRAFTS ?= drafts
PYTEST_ARGS ?=

.PHONY: run test clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "newsroom needs Python 3.11 or newer on PATH" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsroom --drafts $(DRAFTS)

test: $(STAMP)
	$(VENV)/bin/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

clean:
	rm -rf $(VENV)
