#!/usr/bin/env bash
# Runtime benchmark (issue 3 §10): sigma-worker (release) vs Python `celery worker` (prefork, 5.7)
# on a throwaway redis-server on loopback — drain throughput, round-trip latency, peak RSS,
# start to ready, plus Redis commands / round trips / CPU / instructions per task.
# Usage: scripts/bench/worker.sh [--tasks N] [--python-tasks N] [--calls N] [--instructions perf|callgrind|none]
#   [--only drain] ...  (--only drain: the drain throughput alone, as scripts/bench/compare_commits.sh uses it)
#   BENCH_REDIS_PORT (default 6399), PYTHON (default .venv/celery-5.7/bin/python),
#   SIGMA_WORKER (default .build/release/sigma-worker, built if missing or SIGMA_BUILD=1).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-$root/.venv/celery-5.7/bin/python}"
celery="$(dirname "$python")/celery"
port="${BENCH_REDIS_PORT:-6399}"
worker="${SIGMA_WORKER:-$root/.build/release/sigma-worker}"
if [ ! -x "$worker" ] || [ "${SIGMA_BUILD:-0}" = 1 ]; then
    (cd "$root" && swift build -c release --product sigma-worker 2>&1 | tail -1) >&2
fi
if redis-cli -p "$port" ping >/dev/null 2>&1; then
    echo "port $port is already in use; set BENCH_REDIS_PORT" >&2; exit 1
fi
workdir="$(mktemp -d /tmp/sigma-worker-bench.XXXXXX)"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile "$workdir/redis.log" &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
"$python" "$root/scripts/bench/worker_bench.py" --sigma "$worker" --celery "$celery" --port "$port" \
    --workdir "$workdir" "$@"
