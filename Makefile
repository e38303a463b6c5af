# LoopLab: `make run` starts everything on the embedded default, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/looplab up

test: install
	$(BIN)/ruff check src tests bench docs
	$(BIN)/ruff format --check src tests bench docs
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check --fix src tests bench docs
	$(BIN)/ruff format src tests bench docs

bench: install
	$(BIN)/python bench/foundation.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
