#!/usr/bin/env bash
# The README's test command: installs what the tests need, starts the real servers they talk to
# (scripts/services/*.sh), builds, and runs the whole suite.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh
bash scripts/format.sh --check  # .swift-format, the house style
for s in scripts/services/*.sh; do bash "$s" start; done
trap 'for s in scripts/services/*.sh; do bash "$s" stop || true; done' EXIT
export SIGMA_TEST_REDIS_URL="redis://127.0.0.1:${SIGMA_TEST_REDIS_PORT:-6390}"
swift build --product sigma-worker 2>&1 | grep -Ev "^\[[0-9]+/[0-9]+\]" || true
swift build --build-tests 2>&1 | grep -Ev "^\[[0-9]+/[0-9]+\]" || true
swift test 2>&1
