#!/usr/bin/env bash
# Re-captures the Celery fixture corpus with both Python environments
# (made by scripts/setup-python.sh). Needs redis-server in PATH; starts and
# stops its own redis-server and celery workers.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for v in 5.3 5.7; do
    py="$root/.venv/celery-$v/bin/python"
    if [ ! -x "$py" ]; then
        echo "missing $py: run scripts/setup-python.sh" >&2
        exit 1
    fi
    timeout 600 "$py" "$root/Fixtures/capture.py"
done
