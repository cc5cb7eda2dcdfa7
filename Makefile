# EGI: `make run` sets everything up and serves; `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PG_TEST_URL ?= $(or $(TEST_DATABASE_URL),postgresql+psycopg://postgres@127.0.0.1:5432/test)
export FLASK_APP := app

.PHONY: run serve demo test lint i18n-extract translations setup bench clean help

help:
	@echo "make run     set up (venv, deps, secret, database, demo data) and serve on http://127.0.0.1:$(PORT)"
	@echo "make test    lint and the whole suite (SQLite, then PostgreSQL when reachable)"
	@echo "make serve   gunicorn, production-like"
	@echo "make demo    re-seed the demo data"
	@echo "make bench   speed benchmarks"

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "EGI needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

instance/config.py:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "Wrote a random SECRET_KEY to instance/config.py"

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d egi/translations

setup: $(VENV)/.runtime instance/config.py translations
	$(BIN)/flask db upgrade
	$(BIN)/flask egi demo --if-empty

run: setup
	@echo ""
	@echo "EGI is starting on http://127.0.0.1:$(PORT)  (Ctrl+C stops it)"
	EGI_SESSION_COOKIE_SECURE=false EGI_REMEMBER_COOKIE_SECURE=false \
		$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

serve: setup
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --access-logfile - app:app

demo: $(VENV)/.runtime instance/config.py
	$(BIN)/flask db upgrade
	$(BIN)/flask egi demo

lint: $(VENV)/.dev
	$(BIN)/ruff check egi tests app.py bench

# Refresh the catalogues after adding strings: extract, then merge into fr and es.
i18n-extract: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o egi/translations/messages.pot --no-location --sort-output egi templates
	$(BIN)/pybabel update -i egi/translations/messages.pot -d egi/translations --no-fuzzy-matching --ignore-obsolete

test: $(VENV)/.dev translations lint
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest
	@if $(BIN)/python -m tests.pg_reachable "$(PG_TEST_URL)"; then \
		echo "== PostgreSQL pass ($(PG_TEST_URL))"; \
		TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/python -m pytest -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) is not reachable, and CI=true forbids skipping it."; exit 1; \
	else \
		echo "SKIPPED the PostgreSQL pass: no server at $(PG_TEST_URL) (set TEST_DATABASE_URL to use another)."; \
	fi

bench: $(VENV)/.dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) screenshots test-results .pytest_cache .ruff_cache
