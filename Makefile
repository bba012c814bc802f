# sarcomainfo. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8000
# The address e-mailed links point to: the port served here, unless SITE_URL says otherwise
# (in production, the public https address).
SITE_URL ?= http://127.0.0.1:$(PORT)
# Test processes (pytest-xdist): one per core; an idle one takes tests queued for another.
TEST_WORKERS ?= auto
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: help run serve test coverage bench soak lint format check-python clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

check-python:
	@scripts/find-python >/dev/null

$(PY):
	@python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	@scripts/install-pdf-libraries
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	@scripts/install-pdf-libraries
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

# The Nu Html Checker, for the accessibility tests (they skip, saying why, without npm or Java).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the HTML validity checks will be skipped."; fi

run: $(VENV)/.runtime-installed ## Set up, load the seed content and demo accounts, serve on 127.0.0.1:8000 (PORT=... to change)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py load_seed_content
	DJANGO_DEBUG=1 $(PY) manage.py create_demo_accounts
	DJANGO_DEBUG=1 SITE_URL=$(SITE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: $(VENV)/.runtime-installed ## Serve as in production: gunicorn (gunicorn.conf.py), static files collected
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py migrate --no-input
	SITE_URL=$(SITE_URL) $(BIN)/gunicorn -c gunicorn.conf.py

test: $(VENV)/.dev-installed node_modules/.installed ## Lint, check the layers, run the whole suite (on every core; TEST_WORKERS=1 for one)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=10

coverage: $(VENV)/.dev-installed node_modules/.installed ## The whole suite with line and branch coverage (pyproject.toml)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term:skip-covered

bench: $(VENV)/.runtime-installed ## Measure the public pages against a static file (PostgreSQL, wrk; see benchmarks/)
	$(PY) benchmarks/bench.py

soak: $(VENV)/.runtime-installed ## Load and faults: 60 s at 64 connections, PostgreSQL restarted, a worker killed (see benchmarks/)
	$(PY) benchmarks/soak.py

lint: $(VENV)/.dev-installed ## Check style with ruff, and the layers with import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.dev-installed ## Fix style with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove the virtual environment, installed checkers and the local database
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles test-artifacts
