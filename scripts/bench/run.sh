#!/usr/bin/env bash
# Benchmarks SigmaDocuments against Pillow and reportlab (same machine, same run).
# Usage: scripts/bench/run.sh [ITERATIONS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-$root/.venv/celery-5.7/bin/python}"
photos="${PHOTOS_DIR:-/tmp/sigma-photos}"
out="${BENCH_OUT:-/tmp/sigma-bench}"
mkdir -p "$out"
[ -f "$photos/photo_12mp.jpg" ] || "$python" "$root/scripts/photos/generate.py" "$photos" >/dev/null
(cd "$root" && swift build -c release --product sigma-documents-bench 2>&1 | tail -1)
exec "$python" "$root/scripts/bench/bench_documents.py" \
    --bench "$root/.build/release/sigma-documents-bench" --photos "$photos" --out "$out" \
    --images "${STATIC_IMAGES:-$root/../shared/spec/assets/static/images}" --iterations "${1:-7}"
