#!/usr/bin/env bash
# CI, on PostgreSQL: a backup is only proven by a restore.
#
# Migrates and seeds a database (the demo, and a synthetic caseload), backs
# it up with `make backup`, restores it into a fresh database with
# `make restore`, runs `manage.py verify_history` on the restored one, and
# compares the row count of every table and every plan's newest history hash.
# Exits non-zero unless all are identical. Drops both databases at the end.
#
#   PG_URL=postgres://postgres@127.0.0.1:5432  (server, no database name)
#   CHECK_DB=coproduce_backup_check            (the two databases: CHECK_DB, CHECK_DB_restored)
#   CHECK_PEOPLE=50                            (synthetic people besides the demo)
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
CHECK_DB="${CHECK_DB:-coproduce_backup_check}"
CHECK_PEOPLE="${CHECK_PEOPLE:-50}"
SOURCE_URL="$PG_URL/$CHECK_DB"
RESTORED_URL="$PG_URL/${CHECK_DB}_restored"
PYTHON="${PYTHON:-.venv/bin/python}"
work="$(mktemp -d)"
BACKUP_FILE="$work/check.dump"

sql() { PGOPTIONS="-c client_min_messages=warning" psql --no-psqlrc -Atq -v ON_ERROR_STOP=1 --dbname="$1" -c "$2"; }
drop_both() {
    sql "$PG_URL/postgres" "DROP DATABASE IF EXISTS \"$CHECK_DB\" WITH (FORCE)"
    sql "$PG_URL/postgres" "DROP DATABASE IF EXISTS \"${CHECK_DB}_restored\" WITH (FORCE)"
}
cleanup() { drop_both || true; rm -rf "$work"; }
trap cleanup EXIT
now_ms() { date +%s%3N; }

# What must survive a backup: every table's row count, and every plan's newest
# history hash (the head of its chain), plus one digest over all the hashes.
snapshot() {
    local url="$1" table
    for table in $(sql "$url" "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"); do
        echo "rows $table $(sql "$url" "SELECT count(*) FROM \"$table\"")"
    done
    sql "$url" "SELECT 'head ' || p.code || ' ' || coalesce((SELECT c.entry_hash FROM plans_planchange c
                WHERE c.plan_id = p.id ORDER BY c.id DESC LIMIT 1), '-')
                FROM plans_plan p ORDER BY p.code"
    echo "all-hashes $(sql "$url" "SELECT md5(string_agg(entry_hash, ',' ORDER BY id)) FROM plans_planchange")"
}

drop_both
sql "$PG_URL/postgres" "CREATE DATABASE \"$CHECK_DB\""
export DEBUG=1
echo "== migrate and seed $CHECK_DB (demo + $CHECK_PEOPLE synthetic people)"
DATABASE_URL="$SOURCE_URL" "$PYTHON" manage.py migrate --no-input -v0
DATABASE_URL="$SOURCE_URL" "$PYTHON" manage.py createcachetable
DATABASE_URL="$SOURCE_URL" "$PYTHON" manage.py seed_demo --people "$CHECK_PEOPLE" >/dev/null 2>&1
DATABASE_URL="$SOURCE_URL" "$PYTHON" manage.py verify_history

echo "== backup"
start=$(now_ms)
make --no-print-directory backup DATABASE_URL="$SOURCE_URL" BACKUP_FILE="$BACKUP_FILE"
backup_ms=$(( $(now_ms) - start ))

echo "== restore into a fresh database"
start=$(now_ms)
make --no-print-directory restore DATABASE_URL="$RESTORED_URL" BACKUP_FILE="$BACKUP_FILE"
restore_ms=$(( $(now_ms) - start ))

echo "== verify the restored history"
DATABASE_URL="$RESTORED_URL" "$PYTHON" manage.py verify_history

echo "== compare"
snapshot "$SOURCE_URL" >"$work/source.txt"
snapshot "$RESTORED_URL" >"$work/restored.txt"
if ! diff -u "$work/source.txt" "$work/restored.txt"; then
    echo "FAILED: the restored database differs from the one backed up" >&2
    exit 1
fi
tables=$(grep -c '^rows ' "$work/source.txt")
rows=$(awk '$1 == "rows" { n += $3 } END { print n }' "$work/source.txt")
heads=$(grep -c '^head ' "$work/source.txt")
size=$(du -h "$BACKUP_FILE" | cut -f1)
echo "Identical: $tables tables, $rows rows, $heads plan history heads."
echo "Backup $size in ${backup_ms} ms; restore in ${restore_ms} ms."
