# The two commands a newcomer needs: `make run` and `make test` (see README).
SHELL := /bin/bash
PORT ?= 8000
# Links in mail follow PORT (the worker renders mail), unless SITE_URL is set in the environment.
SITE_URL ?= http://127.0.0.1:$(PORT)
# uv is installed with pip --user when missing; find it there too.
UV = $(shell command -v uv 2>/dev/null || echo "$$(python3 -m site --user-base)/bin/uv")
PYTHON = $(UV) run --frozen python
MANAGE = $(PYTHON) manage.py
# The bench's tooling (seed_scale, bench) is installed only by its own settings.
BENCH_MANAGE = DJANGO_SETTINGS_MODULE=benchmarks.settings $(MANAGE)

.PHONY: run test install uv lint messages check-messages bench bench-import bench-move worker screenshots e2e loadtest mutation

uv:
	@test -x "$(UV)" || { \
		echo "Installing uv (Python package manager)…"; \
		python3 -m pip install --user --quiet uv 2>/dev/null \
		|| python3 -m pip install --user --quiet --break-system-packages uv; }

install: uv
	$(UV) sync --frozen

## make run: install, migrate, load demo data, serve on http://127.0.0.1:$(PORT) with the mail worker.
run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (mail worker running; Ctrl-C stops both)"
	@echo "Links in mail point to $(SITE_URL)"
	@trap 'kill 0' INT TERM EXIT; \
	export SITE_URL="$(SITE_URL)"; \
	$(MANAGE) db_worker --no-reload --interval 1 & \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

## make test: lint, format, migrations and import layers, then the whole suite (unit, integration,
## browser with axe-core) in random order (pytest-randomly prints the seed; repeat an order with
## PYTEST_ARGS="-p randomly --randomly-seed=N", or the last one with --randomly-seed=last).
test: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(UV) run --frozen lint-imports
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports

## make messages: refresh the Swedish catalogue from the code (needs GNU gettext).
messages: install
	$(MANAGE) catalog

worker: install
	$(MANAGE) db_worker --no-reload

## make bench: fill a PostgreSQL database of its own with N borrowers (seeding is skipped when
## it already holds that N) and time every registrar page; see docs/performance.md.
## `make bench N=1000000` for the full national-size run.
N ?= 100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/registry_bench
BENCH_ARGS ?=
# The bench measures production settings (DEBUG off); in-process over plain HTTP it needs
# a host name, no HTTPS redirect and a throw-away key (docs/performance.md); it repeats
# each identity-number search far more often than SEARCH_LIMIT_PER_HOUR allows a person.
BENCH_PRODUCTION = DJANGO_DEBUG=false SECRET_KEY=bench-only-not-a-secret \
	ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=false SEARCH_LIMIT_PER_HOUR=1000000
bench: install
	$(PYTHON) -m benchmarks.createdb "$(BENCH_DATABASE_URL)"
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(MANAGE) migrate --no-input -v 0
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BENCH_MANAGE) seed_scale --borrowers $(N) --skip-if-seeded --reset
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(MANAGE) snapshot_statistics
	$(BENCH_PRODUCTION) $(MANAGE) collectstatic --no-input -v 0
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(BENCH_PRODUCTION) $(BENCH_MANAGE) bench $(BENCH_ARGS)

## make bench-import N=200000: generate a realistic file of N borrower rows (dirty ones among
## them), import it on a PostgreSQL database of its own with production settings, and print
## rows/s, peak memory and the ratio to a COPY of the same rows (docs/performance.md).
IMPORT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/registry_bench_import
bench-import: install
	$(PYTHON) -m benchmarks.createdb "$(IMPORT_DATABASE_URL)"
	DATABASE_URL="$(IMPORT_DATABASE_URL)" $(MANAGE) migrate --no-input -v 0
	DATABASE_URL="$(IMPORT_DATABASE_URL)" $(BENCH_PRODUCTION) $(BENCH_MANAGE) bench_import --rows $(N)

## make bench-move N=10000: Flytta alla låntagare on a PostgreSQL database of its own with
## production settings: N borrowers moved by the worker's job, timed (docs/performance.md).
MOVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/registry_bench_move
bench-move: install
	$(PYTHON) -m benchmarks.createdb "$(MOVE_DATABASE_URL)"
	DATABASE_URL="$(MOVE_DATABASE_URL)" $(MANAGE) migrate --no-input -v 0
	DATABASE_URL="$(MOVE_DATABASE_URL)" $(BENCH_PRODUCTION) $(BENCH_MANAGE) bench_move --borrowers $(N)

## make screenshots: the main pages at 1280 and 320 px from the demo data, into docs/screenshots/
## (a throw-away database; needs Chromium, as the browser tests do).
screenshots: install
	$(PYTHON) scripts/screenshots.py

## make e2e: the production processes together without Docker (a private PostgreSQL,
## gunicorn with DJANGO_DEBUG=false, the mail worker, Caddy with TLS, an SMTP server with
## faults) and Chromium over HTTPS; prints what it proved. Needs caddy, chromium and the
## PostgreSQL server binaries. Ports E2E_PORT_BASE (8180) to +4. See docs/testing.md.
E2E_ARGS ?=
e2e: install
	$(UV) run --frozen pytest e2e -p no:cacheprovider $(E2E_ARGS)

## make loadtest: registrars' day mix with locust at 1, 8 and 32 users against the e2e stack on
## a seed_scale database of LOADTEST_N borrowers (seeding skipped when it holds that N);
## prints throughput, p50/p95/p99 and errors. Not part of make test or CI; docs/performance.md.
## Throughput (closed loop, no reading time): make loadtest LOADTEST_ARGS="--users 8 --no-think".
LOADTEST_N ?= 100000
LOADTEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/registry_loadtest
LOADTEST_ARGS ?=
loadtest: install
	$(PYTHON) -m benchmarks.createdb "$(LOADTEST_DATABASE_URL)"
	DATABASE_URL="$(LOADTEST_DATABASE_URL)" $(MANAGE) migrate --no-input -v 0
	DATABASE_URL="$(LOADTEST_DATABASE_URL)" $(BENCH_MANAGE) seed_scale --borrowers $(LOADTEST_N) --skip-if-seeded --reset
	$(PYTHON) -m e2e.loadtest --database-url "$(LOADTEST_DATABASE_URL)" $(LOADTEST_ARGS)

## make mutation: mutation testing of the rule modules (mutation/modules.toml), one module at a
## time, niced; a score per module. Slow and not part of `make test`. See docs/testing.md.
## `make mutation MODULES=borrowers/reminders.py` for some; MUTATION_ARGS=--diff shows survivors.
MODULES ?=
MUTATION_ARGS ?=
mutation: install
	nice -n 10 $(PYTHON) mutation/run.py $(MUTATION_ARGS) $(MODULES)
