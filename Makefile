# xinxuan — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo serve install messages migrate test test-pg test-browser lint bench clean-demo

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 / Python 3.11 is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages

# Compiled translations are built, never committed.
messages: $(STAMP)
	@command -v msgfmt >/dev/null || scripts/ensure-system-packages gettext
	$(PY) manage.py compilemessages --ignore '.venv/*' -v 0

migrate: install
	$(PY) manage.py migrate --noinput -v 0

# --limit-request-line 0: a long search address gets the portal's friendly page, not
# gunicorn's bare 400 (put nginx in front to cap request size in production).
# --timeout 120: long work (confirmed imports, large exports, rescoring after a rule-set
# change) runs in the background worker started beside gunicorn, so no request should
# take long; the longest left is the preview of an uploaded sheet (about 2 s per 10,000
# rows, bench/README.md).  A request silent for two minutes is stuck: gunicorn kills
# that worker process and starts a fresh one.
# The background worker (db_worker) starts before gunicorn and is stopped with it.
demo: migrate
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py load_demo
	@$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	$(PY) manage.py db_worker --backend background --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips 127.0.0.1 \
		--limit-request-line 0 --timeout 120

test: install
	$(VENV)/bin/pytest -n 2 -m "not browser"

test-pg: install
	scripts/ensure-postgres
	XINXUAN_DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 -m "not browser"

test-browser: install
	@command -v chromium >/dev/null || scripts/ensure-system-packages chromium fonts-noto-cjk
	$(PY) manage.py collectstatic --noinput -v 0
	$(VENV)/bin/pytest -m browser -p no:xdist

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy xinxuan/scoring/engine

bench: install
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean-demo:
	rm -rf var/xinxuan.sqlite3* var/media var/static
