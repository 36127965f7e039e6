#!/usr/bin/env bash
# Run a command with DUNWELL_TEST_POSTGRES_URL pointing at a PostgreSQL server.
#
# - If DUNWELL_TEST_POSTGRES_URL is already set, use that server as it is.
# - Else start a throwaway cluster (initdb + pg_ctl under /tmp, fsync off) and stop it afterwards.
#   initdb refuses to run as root, so as root it runs as the `postgres` user.
# - Else (no PostgreSQL binaries) run the command anyway: the PostgreSQL tests skip and say so.
set -uo pipefail

if [ -n "${DUNWELL_TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "with-postgres: no PostgreSQL binaries found; the PostgreSQL test run will be skipped." >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/dunwell-pg.XXXXXX)
port=${DUNWELL_TEST_POSTGRES_PORT:-$((55000 + RANDOM % 5000))}
as_pg=()
if [ "$(id -u)" = "0" ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT

if ! "${as_pg[@]}" "$pg_bin/initdb" -D "$dir/data" -A trust -U dunwell --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
   ! "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
       -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
       start >/dev/null 2>&1; then
  echo "with-postgres: could not start a throwaway PostgreSQL cluster; the PostgreSQL test run will be skipped." >&2
  tail -n 5 "$dir/initdb.log" "$dir/server.log" 2>/dev/null >&2
  "$@"
  exit $?
fi

export DUNWELL_TEST_POSTGRES_URL="postgresql+psycopg://dunwell@127.0.0.1:$port/postgres"
echo "with-postgres: throwaway PostgreSQL on 127.0.0.1:$port" >&2
"$@"
