#!/usr/bin/env bash
# `make loadtest`: production settings behind gunicorn (as `make serve`), the demo
# plus a synthetic caseload, and locust's mixed crowd against it, headless.
# Prints one table: each endpoint's req/s, p50/p95/p99 and errors, /healthz/ beside.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/coproduce make loadtest
#
# LOADTEST_PEOPLE (10000) synthetic people seeded (once; later runs reuse them),
# LOADTEST_USERS (30) simultaneous users, LOADTEST_TIME (120s; the figures
# count from when the last user has signed in), WEB_CONCURRENCY
# (3) gunicorn workers, LOADTEST_PORT (8765). A benchmark, not a test: the
# figures depend on the machine and on whatever else it is doing.
#
# LOADTEST_MODE=targets: instead of the crowd, each target alone for
# LOADTEST_TIME (15s) at its concurrency, with no waits (loadtest/targets.py),
# then one table: target | concurrency | req/s | p50 | p95 | p99 | errors, with
# the load generator's share of a core and the load average beside each row.
# LOADTEST_SEED=0 skips seeding (the database is already seeded).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

if [[ "${DATABASE_URL:-}" != postgres* ]]; then
    echo "make loadtest measures production: set DATABASE_URL=postgres://…" >&2
    exit 2
fi
port="${LOADTEST_PORT:-8765}"
host="http://127.0.0.1:$port"

export DEBUG=0 INSECURE_HTTP=1 REQUIRE_2FA=0
export SECRET_KEY="${SECRET_KEY:-loadtest-only-$(head -c 24 /dev/urandom | base64)}"
export ALLOWED_HOSTS=127.0.0.1
export BIND="127.0.0.1:$port" WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}"
# The crowd signs in from one address: lift the address limit, keep the rest.
export ADDRESS_FAILURE_LIMIT=100000

$BIN/python manage.py migrate --no-input -v 0
$BIN/python manage.py createcachetable
$BIN/python manage.py collectstatic --no-input --verbosity 0
if [[ "${LOADTEST_SEED:-1}" != 0 ]]; then
    $BIN/python manage.py seed_demo
    $BIN/python manage.py seed_demo --people "${LOADTEST_PEOPLE:-10000}"
fi

# Tasks still queued from an earlier run (its worker stopped with it) would
# make this run's worker start behind: drop them, and say so.
queued() {
    $BIN/python manage.py shell -v 0 -c "from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.ready().$1)"
}
echo "tasks left queued by an earlier run, dropped: $(queued 'delete()[0]')"

$BIN/gunicorn coproduce.wsgi --config gunicorn.conf.py >"${TMPDIR:-/tmp}/loadtest-gunicorn-$port.log" 2>&1 &
server=$!
# The task worker beside it, as `make serve` runs it: it refreshes the team
# dashboard's figures after writes (and would deliver email).
$BIN/python manage.py db_worker >"${TMPDIR:-/tmp}/loadtest-worker-$port.log" 2>&1 &
worker=$!
trap 'kill $server $worker 2>/dev/null; wait $server $worker 2>/dev/null || true' EXIT INT TERM
# Ready when /readyz/ says so (database and cache answer), within two minutes.
for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$host/readyz/" 2>/dev/null; then break; fi
    kill -0 $server 2>/dev/null || { echo "gunicorn did not start" >&2; exit 1; }
    sleep 0.5
done
curl -fsS -o /dev/null "$host/readyz/"

if [[ "${LOADTEST_MODE:-crowd}" == targets ]]; then
    results="$(mktemp)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    for run in healthz:8 live:8 plan-amara:8 plan-amara:50 plan-ben:8 caseload-ben:8 \
        team-overview:8 team-dashboard:8; do
        target="${run%%:*}" users="${run##*:}"
        LOADTEST_TARGET="$target" LOADTEST_USERS="$users" LOADTEST_RESULTS="$results" \
            $BIN/locust -f loadtest/targets.py --headless --host "$host" \
            --users "$users" --spawn-rate "$users" --run-time "${LOADTEST_TIME:-15s}" \
            --reset-stats --only-summary --loglevel ERROR >/dev/null 2>"${TMPDIR:-/tmp}/loadtest-$target-$users.log" ||
            echo "$target: locust exited with $?" >&2
    done
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    $BIN/python - "$results" <<'TABLE'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("\n| target | concurrency | req/s | p50 | p95 | p99 | errors | locust CPU | load |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    print(f"| {r['target']} | {r['concurrency']} | {r['rps']:,.0f} | {r['p50']:.0f} ms "
          f"| {r['p95']:.0f} ms | {r['p99']:.0f} ms | {r['errors']} "
          f"| {r['generator_cpu']:.0%} | {r['load']:.1f} |")
TABLE
    rm -f "$results"
    exit 0
fi

$BIN/locust -f loadtest/locustfile.py --headless --host "$host" \
    --users "${LOADTEST_USERS:-30}" --spawn-rate "${LOADTEST_SPAWN_RATE:-3}" \
    --run-time "${LOADTEST_TIME:-120s}" --reset-stats --only-summary --loglevel WARNING
# Whether the worker kept up: what it had not yet done when the crowd stopped.
echo "tasks still queued for the worker at the end: $(queued 'count()')"
