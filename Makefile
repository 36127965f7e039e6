# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
DUNWELL := $(VENV)/bin/dunwell
STAMP := $(VENV)/.installed
SHARED ?= ../shared
DEMO_DB ?= dunwell-demo.db
IBM_CSV := $(SHARED)/data/ibm-ar/WA_Fn-UseC_-Accounts-Receivable.csv
PYTEST_ARGS ?=

.PHONY: install run test lint typecheck bench migrate clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## The main job on the SQLite default: build the demo book, print aging and metrics.
run: install
	@test -f "$(IBM_CSV)" || { echo "make run: $(IBM_CSV) not found (set SHARED=/path/to/shared)"; exit 2; }
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	export DUNWELL_DATABASE_URL=sqlite:///./$(DEMO_DB); \
	$(DUNWELL) db upgrade && \
	$(DUNWELL) import invoices "$(IBM_CSV)" --preset ibm --as-of 2014-01-31 && \
	$(DUNWELL) aging --as-of 2013-12-31 && \
	$(DUNWELL) metrics --as-of 2013-12-31

## Lint, types, layer contracts, then the whole suite on SQLite and PostgreSQL.
test: install lint typecheck
	scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

migrate: install
	$(DUNWELL) db upgrade

bench: install
	scripts/with-postgres.sh $(PY) bench/import_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(DEMO_DB)*
