# fediart: `make run` serves a development instance on http://127.0.0.1:8000 (`make run PORT=8123` on
# another port), `make test` runs the suite.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
# Fedify (npm) runs as an independent ActivityPub peer in the federation tests; its package
# brings its own Node 22.
PEER := tests/peers/fedify
PEER_STAMP := $(PEER)/node_modules/.installed
# masto (npm), the client library Phanpy and Elk are built on, drives the client API in the tests.
MASTO := tests/clients/masto
MASTO_STAMP := $(MASTO)/node_modules/.installed
# axe-core (npm) checks pages for accessibility in the headless Chromium tests (tests/browser).
BROWSER := tests/browser
BROWSER_STAMP := $(BROWSER)/node_modules/.installed

.PHONY: run test test-sqlite test-postgres test-postgres-most test-postgres-federation bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# PORT is written into fediart.toml by `init` (domain localhost:PORT, and the port served); a PORT given
# on the command line or in the environment must match the fediart.toml that exists already.
run: $(STAMP)
	@test -f fediart.toml || $(BIN)/fediart init --domain localhost:$(PORT)
ifneq ($(origin PORT),file)
	@grep -q '^domain = "localhost:$(PORT)"$$' fediart.toml || { \
		echo "make run PORT=$(PORT): fediart.toml is for another address ([server] domain);" \
		     "delete fediart.toml to write a new one for localhost:$(PORT), or run without PORT" >&2; exit 1; }
endif
	$(BIN)/fediart migrate
	$(BIN)/fediart user create demo --display-name "Demo Artist" --if-no-users --admin --generate-password \
		--bio "A demo account. Posts here are not licensed for AI training."
	$(BIN)/fediart serve

$(PEER_STAMP): $(PEER)/package-lock.json
	npm ci --prefix $(PEER) --no-audit --no-fund --loglevel=error
	touch $(PEER_STAMP)

$(MASTO_STAMP): $(MASTO)/package-lock.json
	npm ci --prefix $(MASTO) --no-audit --no-fund --loglevel=error
	touch $(MASTO_STAMP)

$(BROWSER_STAMP): $(BROWSER)/package-lock.json
	npm ci --prefix $(BROWSER) --no-audit --no-fund --loglevel=error
	touch $(BROWSER_STAMP)

# The whole suite, on SQLite and on PostgreSQL (PG_URL), side by side: each pass mostly waits on real
# servers and sockets, so two at once finish in little more than the time of one. PostgreSQL's pass is
# the longer, so its federation tests (real instances, peers and clients) run as a third pass that
# starts when the SQLite pass ends. Each pass's output is printed whole when it ends, with its slowest
# tests, to keep CI's time in view.
TESTS_READY := $(STAMP) $(PEER_STAMP) $(MASTO_STAMP) $(BROWSER_STAMP)
PYTEST_SQLITE := FEDIART_TEST_DATABASE=sqlite $(BIN)/pytest -q --durations=25
PYTEST_PG := FEDIART_TEST_DATABASE=postgresql FEDIART_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -q --durations=25

test: $(TESTS_READY)
	$(MAKE) --no-print-directory -j2 --output-sync=target test-postgres-most test-sqlite test-postgres-federation

test-sqlite: $(TESTS_READY)
	$(PYTEST_SQLITE)

test-postgres: $(TESTS_READY)
	$(PYTEST_PG)

test-postgres-most: $(TESTS_READY)
	$(PYTEST_PG) --ignore=tests/federation

test-postgres-federation: $(TESTS_READY)
	$(PYTEST_PG) tests/federation

bench: $(STAMP)
	$(BIN)/python bench/bench_http.py

# The studio flow in headless Chromium, keeping its screenshots in docs/screenshots (shown in the README).
screenshots: $(STAMP) $(BROWSER_STAMP)
	FEDIART_SCREENSHOTS=docs/screenshots FEDIART_REQUIRE_BROWSER=1 $(BIN)/pytest -q tests/browser/test_studio_e2e.py

clean:
	rm -rf $(VENV) .pytest_cache
