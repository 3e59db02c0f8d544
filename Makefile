# The two commands of the README, plus the benchmarks.
#   make run    set up, migrate, load the demo data into an empty database, serve the portal
#   make test   set up and run the whole test suite (lint, types, tests)
#   make bench  print performance figures and write them under var/bench/

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): setup.cfg pyproject.toml bin/bootstrap package.json package-lock.json
	bin/bootstrap

# The demo adds demandes at every run, so it is loaded only into a database without any.
# exec: Ctrl-C reaches gunicorn directly, which stops its workers cleanly.
run: $(STAMP)
	$(BIN)/sne migrate
	if [ "$$($(BIN)/python -m guichet_portal --base-vide)" = oui ]; then $(BIN)/sne demo; fi
	# The public portal (applicants) on :8001 in the background; Ctrl-C reaches it too.
	$(BIN)/python -m public_portal &
	exec $(BIN)/python -m guichet_portal

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
