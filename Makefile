# Few verbs, one runner: developers and CI call the same targets.
VENV    ?= .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= 2

.PHONY: setup run test lint browser clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

# Seed the demo production into ./coldcheck.db and serve it on http://127.0.0.1:8000/.
run: setup
	$(BIN)/coldcheck demo
	$(BIN)/coldcheck status
	$(BIN)/coldcheck serve --host 127.0.0.1 --port 8000

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/mypy

browser:
	scripts/ensure-chromium

test: lint browser
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --durations=10

clean:
	rm -rf $(VENV) coldcheck.db coldcheck.db-* coldcheck-signing.key
