# fediart: `make run` serves a development instance on http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
# Fedify (npm) runs as an independent ActivityPub peer in the federation tests; its package
# brings its own Node 22.
PEER := tests/peers/fedify
PEER_STAMP := $(PEER)/node_modules/.installed

.PHONY: run test test-sqlite test-postgres bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@test -f fediart.toml || $(BIN)/fediart init --domain localhost:8000
	$(BIN)/fediart migrate
	$(BIN)/fediart user create demo --display-name "Demo Artist" --if-no-users \
		--bio "A demo account. Posts here are not licensed for AI training."
	$(BIN)/fediart serve

$(PEER_STAMP): $(PEER)/package-lock.json
	npm ci --prefix $(PEER) --no-audit --no-fund --loglevel=error
	touch $(PEER_STAMP)

# The whole suite, on SQLite and then on PostgreSQL (PG_URL).
test: test-sqlite test-postgres

test-sqlite: $(STAMP) $(PEER_STAMP)
	FEDIART_TEST_DATABASE=sqlite $(BIN)/pytest -q

test-postgres: $(STAMP) $(PEER_STAMP)
	FEDIART_TEST_DATABASE=postgresql FEDIART_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_http.py

clean:
	rm -rf $(VENV) .pytest_cache
