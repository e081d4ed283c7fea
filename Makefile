# Few verbs, one runner: developers and CI call the same targets.
VENV    ?= .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= 2

.PHONY: setup run test lint browser interop clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# The fonts the PDFs embed (Debian's DejaVu Sans and Droid Sans Fallback), when missing.
setup: $(STAMP)
	scripts/ensure-fonts

# Seed the demo production into ./coldcheck.db and serve it on http://127.0.0.1:8000/.
run: setup
	$(BIN)/coldcheck demo
	$(BIN)/coldcheck status
	$(BIN)/coldcheck serve --host 127.0.0.1 --port 8000

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# Debian's chromium and axe-core (npm) for the browser tests, installed when missing.
browser:
	scripts/ensure-chromium
	scripts/ensure-axe

# Every test that touches a database runs on SQLite and on PostgreSQL. One throwaway
# PostgreSQL server (scripts/postgres-for-tests: Debian's postgresql, installed when
# missing) serves all workers on 127.0.0.1 and is stopped however pytest ends. A server
# of your own: COLDCHECK_TEST_POSTGRES_URL=postgresql+psycopg://SUPERUSER@HOST/postgres.
# --dist worksteal: a worker that runs out of tests takes half of the other's queue (its
# tail), so neither waits while the other still has tests queued; tests/conftest.py puts
# the slowest modules first for the same reason.
# Coverage is `make coverage` (the same run, measured): tracing every line slows every
# test on two cores, and it is reported, never gated.
PYTEST := $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist worksteal --durations=10 $(PYTEST_EXTRA)
COVERAGE := --cov=coldcheck --cov-report=term:skip-covered \
	--cov-report=json:test-artifacts/coverage.json

# Debian's Go and golang.org/x/mod for the C2SP interop test, installed when missing.
interop:
	scripts/ensure-go

test: lint browser interop
	@if [ -n "$$COLDCHECK_TEST_POSTGRES_URL" ]; then exec $(PYTEST); fi; \
	pgdir=$$(mktemp -d /tmp/coldcheck-pg.XXXXXX) || exit 1; \
	trap 'scripts/postgres-for-tests stop "$$pgdir"' EXIT; \
	trap 'exit 130' INT TERM HUP; \
	url=$$(scripts/postgres-for-tests start "$$pgdir") || exit 1; \
	echo "PostgreSQL for the tests: $$url"; \
	echo "$(PYTEST)"; \
	COLDCHECK_TEST_POSTGRES_URL=$$url $(PYTEST)

# The whole suite with the coverage of src/coldcheck printed at the end and written to
# test-artifacts/coverage.json.
.PHONY: coverage
coverage:
	$(MAKE) test PYTEST_EXTRA="$(COVERAGE)"

# Benchmarks (benchmarks/, docs/performance.md): the table of ratios, also as JSON in
# benchmarks/results.json. Not part of `make test`, which runs each one at tiny size.
.PHONY: bench
bench: setup
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) coldcheck.db coldcheck.db-* coldcheck-signing.key
