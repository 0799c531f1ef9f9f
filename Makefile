# The public entry points (see README and ../shared/docs/architecture.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
UV_VERSION := 0.13.8
# The test run gets its own Kafka, PostgreSQL and Keycloak next to a running demo: other ports, other data
# dir; its console (browser tests) listens on 28106, which the test realm's redirect URIs allow.
TEST_ENV := ANPR_RUN_DIR=$(CURDIR)/.run/test ANPR_KAFKA_PORT=29092 ANPR_KAFKA_CONTROLLER_PORT=29093 ANPR_PG_PORT=25432 \
	ANPR_KEYCLOAK_PORT=28180 ANPR_CONSOLE_PORT=28106

.PHONY: setup up down status demo test lint typecheck unit integration clean browser

setup: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock $(wildcard libs/*/pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml)
	@command -v uv >/dev/null 2>&1 || test -x "$(UV)" || python3 -m pip install --quiet --user "uv==$(UV_VERSION)" \
		|| python3 -m pip install --quiet --break-system-packages "uv==$(UV_VERSION)"
	"$$(command -v uv || echo $(UV))" sync --frozen --python 3.11
	@touch $@

up: setup
	$(BIN)/anpr up

down:
	@if [ -x $(BIN)/anpr ]; then $(BIN)/anpr down; else bash deploy/local/infra.sh down; fi

status: setup
	$(BIN)/anpr status

demo: setup
	$(BIN)/anpr demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy libs/contracts/src libs/runtime/src libs/cli/src libs/pilot/src services/*/src tools/bench/src
	$(BIN)/lint-imports --no-logo --no-cache

typecheck: lint

unit: setup
	$(BIN)/pytest -m "not integration and not e2e" -q

# The review UI's browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@test -x /usr/bin/chromium || { \
		echo "installing chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Lint, type checks, unit tests, then integration, end-to-end and browser tests against a real Kafka
# broker, PostgreSQL and Keycloak (people's logins) that this target starts and always stops again (also
# when a test fails); the OIDC settings and demo people come into the tests' environment from <run>/env.
test: setup lint browser
	$(TEST_ENV) bash deploy/local/with-infra.sh $(BIN)/pytest -q

clean:
	$(TEST_ENV) bash deploy/local/infra.sh down --purge || true
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
