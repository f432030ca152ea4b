# Coursewave — one entry point for humans and CI. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.setup-done
# What bandit checks in `make lint` (0 medium or high findings; pyproject.toml [tool.bandit]).
BANDIT_TARGETS := functions layers workers local infra_cdk tools benchmarks
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup web run test test-unit test-integration test-infra test-e2e lint format openapi events \
        synth deploy bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

setup: $(STAMP) web/dist/index.html ## Install everything: Python venv + packages, FFmpeg, Chromium, Node packages (CDK CLI), the web app's build

WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json

$(STAMP): pyproject.toml package.json scripts/setup.sh web/package.json web/package-lock.json
	@PYTHON=$(PYTHON) bash scripts/setup.sh
	@touch $(STAMP)

# The web app is rebuilt when its sources change (setup builds it the first time).
web/dist/index.html: $(WEB_SOURCES) | $(STAMP)
	npm run --prefix web --silent build

web: setup ## Build the web app (web/ → web/dist)

run: setup ## Run the whole platform locally at http://127.0.0.1:$${COURSEWAVE_PORT:-3000}
	$(PY) -m local

test: lint ## Run every lint step, then every test suite (unit, integration, infra, e2e)
	$(PY) -m pytest -n 2 --dist loadgroup tests

test-unit: setup ## Unit tests only (no sockets)
	$(PY) -m pytest tests/unit

test-integration: setup ## Handlers against moto in-process
	$(PY) -m pytest tests/integration

test-infra: setup ## CDK template assertions and cdk-nag
	$(PY) -m pytest tests/infra

test-e2e: setup ## The local runner over HTTP
	$(PY) -m pytest tests/e2e

lint: setup ## Every static check CI runs: ruff check + format check, the import contracts, bandit
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/bandit -c pyproject.toml -r $(BANDIT_TARGETS) -ll --quiet

format: setup ## Apply ruff fixes and formatting
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

openapi: setup ## Regenerate docs/openapi.json from the route declarations
	$(PY) -m tools.openapi

events: setup ## Regenerate events/schemas/*.json from the event models (coursewave/event_models.py)
	$(PY) -m tools.event_schemas

synth: setup ## Synthesize the CDK app (bundles Lambda assets locally, no Docker) with cdk-nag
	PATH="$(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$$PATH" cdk synth --quiet

deploy: setup ## Deploy to the AWS account in your environment (needs credentials)
	PATH="$(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$$PATH" cdk deploy --all

bench: setup ## Run the benchmarks and print their tables
	$(PY) -m benchmarks

clean: ## Remove generated files (keeps the venv)
	rm -rf cdk.out .pytest_cache .ruff_cache
