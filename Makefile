# Bangfu — every target bootstraps .venv itself and is safe to run again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
DEPS := pyproject.toml constraints.txt

.PHONY: run test test-browser lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python $(DEPS)
	$(PIP) install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	@touch $@

## make run: migrate the embedded database, load demo data if empty, serve web + worker (PORT=8000)
run: $(VENV)/.installed
	$(BIN)/bangfu run

## make test: the whole suite except the browser tests (DATABASE_URL selects PostgreSQL)
test: $(VENV)/.installed-test
	$(BIN)/pytest -m "not browser" -q

## make test-browser: the browser tests in headless Chromium (/usr/bin/chromium)
test-browser: $(VENV)/.installed-test
	$(BIN)/pytest -m browser -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make bench: benchmarks on SQLite and PostgreSQL (BENCH_LABORERS, BENCH_ROWS set the sizes; ~30 min; see docs/benchmarks.md)
$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(PIP) install --quiet -c constraints.txt -e '.[test,bench]'
	@touch $@

bench: $(VENV)/.installed-bench
	@for db in sqlite postgres; do for b in bench/bench_*.py; do \
		echo "== $$b on $$db"; BENCH_DB=$$db $(BIN)/python $$b || exit 1; done; done

## make messages: extract and compile translations (needs gettext; compiled .mo files are committed)
messages: $(VENV)/.installed
	cd bangfu && ../$(BIN)/bangfu makemessages -l zh_Hans --no-obsolete --no-location  # English is the source language
	cd bangfu && ../$(BIN)/bangfu compilemessages

clean:
	rm -rf $(VENV) var
