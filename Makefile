# The two commands that matter: `make run` (the whole platform) and `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help

TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
PYTEST_ARGS ?=

.PHONY: help env services run test lint typecheck unit bench clean

help:
	@echo "make run    - start NATS/Postgres/Redis if needed, then all four services"
	@echo "make test   - lint, type-check and the whole test suite"
	@echo "make bench  - benchmarks (JSON output)"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

env: $(if $(findstring $(TOOLS),$(UV)),$(TOOLS)/bin/uv)
	$(UV) sync --frozen --quiet

services:
	bash deploy/local/ensure-services.sh

run: env services
	$(UV) run --frozen sumctl migrate --create
	exec $(UV) run --frozen sumctl dev

lint: env
	$(UV) run --frozen ruff check shared services sumctl tests bench
	$(UV) run --frozen ruff format --check shared services sumctl tests bench

typecheck: env
	$(UV) run --frozen mypy

test: env lint typecheck
	$(UV) run --frozen pytest $(PYTEST_ARGS)

unit: env
	$(UV) run --frozen pytest tests/unit -q

bench: env services
	$(UV) run --frozen python -m bench

clean:
	rm -rf .venv $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
