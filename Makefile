# The two commands: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: setup run serve loadtest test lint typecheck migrations-check contracts bench clean static backup restore backup-restore-check

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# NHS.UK frontend, copied from the pinned npm package into static/vendor.
static/vendor/.built: node_modules/.installed scripts/vendor_static.sh
	sh scripts/vendor_static.sh
	touch $@

static: static/vendor/.built

setup: $(VENV)/.installed static/vendor/.built

run: setup
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py createcachetable
	DEBUG=1 $(BIN)/python manage.py seed_demo
	# The task worker (email, dashboard refreshes) runs beside the server and stops with it.
	DEBUG=1 $(BIN)/python manage.py db_worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

# Production settings behind gunicorn (gunicorn.conf.py: WEB_CONCURRENCY, BIND, ...).
# Needs what production needs: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL; add
# INSECURE_HTTP=1 to try it over plain HTTP on this machine. The task worker
# (email, dashboard refreshes) runs beside it and stops with it; in production give it its own
# service (README, "Deploying").
serve: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py db_worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/gunicorn coproduce.wsgi --config gunicorn.conf.py

# A mixed crowd (locust, headless) against production settings behind gunicorn,
# on PostgreSQL; prints each endpoint's req/s, p50/p95/p99 and errors.
# LOADTEST_MODE=targets: each target alone for 15 s instead, one table
# (target | concurrency | req/s | p50 | p95 | p99 | errors); README, "Speed".
loadtest: setup
	bash scripts/loadtest.sh

# DATABASE_URL=postgres://... make test runs the same suite on PostgreSQL.
# In parallel, one worker per core (pytest-xdist), each with its own test
# database; PYTEST_XDIST= (empty) runs it in one process.
PYTEST_XDIST ?= -n auto --dist worksteal
test: setup
	$(BIN)/python -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	DEBUG=1 $(BIN)/mypy .

# Which module may import which: pyproject.toml [tool.importlinter].
contracts: setup
	$(BIN)/lint-imports

migrations-check: setup
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python manage.py check
	# The test suites build their databases from the models (pytest --no-migrations):
	# here the migrations themselves must apply to an empty database.
	tmp=$$(mktemp -d) && DEBUG=1 DATABASE_URL="sqlite:///$$tmp/migrate.sqlite3" \
		$(BIN)/python manage.py migrate --no-input -v0; status=$$?; rm -rf "$$tmp"; exit $$status

# Production settings (DEBUG off) over plain HTTP, in-process; prints figures.
# BENCH_ARGS="--people 1000" for a quicker run.
bench: setup
	DEBUG=0 INSECURE_HTTP=1 REQUIRE_2FA=0 SECRET_KEY=bench-only-not-secret ALLOWED_HOSTS=testserver \
		$(BIN)/python manage.py migrate --no-input
	DEBUG=0 INSECURE_HTTP=1 REQUIRE_2FA=0 SECRET_KEY=bench-only-not-secret ALLOWED_HOSTS=testserver \
		$(BIN)/python manage.py createcachetable
	DEBUG=0 INSECURE_HTTP=1 REQUIRE_2FA=0 SECRET_KEY=bench-only-not-secret ALLOWED_HOSTS=testserver \
		$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 INSECURE_HTTP=1 REQUIRE_2FA=0 SECRET_KEY=bench-only-not-secret ALLOWED_HOSTS=testserver \
		$(BIN)/python manage.py bench $(BENCH_ARGS)

# PostgreSQL backups in pg_dump's custom format (README, "Backups").
#   DATABASE_URL=postgres://... [BACKUP_FILE=path.dump] make backup
#   DATABASE_URL=postgres://.../new_database BACKUP_FILE=path.dump make restore
backup:
	DATABASE_URL="$(DATABASE_URL)" BACKUP_FILE="$(BACKUP_FILE)" bash scripts/backup.sh

restore:
	DATABASE_URL="$(DATABASE_URL)" BACKUP_FILE="$(BACKUP_FILE)" bash scripts/restore.sh

# CI on PostgreSQL: seed, back up, restore into a fresh database, verify, compare.
backup-restore-check: setup
	bash scripts/backup_restore_check.sh

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
