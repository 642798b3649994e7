# Two commands: `make run` (portal on SQLite with demo data) and `make test` (the suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.PHONY: run test setup translations translations-update db demo lint bench clean

run: setup db demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP) translations

$(STAMP): requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -D messages --statistics 2>&1 | tail -n 2

# After changing user-facing strings: extract them and merge into both catalogs, then translate app/translations/id.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --omit-header -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -D messages --no-fuzzy-matching --ignore-obsolete

db: setup
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask seed-demo

# Writes bench/results.json (see bench/README.md): server times, then requests per second through HTTP under
# gunicorn (wrk when installed); BENCH_DATABASE_URL=postgresql+psycopg://… to measure on PostgreSQL.
bench: setup
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check app tests config.py wsgi.py $(wildcard bench)

clean:
	rm -rf $(VENV) .pytest_cache
