# The two commands of the README, plus the benchmarks.
#   make run    set up, create the database and demo data, run the main job
#   make test   set up and run the whole test suite (lint, types, tests)
#   make bench  print performance figures and write them under var/bench/

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): setup.cfg pyproject.toml bin/bootstrap package.json package-lock.json
	bin/bootstrap

run: $(STAMP)
	$(BIN)/sne migrate
	$(BIN)/sne demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
