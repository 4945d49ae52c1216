#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the tests: 127.0.0.1:${SIGMA_TEST_PG_PORT:-54329},
# superuser ${SIGMA_TEST_PG_USER:-sigma} / ${SIGMA_TEST_PG_PASSWORD:-sigma-test-pw}, no persistence
# worth keeping (data dir under /tmp). Idempotent; every wait is bounded.
# Usage: postgres.sh start|stop
set -euo pipefail
port="${SIGMA_TEST_PG_PORT:-54329}"
user="${SIGMA_TEST_PG_USER:-sigma}"
password="${SIGMA_TEST_PG_PASSWORD:-sigma-test-pw}"
bindir="${SIGMA_TEST_PG_BINDIR:-}"
if [ -z "$bindir" ]; then
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && bindir="$d"; done
fi
[ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] || { echo "postgres.sh: pg_ctl not found" >&2; exit 1; }
datadir="/tmp/sigma-test-pg-$port"
logfile="/tmp/sigma-test-pg-$port.log"
sockdir="/tmp/sigma-test-pg-$port-sock"

# Runs a command as the unprivileged owner of the cluster (initdb refuses to run as root).
as_owner() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ready() {
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 >/dev/null 2>&1
}

case "${1:-start}" in
start)
    if ready; then exit 0; fi
    if [ ! -s "$datadir/PG_VERSION" ]; then
        rm -rf "$datadir"
        mkdir -p "$datadir"
        [ "$(id -u)" = "0" ] && chown postgres:postgres "$datadir"
        pwfile="$(mktemp)"
        printf '%s\n' "$password" >"$pwfile"
        chmod 644 "$pwfile"
        as_owner "$bindir/initdb" -D "$datadir" -U "$user" --pwfile="$pwfile" \
            --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
        rm -f "$pwfile"
    fi
    mkdir -p "$sockdir"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$sockdir"
    touch "$logfile"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$logfile"
    as_owner "$bindir/pg_ctl" -D "$datadir" -l "$logfile" -w -t 30 \
        -o "-h 127.0.0.1 -p $port -k $sockdir -c fsync=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null
    for _ in $(seq 100); do ready && exit 0; sleep 0.1; done
    echo "postgres did not start on port $port (log: $logfile)" >&2; exit 1 ;;
stop)
    if [ -s "$datadir/PG_VERSION" ]; then
        as_owner "$bindir/pg_ctl" -D "$datadir" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
