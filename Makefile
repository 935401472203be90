# SENDhub: `make run` for the demo on SQLite (`make run PORT=8123` for another port),
# `make test-all` for the whole suite (what CI runs), `make test` for the quick suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-all install lint format migrations-check check-deploy clean bench bench-smoke

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV): creating it if missing, then installing SENDhub and its tools (a few minutes the first time)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@echo "Installing SENDhub and its dependencies; pip prints each package as it goes"
	$(PY) -m pip install --progress-bar on -e ".[dev]"
	@echo "Installed; the next make run skips this step until pyproject.toml changes"
	touch $(STAMP)

install: $(STAMP)

# The demo skips two-step sign-in (docs/two-factor.md); SENDHUB_DEMO_SKIP_2FA works only
# with DEBUG on, and the deploy check (sendhub.E002) fails if it is set in production.
run: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 SENDHUB_DEMO_SKIP_2FA=1 $(PY) manage.py seed_demo --if-empty
	@echo "SENDhub is running on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_DEBUG=1 SENDHUB_DEMO_SKIP_2FA=1 $(PY) manage.py runserver $(HOST):$(PORT)

# One pytest-xdist worker per core; PYTEST_XDIST=-n0 runs the suite in one process. Tests close
# their database connections (no persistent ones), so each worker's test database can be dropped.
# --dist worksteal: an idle worker takes tests queued for a busy one, so slow tests do not pile up.
PYTEST_XDIST ?= -n auto --dist worksteal

# PYTHONDONTWRITEBYTECODE is emptied for the suite: where the machine sets it, every worker
# would compile every module (and pytest rewrite every test file) again on each run, which
# takes 10 s of collection where cached bytecode takes 4 s.
#
# `make test` is the quick suite, for while you work: every test but the browser scenarios
# (tests/browser/: Chromium through the pages, with axe) and the slow ones (seeding the demo,
# 2,500-row imports; those run here too where CI or SENDHUB_SLOW_TESTS=1 is set). `make test-all`
# runs the whole suite, both of those included; it is the README's test command and what CI
# runs (.ci/run). TEST_SELECT= runs the browser scenarios with `make test` too; a -m of your own
# in PYTEST_ARGS replaces TEST_SELECT's (pytest keeps the last -m).
TEST_SELECT ?= -m "not browser"

test: $(STAMP)
	@echo "make test: the quick suite, without the browser scenarios; make test-all runs the whole suite"
	PYTHONDONTWRITEBYTECODE= DJANGO_CONN_MAX_AGE=$${DJANGO_CONN_MAX_AGE:-0} $(PY) -m pytest $(PYTEST_XDIST) $(TEST_SELECT) $(PYTEST_ARGS)

test-all: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || echo "note: no chromium on PATH; browser tests will be skipped (apt-get install chromium)"
	PYTHONDONTWRITEBYTECODE= DJANGO_CONN_MAX_AGE=$${DJANGO_CONN_MAX_AGE:-0} SENDHUB_SLOW_TESTS=1 $(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The benchmark (bench/, README "Benchmark"): PostgreSQL at BENCH_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/sendhub_bench, dropped and rebuilt), gunicorn on BENCH_PORT.
bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

bench-smoke: $(STAMP)
	$(PY) -m bench --smoke $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r . -x ./.venv,./tests,./bench,./var,./test-artifacts,./staticfiles

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: $(STAMP)
	DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-value-for-the-check-only-0123456789 \
	DJANGO_ALLOWED_HOSTS=sendhub.example.org DJANGO_HTTPS=1 \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
