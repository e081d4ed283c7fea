# Few verbs, one runner: developers and CI call the same targets.
VENV    ?= .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= 2

.PHONY: setup run test lint unit clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

# Seed the demo production into ./coldcheck.db and show the board.
run: setup
	$(BIN)/coldcheck init
	$(BIN)/coldcheck demo
	$(BIN)/coldcheck status
	@echo
	@echo "Try: $(BIN)/coldcheck who-held colt-1    (and: declared, chambers, trained,"
	@echo "     concerns, authority, incidents, log, verify, rules; --help on any)"

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --durations=10

clean:
	rm -rf $(VENV) coldcheck.db coldcheck.db-* coldcheck-signing.key
