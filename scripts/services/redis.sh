#!/usr/bin/env bash
# Throwaway redis-server for the tests: 127.0.0.1:${SIGMA_TEST_REDIS_PORT:-6390}, no persistence.
# Usage: redis.sh start|stop
set -euo pipefail
port="${SIGMA_TEST_REDIS_PORT:-6390}"
case "${1:-start}" in
start)
    if redis-cli -p "$port" ping >/dev/null 2>&1; then exit 0; fi
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --logfile "/tmp/sigma-test-redis-$port.log" --pidfile "/tmp/sigma-test-redis-$port.pid"
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && exit 0; sleep 0.1; done
    echo "redis-server did not start on port $port" >&2; exit 1 ;;
stop)
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true ;;
esac
