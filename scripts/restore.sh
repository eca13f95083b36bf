#!/usr/bin/env bash
# Restore a backup made by backup.sh, then check the ledgers of the restored database.
#
#   scripts/restore.sh FILE
#
# With DATABASE_URL set, the backup replaces the contents of that database (create an empty
# one first to restore beside the live one); the ledger check runs with this checkout's
# manage.py ($PYTHON, default .venv/bin/python, else python3). Without DATABASE_URL it
# replaces the compose stack's database: web, worker and beat are stopped for the restore
# and started again afterwards, and the ledgers are checked in a one-off web container.
#
# The restore is one transaction: if any part of it fails, the database is left as it was.
set -euo pipefail

file=${1:?usage: scripts/restore.sh FILE}
[[ -r "$file" ]] || { echo "Cannot read $file" >&2; exit 2; }

if [[ -n "${DATABASE_URL:-}" ]]; then
    postgres() { "$@"; }
    target=(--dbname="$DATABASE_URL")
    python=${PYTHON:-$([[ -x .venv/bin/python ]] && echo .venv/bin/python || echo python3)}
    check_ledgers() { "$python" manage.py check_ledgers; }
else
    postgres() { docker compose exec -T db "$@"; }
    target=(--username="${POSTGRES_USER:-foodbank}" --dbname="${POSTGRES_DB:-foodbank}")
    check_ledgers() { docker compose run --rm --no-deps web python manage.py check_ledgers; }
    services=(web worker beat)
    docker compose stop "${services[@]}"
    trap 'docker compose start "${services[@]}"' EXIT
fi

postgres pg_restore --list <"$file" >/dev/null
postgres pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error \
    "${target[@]}" <"$file"
check_ledgers
echo "Restored $file; the ledgers hold."
