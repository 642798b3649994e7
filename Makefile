# Two commands: `make run` (portal on SQLite with demo data) and `make test` (the suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.PHONY: run test setup translations translations-update db demo lint bench clean

# Offline by default: with no STRIPE_SECRET_KEY (environment or .env), localstripe is started on 127.0.0.1 (an empty
# store, development only) and the portal, its pay page and the webhook are pointed at it; localstripe's fake Stripe.js
# ignores typed card data, so every payment gets a 3-D Secure test card attached (pm_localstripe_3ds: click "Complete
# authentication"). Real keys switch to Stripe itself.
LOCALSTRIPE_PORT ?= 8420
LOCALSTRIPE := http://127.0.0.1:$(LOCALSTRIPE_PORT)
LOCALSTRIPE_ENV := STRIPE_SECRET_KEY=sk_test_localstripe STRIPE_PUBLISHABLE_KEY=pk_test_localstripe \
	STRIPE_WEBHOOK_SECRET=whsec_localstripe STRIPE_API_BASE=$(LOCALSTRIPE) STRIPE_JS_URL=$(LOCALSTRIPE)/js.stripe.com/v3/ \
	STRIPE_TEST_PAYMENT_METHOD=pm_localstripe_3ds

run: setup db demo
	@if [ -n "$$($(BIN)/python -c 'from config import Config; print(Config.STRIPE_SECRET_KEY)')" ]; then \
		exec $(BIN)/flask run --host 127.0.0.1 --port 5000; \
	fi; \
	$(BIN)/python -m app.payments.fake_stripe --port $(LOCALSTRIPE_PORT) --webhook-secret whsec_localstripe \
		--webhook-url http://127.0.0.1:5000/payments/stripe/webhook --payment-method pm_localstripe_3ds & \
	fake=$$!; trap 'kill $$fake 2>/dev/null' EXIT INT TERM; \
	env $(LOCALSTRIPE_ENV) $(BIN)/flask run --host 127.0.0.1 --port 5000

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

# Production on this machine (README, "Running in production"): the migrations, then gunicorn with gunicorn.conf.py
# in production settings; SECRET_KEY, DATABASE_URL, REDIS_URL… come from the environment or .env, haproxy in front.
.PHONY: serve
serve: setup
	APP_ENV=production $(BIN)/flask db upgrade
	APP_ENV=production exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# Writes bench/results.json (see bench/README.md): server times, then requests per second through HTTP under
# gunicorn (wrk when installed); BENCH_DATABASE_URL=postgresql+psycopg://… to measure on PostgreSQL.
bench: setup
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check app tests config.py wsgi.py $(wildcard bench)

clean:
	rm -rf $(VENV) .pytest_cache
