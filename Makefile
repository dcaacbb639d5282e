# China Entry Advisor — the two commands of the README are `make run` and `make test`.
# Both set up everything they need on a fresh Debian machine (run as root, or with sudo).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
APT_PACKAGES := libharfbuzz-subset0 fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 \
	poppler-utils gettext chromium
# bench/load.py's HTTP load generator, installed by `make bench` only.
BENCH_APT_PACKAGES := wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup system-packages venv fonts migrate kb staff serve worker lint messages \
	test-sqlite test-postgres test-e2e bench clean

run: setup ## Set up, then serve on http://127.0.0.1:8000 (SQLite) with the background worker
	@echo
	@echo "  China Entry Advisor: http://127.0.0.1:8000/   (staff: http://127.0.0.1:8000/staff/)"
	@echo "  No staff account yet? In another terminal:  make staff"
	@echo
	@# The worker runs imports and brief zips (a database-backed queue without REDIS_URL);
	@# it stops with the server.
	$(VENV)/bin/celery -A advisor worker -l warning --concurrency 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup ## Set up, then ruff and the whole suite
	$(VENV)/bin/ruff check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	bash .ci/suite

setup: system-packages venv fonts migrate kb

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[dev]"
	touch $(STAMP)

fonts: venv ## Cut the PDF brief's fonts from Noto Sans CJK KR (once; ~20 s)
	$(PY) manage.py build_brief_fonts

migrate: venv
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py compilemessages -v 0 --ignore=.venv

kb: migrate ## Load the knowledge base fixtures and check them
	$(PY) manage.py load_kb
	$(PY) manage.py kb_check

staff: venv ## Create a staff account (asks for a password; none is fixed)
	$(PY) manage.py createsuperuser

serve: setup ## Production-like: gunicorn with collected static files
	$(PY) manage.py collectstatic --noinput -v 0
	$(VENV)/bin/gunicorn -c advisor/gunicorn.conf.py advisor.wsgi

worker: setup ## Celery worker for imports and brief zips (production: with REDIS_URL)
	$(VENV)/bin/celery -A advisor worker -l info --concurrency 2

lint: venv
	$(VENV)/bin/ruff check .

messages: venv ## Refresh the translation catalogues after changing strings
	$(PY) manage.py makemessages -l ko -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=docs --ignore=fixtures --no-location --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l ko -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=docs --ignore=fixtures --no-location --no-obsolete

bench: setup ## Every benchmark, then one table (engine, batch, brief, load); LOAD_SECONDS=60
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(BENCH_APT_PACKAGES)"
	$(PY) bench/all.py --load-seconds $(or $(LOAD_SECONDS),60)

clean:
	rm -rf var .pytest_cache .ruff_cache
