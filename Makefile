# Athar — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/athar
REDIS_URL_TEST ?= redis://127.0.0.1:6379/15
TEST_ENV := ATHAR_ENV=test DATABASE_URL=$(PG_URL) CELERY_BROKER_URL=$(REDIS_URL_TEST) REDIS_URL=$(REDIS_URL_TEST)

.PHONY: run test lint typecheck pytest smoke worker beat serve-prod bench clean

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

## run: the app with demo data on http://$(HOST):$(PORT) (SQLite under var/, Celery eager)
run: $(VENV)/.runtime
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Athar is starting on http://$(HOST):$(PORT)/  (sign in with a demo login above;"
	@echo "API docs at http://$(HOST):$(PORT)/api/docs/, admin at /admin/ as admin)."
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: lint, types, the whole suite on PostgreSQL + Redis + a real worker + Chromium, smoke on SQLite
test: $(VENV)/.dev
	bash scripts/ensure_services.sh
	$(MAKE) --no-print-directory lint typecheck pytest smoke

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev
	ATHAR_ENV=test $(VENV)/bin/mypy coding/

# pytest exits 5 when it collected no tests: that is a failure, never a silent pass.
pytest: $(VENV)/.dev
	$(TEST_ENV) $(VENV)/bin/pytest -p no:cacheprovider --timeout=300 $(PYTEST_ARGS); \
	  s=$$?; [ $$s = 5 ] && echo "pytest collected no tests" && exit 1; exit $$s

smoke: $(VENV)/.dev
	ATHAR_ENV=test DATABASE_URL=sqlite:///var/test-smoke.sqlite3 $(VENV)/bin/pytest -p no:cacheprovider -m smoke --timeout=120; \
	  s=$$?; [ $$s = 5 ] && echo "smoke run collected no tests" && exit 1; exit $$s

## worker: a Celery worker with beat inside (the periodic outbox drain) on CELERY_BROKER_URL
worker: $(VENV)/.runtime
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and DATABASE_URL first."; exit 1; }
	@mkdir -p var
	$(VENV)/bin/celery -A config worker -B --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-2}

## beat: Celery beat alone (production: one beat process, workers started without -B)
beat: $(VENV)/.runtime
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and DATABASE_URL first."; exit 1; }
	@mkdir -p var
	$(VENV)/bin/celery -A config beat --loglevel=INFO

## serve-prod: gunicorn as in production (needs ATHAR_ENV=production, SECRET_KEY, DATABASE_URL, ...)
serve-prod: $(VENV)/.runtime
	$(PY) manage.py collectstatic --no-input
	$(VENV)/bin/gunicorn config.wsgi -c config/gunicorn.conf.py --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --timeout $${GUNICORN_TIMEOUT:-300}

bench: $(VENV)/.dev
	bash scripts/ensure_services.sh
	@for b in bench/bench_*.py; do echo "== $$b"; $(TEST_ENV) $(PY) $$b || exit 1; done

clean:
	rm -rf var/athar.sqlite3 var/test-smoke.sqlite3 test-artifacts .pytest_cache .mypy_cache .ruff_cache
