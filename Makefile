# Berkas: `make run` serves the demo on SQLite; `make test` runs ruff, mypy and pytest.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BERKAS_PORT ?= 8000
DEV    := BERKAS_ENV=development BERKAS_PORT=$(BERKAS_PORT)

.PHONY: run test lint typecheck pytest screenshots bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(DEV) $(BIN)/berkas migrate
	$(DEV) $(BIN)/berkas demo --only-if-empty
	$(DEV) $(BIN)/berkas serve

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest

test: lint typecheck pytest

# Benchmarks (never part of `make test`): SCALE=10k|100k|1m; PostgreSQL too (at 100k at most)
# when BERKAS_BENCH_POSTGRES_URL is set. Needs wrk (found on PATH, or apt-get installed as root).
SCALE ?= 100k
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.run --scale $(SCALE)

# Refresh the README's screenshots (needs Debian's chromium at /usr/bin/chromium).
screenshots: $(VENV)/.dev-installed
	BERKAS_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser/test_screenshots.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache berkas.db berkas.db-wal berkas.db-shm bench/.work
