#!/usr/bin/env bash
# `make backup`: the PostgreSQL database in DATABASE_URL, in pg_dump's custom
# format (compressed; pg_restore can restore all of it or single tables).
#   DATABASE_URL=postgres://user@host:5432/coproduce BACKUP_FILE=path.dump make backup
# BACKUP_FILE defaults to backups/coproduce-<UTC time>.dump.
set -euo pipefail

: "${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) echo "make backup is for PostgreSQL; DATABASE_URL is not a postgres:// URL" >&2; exit 2 ;;
esac
BACKUP_FILE="${BACKUP_FILE:-backups/coproduce-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$BACKUP_FILE")"

# Written under a temporary name and moved into place: a backup file that
# exists is a whole one. Owners and grants are left out, so it restores into
# any database whose user may create the tables.
partial="$BACKUP_FILE.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --no-owner --no-privileges --file="$partial" --dbname="$DATABASE_URL"
mv "$partial" "$BACKUP_FILE"
echo "Backed up to $BACKUP_FILE ($(du -h "$BACKUP_FILE" | cut -f1))"
