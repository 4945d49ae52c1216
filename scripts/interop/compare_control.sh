#!/usr/bin/env bash
# Every remote-control command of Celery 5.7, sent by the real client to a Python Celery 5.7
# worker and to sigma-worker on the same app (tasks add and sleeping), each on a throwaway
# redis-server; the replies' shapes (scripts/interop/control_replies.py normalises host, pid,
# ids and times) are compared case by case. Prints one line per case (same / DIFFERENT) and
# both raw replies where they differ; exit 1 if a difference is not in the documented list
# below, 2 on a harness error.
#
# Usage: scripts/interop/compare_control.sh [--keep DIR]    (SIGMA_WORKER: the binary, default .build/debug)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="$root/.venv/celery-5.7/bin/python"
celery="$root/.venv/celery-5.7/bin/celery"
worker="${SIGMA_WORKER:-$root/.build/debug/sigma-worker}"
port="${COMPARE_REDIS_PORT:-6394}"
work="$(mktemp -d /tmp/sigma-compare-control.XXXXXX)"
[ "${1:-}" = "--keep" ] && work="${2:?--keep DIR}" && mkdir -p "$work"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$work/redis.pid" --logfile "$work/redis.log"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 1
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
broker="redis://127.0.0.1:$port/0"
backend="redis://127.0.0.1:$port/1"

wait_ready() {  # log file
    for _ in $(seq 300); do grep -q " ready\." "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "compare_control: the worker never became ready: $1" >&2; tail -n 20 "$1" >&2; exit 2
}

# Python: the mixed-fleet test app, prefork -c 2, no gossip (a lone 5.7 worker with gossip
# crashes on `election`).
(cd "$root/Tests/CeleryWorkerTests/Support" && SIGMA_BROKER="$broker" SIGMA_BACKEND="$backend" SIGMA_QUEUE=qpy \
    exec "$celery" -A python_worker worker -n py@localhost -Q qpy -c 2 -l info --without-gossip \
    > "$work/python.log" 2>&1) &
pids+=($!)
wait_ready "$work/python.log"
"$python" "$root/scripts/interop/control_replies.py" --broker "$broker" --backend "$backend" --node py@localhost \
    --queue qpy --include-election --worker-log "$work/python.log" --out "$work/python.json" > /dev/null

(cd "$work" && CELERY_BROKER_URL="$broker" CELERY_RESULT_BACKEND="$backend" CELERY_TASK_DEFAULT_QUEUE=qsw \
    exec "$worker" worker --include-test-tasks --without-sigma-tasks -n sw@localhost -Q qsw -c 2 -l info \
    -f "$work/sigma.log") &
pids+=($!)
wait_ready "$work/sigma.log"
"$python" "$root/scripts/interop/control_replies.py" --broker "$broker" --backend "$backend" --node sw@localhost \
    --queue qsw --include-election --worker-log "$work/sigma.log" --out "$work/sigma.json" > /dev/null

"$python" - "$work/python.json" "$work/sigma.json" <<'PY'
import json, sys
python, sigma = (json.load(open(p))["cases"] for p in sys.argv[1:3])
# Differences on purpose (README, "Operating it"):
EXPECTED = {
    "memsample": "sigma-worker reports the RSS, as Celery does with psutil installed (this venv has none: null)",
    "memdump": "likewise: RSS samples instead of '(psutil not installed)'",
    "report": "sigma-worker's own software and settings lines",
    "election": "no gossip: sigma-worker answers null; Celery without gossip raises AttributeError",
    "add_consumer": "the queue named is each worker's own (qpy, qsw)",
    "conf": "with_defaults: Celery lists its ~200 defaults; sigma-worker the settings it knows",
}
# Cases where only a variant differs on purpose.
EXPECTED_CASES = {"add_consumer.existing", "conf.with_defaults"}
def canonical(shape):
    return json.dumps(shape, sort_keys=True)
unexpected = 0
for case in sorted(set(python) | set(sigma)):
    p, s = python.get(case), sigma.get(case)
    if p is None or s is None:
        print(f"  {case:<40} only {'python' if s is None else 'sigma-worker'}")
        continue
    same = canonical(p["shape"]) == canonical(s["shape"])
    command = case.split(".")[0]
    expected = command in EXPECTED and (command not in ("add_consumer", "conf") or case in EXPECTED_CASES)
    note = "" if same else ("  (expected: " + EXPECTED[command] + ")" if expected else "")
    print(f"  {case:<40} {'same' if same else 'DIFFERENT'}{note}")
    if not same:
        print(f"      python: {json.dumps(p['reply'])[:300]}")
        print(f"      sigma:  {json.dumps(s['reply'])[:300]}")
        if not expected:
            unexpected += 1
print(f"{unexpected} unexpected difference(s) over {len(set(python) & set(sigma))} cases")
sys.exit(1 if unexpected else 0)
PY
