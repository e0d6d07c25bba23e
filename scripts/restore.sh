#!/usr/bin/env bash
# `make restore`: a pg_dump custom-format file into a FRESH PostgreSQL database.
#   DATABASE_URL=postgres://user@host:5432/coproduce_restored BACKUP_FILE=path.dump make restore
# The database is created if it does not exist; one that already has tables
# is refused, so a restore can never land on top of a live database. Point
# the app at the restored database once `manage.py verify_history` passes.
set -euo pipefail

: "${DATABASE_URL:?Set DATABASE_URL to the new database to restore into}"
: "${BACKUP_FILE:?Set BACKUP_FILE to the file make backup wrote}"
[ -f "$BACKUP_FILE" ] || { echo "No such backup file: $BACKUP_FILE" >&2; exit 2; }

url="${DATABASE_URL%%\?*}"      # without ?options
options="${DATABASE_URL#"$url"}"
name="${url##*/}"
case "$url" in
    postgres://*/* | postgresql://*/*) ;;
    *) echo "make restore is for PostgreSQL; DATABASE_URL is not a postgres:// URL" >&2; exit 2 ;;
esac
[ -n "$name" ] || { echo "DATABASE_URL names no database" >&2; exit 2; }
maintenance="${url%/*}/postgres$options"

# psql quotes the name itself (:'name', :"name"): only from standard input, not -c.
exists="$(echo "SELECT 1 FROM pg_database WHERE datname = :'name'" |
    psql --no-psqlrc -Atq -v ON_ERROR_STOP=1 --dbname="$maintenance" -v name="$name")"
if [ "$exists" = "1" ]; then
    tables="$(psql --no-psqlrc -Atq --dbname="$DATABASE_URL" \
        -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
    if [ "$tables" != "0" ]; then
        echo "Refusing to restore: database $name already has $tables tables." >&2
        echo "Restore into a new database (or drop this one first)." >&2
        exit 1
    fi
else
    echo 'CREATE DATABASE :"name"' | psql --no-psqlrc -q -v ON_ERROR_STOP=1 --dbname="$maintenance" -v name="$name"
fi

# One transaction: the restore is whole or not at all.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$BACKUP_FILE"
echo "Restored $BACKUP_FILE into $name. Next: DATABASE_URL=... python manage.py verify_history"
