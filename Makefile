# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run run-prod test lint typecheck contracts pytest test-postgres browser messages audit clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

messages: $(INSTALLED)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: $(INSTALLED) messages
	$(BIN)/python manage.py rundemo

# The production stack on this machine, on PostgreSQL (DATABASE_URL): gunicorn, a task
# worker and the scheduler, JSON logs, /metrics (docs/deployment.md). Ctrl-C stops it.
run-prod: $(INSTALLED) messages
	bash deploy/run-local.sh

test: $(INSTALLED) messages browser lint typecheck contracts
	$(BIN)/python manage.py makemigrations --check --dry-run -v1
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy tactful benchmarks

contracts: $(INSTALLED)
	$(BIN)/lint-imports

# The database-dependent tests again, on the database named by DATABASE_URL.
test-database: $(INSTALLED) messages
	$(BIN)/pytest -m "not browser" tactful

browser:
	bash scripts/install-browser.sh

# Known vulnerabilities in the installed packages. Needs the advisory services (PyPI's JSON
# API, OSV): --strict fails when a package could not be checked, so a machine that cannot
# reach them fails rather than passes unchecked (docs/security.md).
audit: $(INSTALLED)
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

clean:
	rm -rf $(VENV) var
