# zhenwu 镇务 — `make run` sets everything up and serves the 牛塘镇 demo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
ASSETS := src/zhenwu/static/vendor/.built
export ZHENWU_VAR_DIR ?= $(CURDIR)/var
# `make run PORT=8080 HOST=0.0.0.0` serves elsewhere than 127.0.0.1:8000.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install assets system-deps migrate demo serve test test-fast e2e lint layers typecheck migrations-check check clean

run: install assets migrate demo serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

$(ASSETS): package.json package-lock.json scripts/build-assets.mjs
	npm ci --no-audit --no-fund
	npm run build
	touch $(ASSETS)

assets: $(ASSETS)

# Debian's chromium drives the browser tests; fonts-noto-cjk renders Chinese in screenshots and PDFs.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "installing Debian packages: chromium fonts-noto-cjk"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

migrate: install
	mkdir -p $(ZHENWU_VAR_DIR)
	ZHENWU_DEBUG=1 $(VENV)/bin/zhenwu migrate --no-input -v 0

demo: migrate
	ZHENWU_DEBUG=1 $(VENV)/bin/zhenwu demo

serve:
	ZHENWU_DEBUG=1 $(VENV)/bin/zhenwu serve $(HOST):$(PORT)

# pytest exits 5 when it collected no tests: treated as a failure, not a pass.
test: install assets system-deps
	@$(VENV)/bin/pytest -q $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

test-fast: install
	$(VENV)/bin/pytest -q -m "not e2e"

e2e: install assets system-deps
	$(VENV)/bin/pytest -q -m e2e

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy $(wildcard src/zhenwu/*/services.py src/zhenwu/*/services/*.py) src/zhenwu/*/selectors.py src/zhenwu/orgs/scope.py src/zhenwu/core/crypto.py src/zhenwu/core/workcalendar.py src/zhenwu/core/web.py src/zhenwu/core/db.py src/zhenwu/core/cache.py src/zhenwu/core/ratelimit.py

# The parts depend downwards only (contract in .importlinter).
layers: install
	PYTHONPATH=src $(VENV)/bin/lint-imports

migrations-check: install
	mkdir -p $(ZHENWU_VAR_DIR)
	$(VENV)/bin/zhenwu makemigrations --check --dry-run

check: lint layers typecheck migrations-check

clean:
	rm -rf $(VENV) node_modules src/zhenwu/static/vendor staticfiles var
