#!/usr/bin/env bash
# Install (from Debian packages, when missing) and start PostgreSQL and Redis on 127.0.0.1,
# on private ports, with throwaway data directories. Prints the environment to use them.
# Idempotent: a service already answering is left as it is.
set -euo pipefail

PG_PORT="${JOBPIPE_PG_PORT:-54329}"
REDIS_PORT="${JOBPIPE_REDIS_PORT:-63799}"
PG_DIR="${JOBPIPE_PG_DIR:-/tmp/jobpipe-pg-$PG_PORT}"
RUN_DIR="${JOBPIPE_RUN_DIR:-/tmp/jobpipe-run}"
mkdir -p "$RUN_DIR"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ] || ! command -v redis-server >/dev/null 2>&1; then
  echo "services: installing postgresql and redis-server from Debian packages" >&2
  as_root apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  # policy-rc.d 101: do not let the packages start their own system-wide services.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 as_root apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    postgresql redis-server >&2
fi
PG_BIN="$(pg_bin)"

# PostgreSQL refuses to run as root: use the postgres account when root.
pg_user=""
if [ "$(id -u)" = 0 ]; then pg_user="postgres"; fi
run_pg() { if [ -n "$pg_user" ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }

if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  if [ ! -s "$PG_DIR/PG_VERSION" ]; then
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    if [ -n "$pg_user" ]; then chown "$pg_user" "$PG_DIR"; fi
    run_pg "$PG_BIN/initdb" -D "$PG_DIR" -U jobpipe --auth=trust -E UTF8 --no-locale >&2
  fi
  # fsync off: a throwaway test cluster trades durability for speed.
  run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-h 127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2
fi
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U jobpipe -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='jobpipe'" | grep -q 1 \
  || "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jobpipe jobpipe >&2

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" \
    --appendonly no --pidfile "$RUN_DIR/redis-$REDIS_PORT.pid" \
    --logfile "$RUN_DIR/redis-$REDIS_PORT.log" >&2
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

echo "export DATABASE_URL=postgres://jobpipe@127.0.0.1:$PG_PORT/jobpipe"
echo "export CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0"
