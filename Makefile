# The two commands a new machine needs: `make run` and `make test`. See README.md.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
DEMO_PERSONS ?= 2000
# pytest-xdist workers; browser tests run in their own pass.
WORKERS ?= 2
# Random histories × steps of the access policy's property test (tests/test_policy_histories.py)
# in `make test`, as in CI on SQLite (.ci/run); a bare pytest run does 40x15.
IGOR_POLICY_HISTORIES ?= 60x50
export IGOR_POLICY_HISTORIES

.PHONY: run test policy-histories lint typecheck migrations-check pytest browser-test bench bench-pages bench-crypto bench-matching bench-tips demo-big messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

messages: $(VENV)/.installed
	cd igor && IGOR_TESTING=1 ../$(BIN)/igor compilemessages --verbosity 0

run: export DEBUG = 1
run: export IGOR_DEMO = 1
run: $(VENV)/.installed messages
	mkdir -p "$${IGOR_VAR_DIR:-var}"
	$(BIN)/igor migrate --verbosity 0
	$(BIN)/igor demo --persons $(DEMO_PERSONS) --seed 1 --if-empty
	$(BIN)/igor demo_logins
	$(BIN)/igor runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	IGOR_TESTING=1 $(BIN)/mypy igor

migrations-check: $(VENV)/.installed-dev
	IGOR_TESTING=1 $(BIN)/igor makemigrations --check --dry-run

pytest: $(VENV)/.installed-dev messages
	IGOR_TESTING=1 $(BIN)/pytest -n $(WORKERS) -m "not browser" -q
	IGOR_TESTING=1 $(BIN)/pytest -m browser -q -rs

test: lint typecheck migrations-check pytest

# The access policy's property test alone at full size: 200 random histories of 50 steps.
policy-histories: $(VENV)/.installed-dev
	IGOR_TESTING=1 IGOR_POLICY_HISTORIES=400x50 $(BIN)/pytest -n $(WORKERS) -q tests/test_policy_histories.py

bench: bench-pages bench-crypto bench-matching bench-tips

bench-pages: $(VENV)/.installed-dev
	IGOR_TESTING=1 $(BIN)/igor bench_pages

# Final tip sends per second ÷ a one-row Django view, one server, load from another process
# (README: what is timed); on SQLite, then on PostgreSQL (BENCH_TIPS_POSTGRES) when reachable.
BENCH_TIPS_POSTGRES ?= postgres://postgres@127.0.0.1:5432/igor_bench_tips
bench-tips: $(VENV)/.installed-dev
	rm -rf var-bench-tips && mkdir -p var-bench-tips
	IGOR_TESTING=1 IGOR_VAR_DIR=var-bench-tips $(BIN)/igor bench_tips
	if $(BIN)/python -c "import psycopg; psycopg.connect('$(BENCH_TIPS_POSTGRES)'.rsplit('/', 1)[0] + '/postgres').close()" 2>/dev/null; then \
		DATABASE_URL=$(BENCH_TIPS_POSTGRES) IGOR_TESTING=1 IGOR_VAR_DIR=var-bench-tips $(BIN)/igor bench_tips; \
	else echo "PostgreSQL not reachable: bench-tips ran on SQLite only"; fi

# The matching benchmark's peer, splink, lives in an environment of its own: never a dependency.
BENCH_VENV := .venv-bench
MATCH_SIZES ?= 10000,100000
MATCH_QUERIES ?= 300
MATCH_FILE_PERSONS ?= 500000
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres

$(BENCH_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet "splink>=5,<6"
	touch $@

# Precision, recall, F1, p50/p95 per register size on SQLite, then on PostgreSQL (BENCH_POSTGRES,
# skipped when unreachable), each against the floor and splink; `MATCH_SIZES=10000,100000,1000000`.
bench-matching: $(VENV)/.installed-dev $(BENCH_VENV)/.installed
	IGOR_TESTING=1 $(BIN)/igor bench_matching --sizes $(MATCH_SIZES) --queries $(MATCH_QUERIES) \
		--splink-python $(BENCH_VENV)/bin/python --dir var-bench-matching
	if $(BIN)/python -c "import psycopg; psycopg.connect('$(BENCH_POSTGRES)').close()" 2>/dev/null; then \
		DATABASE_URL=$(BENCH_POSTGRES) IGOR_TESTING=1 $(BIN)/igor bench_matching --sizes $(MATCH_SIZES) \
		--queries $(MATCH_QUERIES) --splink-python $(BENCH_VENV)/bin/python --dir var-bench-matching; \
	else echo "PostgreSQL at $(BENCH_POSTGRES) not reachable: skipped"; fi
	IGOR_TESTING=1 $(BIN)/igor bench_matching_files --persons $(MATCH_FILE_PERSONS) \
		--splink-python $(BENCH_VENV)/bin/python --dir var-bench-matching

# Encryption at rest: primitives, and person saves/loads against the same without encryption,
# on a throwaway SQLite database.
bench-crypto: $(VENV)/.installed-dev
	dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	IGOR_TESTING=1 IGOR_VAR_DIR="$$dir" $(BIN)/igor migrate --verbosity 0 && \
	IGOR_TESTING=1 IGOR_VAR_DIR="$$dir" $(BIN)/igor bench_crypto

# The dashboard over BENCH_CASES cases ÷ one plain SQL aggregate over the same rows, on SQLite and
# on PostgreSQL (BENCH_POSTGRES_URL); each database is filled once and reused.
BENCH_CASES ?= 1000000
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
bench-stats: $(VENV)/.installed-dev
	IGOR_TESTING=1 $(BIN)/igor bench_stats --cases $(BENCH_CASES)
	DATABASE_URL=$(BENCH_POSTGRES_URL) IGOR_TESTING=1 $(BIN)/igor bench_stats --cases $(BENCH_CASES)

# A million demo persons in var/big/ (minutes); serve it with `IGOR_VAR_DIR=var/big make run`.
demo-big: export DEBUG = 1
demo-big: export IGOR_DEMO = 1
demo-big: export IGOR_VAR_DIR = var/big
demo-big: $(VENV)/.installed
	mkdir -p var/big
	$(BIN)/igor migrate --verbosity 0
	$(BIN)/igor demo --persons 1000000 --seed 1 --if-empty

clean:
	rm -rf $(VENV) var
