#!/usr/bin/env bash
# Fault injection: SIGKILL sigma-worker in the middle of a drain and count what is lost or run twice.
# Starts a throwaway redis-server (FAULT_REDIS_PORT, default 6397; broker db 0, results db 1),
# runs scripts/faults/kill9_drain.py under the Celery venv, stops redis-server and every worker at exit.
# Usage: scripts/faults/kill9_drain.sh [--tasks N] [--runs R] [--seed S] [--kills K]
#            [--acks-late | --early-ack] [--fault-point after-wake|after-reserve|after-result-write[:N]]
#            [--visibility-timeout S] [--timeout S] [--concurrency C] [--python PY] ...
#   SIGMA_WORKER (default .build/debug/sigma-worker; never built here), PYTHON (default
#   .venv/celery-5.7/bin/python, or --python), FAULT_WORKDIR (default a new /tmp/sigma-kill9.* folder, kept).
# Exit status: 0 ok, 1 messages lost (see kill9_drain.py), 2 harness error, 3 fault point never fired.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-$root/.venv/celery-5.7/bin/python}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
        --python) python="${args[$((i + 1))]:-$python}" ;;
        --python=*) python="${args[$i]#--python=}" ;;
    esac
done
port="${FAULT_REDIS_PORT:-6397}"
worker="${SIGMA_WORKER:-$root/.build/debug/sigma-worker}"
if [ ! -x "$worker" ]; then
    echo "no executable sigma-worker at $worker (set SIGMA_WORKER; this script does not build)" >&2; exit 2
fi
if [ ! -x "$python" ]; then
    echo "no Python at $python (set PYTHON or --python; scripts/setup-python.sh makes the venvs)" >&2; exit 2
fi
if redis-cli -p "$port" ping >/dev/null 2>&1; then
    echo "port $port is already in use; set FAULT_REDIS_PORT" >&2; exit 2
fi
workdir="${FAULT_WORKDIR:-$(mktemp -d /tmp/sigma-kill9.XXXXXX)}"
mkdir -p "$workdir"
redis_pid=""
cleanup() {
    # Workers the Python driver may have left behind (it was killed itself): only our own pids.
    if [ -f "$workdir/workers.pid" ]; then
        while read -r pid; do
            [ -n "$pid" ] || continue
            if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "k9@localhost"; then
                kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            fi
        done <"$workdir/workers.pid"
    fi
    if [ -n "$redis_pid" ]; then
        kill "$redis_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile "$workdir/redis.log" &
redis_pid=$!
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
    echo "redis-server did not start on port $port: see $workdir/redis.log" >&2; exit 2
fi
status=0
"$python" "$root/scripts/faults/kill9_drain.py" --port "$port" --worker "$worker" --workdir "$workdir" \
    "$@" || status=$?
exit "$status"
