#!/usr/bin/env bash
# Installs the package for real and runs the installed binary with the Swift toolchain hidden:
# dpkg -i, systemd-analyze verify on the installed unit, then, in a mount namespace where a
# tmpfs covers the toolchain's folder, `sigma-worker --version` and a worker against the test
# Redis that runs a task sent by the real Python client; its idle RSS is printed; then dpkg -r
# and a check that the files are gone. Needs root (dpkg, unshare -m).
#
# Usage: scripts/package_test.sh DEB     (the test Redis: SIGMA_TEST_REDIS_URL, default redis://127.0.0.1:6390)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
deb="${1:?usage: package_test.sh DEB}"
redis="${SIGMA_TEST_REDIS_URL:-redis://127.0.0.1:6390}"
python="$root/.venv/celery-5.7/bin/python"
toolchain="$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"
[ "$(id -u)" = 0 ] || { echo "package_test.sh: needs root (dpkg -i, unshare -m)" >&2; exit 2; }
fail() { echo "package_test.sh: FAIL: $*" >&2; exit 1; }

dpkg -i "$deb" >/dev/null || { apt-get install -f -y >/dev/null; dpkg -i "$deb" >/dev/null; }
trap 'dpkg -r sigma-worker >/dev/null 2>&1 || true' EXIT
[ -x /usr/bin/sigma-worker ] || fail "/usr/bin/sigma-worker was not installed"
if command -v systemd-analyze >/dev/null; then
    for unit in sigma-worker.service sigma-beat.service; do
        systemd-analyze verify "/lib/systemd/system/$unit" >/dev/null 2>&1 \
            || fail "systemd-analyze verify rejects $unit: $(systemd-analyze verify "/lib/systemd/system/$unit" 2>&1)"
    done
    echo "# units verified by systemd-analyze"
else
    echo "# systemd-analyze is not installed here: the unit is not verified"
fi

work="$(mktemp -d /tmp/sigma-package-test.XXXXXX)"
queue="pkg-$$"
cat > "$work/run.sh" <<RUN
set -e
mount -t tmpfs tmpfs "$toolchain"
[ -z "\$(ls -A "$toolchain")" ] || { echo "the toolchain is still visible" >&2; exit 1; }
if ldd /usr/bin/sigma-worker | grep -q "not found"; then ldd /usr/bin/sigma-worker >&2; exit 1; fi
/usr/bin/sigma-worker --version
cd "$work"
CELERY_BROKER_URL="$redis/5" CELERY_RESULT_BACKEND="$redis/1" CELERY_TASK_DEFAULT_QUEUE="$queue" \
    exec /usr/bin/sigma-worker worker --include-test-tasks --without-sigma-tasks -Q "$queue" -c 2 -l info \
    -f "$work/worker.log" -n "pkg@localhost"
RUN
hidden="with the toolchain's folder hidden"
if unshare -m true 2>/dev/null; then
    unshare -m bash "$work/run.sh" > "$work/out.txt" 2>&1 &
else
    # A container without CAP_SYS_ADMIN cannot make a mount namespace: run the installed binary
    # with the loader told nothing about the toolchain instead, and say so.
    echo "# unshare -m is not permitted here: the toolchain stays mounted; LD_LIBRARY_PATH cleared instead"
    hidden="(toolchain NOT hidden: no mount namespace here)"
    sed -i '/^mount -t tmpfs/d; /the toolchain is still visible/d' "$work/run.sh"
    env -u LD_LIBRARY_PATH bash "$work/run.sh" > "$work/out.txt" 2>&1 &
fi
pid=$!
for _ in $(seq 100); do grep -q " ready." "$work/worker.log" 2>/dev/null && break; sleep 0.1; done
grep -q " ready." "$work/worker.log" 2>/dev/null || { cat "$work/out.txt" >&2; fail "the installed worker never became ready"; }
sleep 1
worker_pid="$pid"  # unshare and bash exec: the same process becomes the worker
[ "$(readlink "/proc/$worker_pid/exe")" = /usr/bin/sigma-worker ] || fail "pid $worker_pid is not the installed worker"
rss="$(awk '/^VmRSS/ { print $2 }' "/proc/$worker_pid/status")"
answer="$("$python" - "$redis/5" "$redis/1" "$queue" <<'PY'
import sys
from celery import Celery
app = Celery(broker=sys.argv[1], backend=sys.argv[2])
print(app.send_task("t.integration.tasks.add", args=(40, 2), queue=sys.argv[3]).get(timeout=20))
PY
)"
kill -TERM "$worker_pid"
wait "$pid" || true
head -n 1 "$work/out.txt"
[ "$answer" = 42 ] || fail "the installed worker answered '$answer' to add(40, 2)"
echo "# the installed binary ran add(40, 2) = $answer $hidden; idle RSS $rss KiB"
echo "# installed binary: $(stat -c %s /usr/bin/sigma-worker) bytes"
rm -rf "$work"
dpkg -r sigma-worker >/dev/null
trap - EXIT
[ ! -e /usr/bin/sigma-worker ] && [ ! -e /lib/systemd/system/sigma-worker.service ] \
    && [ ! -e /lib/systemd/system/sigma-beat.service ] || fail "dpkg -r left files behind"
echo "# removed with dpkg -r: ok"
