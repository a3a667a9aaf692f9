# Sifa: `make run` serves the platform, `make test` runs the whole suite.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install check lint format typecheck browser messages clean

$(UV):
	@echo "== installing uv (not found on PATH)"
	python3 -m pip install --user --quiet uv || python3 -m pip install --quiet --break-system-packages uv

install: $(UV)
	$(UV) sync --frozen
	$(UV) run sifa init-env
	$(UV) run sifa collectstatic --noinput -v 0

run: install
	$(UV) run sifa migrate --noinput
	$(UV) run sifa demo
	@bash scripts/serve.sh $(HOST) $(PORT)

browser:
	@bash scripts/ensure-browser.sh

test: install browser
	$(UV) run sifa makemigrations --check --dry-run
	$(UV) run pytest

bench: install
	$(UV) run python -m bench

lint: $(UV)
	$(UV) run ruff check .
	$(UV) run ruff format --check .

typecheck: $(UV)
	$(UV) run mypy

check: lint typecheck

messages: $(UV)
	cd src/sifa && $(UV) run sifa makemessages -l zh_Hans --ignore=tests

clean:
	rm -rf var/static .pytest_cache
