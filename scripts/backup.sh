#!/usr/bin/env bash
# Back up the database in PostgreSQL's custom format (pg_dump -Fc), to restore with restore.sh.
#
#   scripts/backup.sh [FILE]     default: backups/foodbank-<UTC date and time>.dump
#
# With DATABASE_URL set, pg_dump connects to that database directly (its major version must
# be at least the server's). Without it, pg_dump runs inside the compose stack's db service
# (docker compose exec db) as the stack's database user (POSTGRES_USER, default foodbank) on
# its database (POSTGRES_DB, default foodbank). The dump is one consistent snapshot, taken
# while the site keeps running; it is written beside FILE and renamed once pg_restore can
# read it back, so FILE is never a partial backup.
set -euo pipefail

file=${1:-backups/foodbank-$(date -u +%Y%m%d-%H%M%S).dump}
mkdir -p "$(dirname "$file")"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

if [[ -n "${DATABASE_URL:-}" ]]; then
    postgres() { "$@"; }
    target=(--dbname="$DATABASE_URL")
else
    postgres() { docker compose exec -T db "$@"; }
    target=(--username="${POSTGRES_USER:-foodbank}" --dbname="${POSTGRES_DB:-foodbank}")
fi

postgres pg_dump --format=custom --no-owner "${target[@]}" >"$partial"
postgres pg_restore --list <"$partial" >/dev/null
mv "$partial" "$file"
echo "Backed up to $file ($(du -h "$file" | cut -f1))"
