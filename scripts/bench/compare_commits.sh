#!/usr/bin/env bash
# Drain throughput, baseline commit vs the working tree: sigma-worker (release) old and new,
# interleaved, plus Python `celery worker` (prefork 5.7) as the yardstick, each run on a fresh
# throwaway redis-server (scripts/bench/worker.sh --only drain). PASS if median(new) >= 95 % of
# median(old), FAIL (exit 1) otherwise; exit 2 if a run failed. The last line is a JSON summary.
#
# Usage: scripts/bench/compare_commits.sh [--baseline REV] [--runs N] [--tasks N] [--python-tasks N]
#            [--threshold 0.95] [--concurrency 4] [--port P] [--logdir DIR]
#   --baseline REV  the old commit (default 62ae5d5), built release in a detached git worktree
#                   outside the repository, /tmp/sigma-worker-baseline-<rev> (SIGMA_BASELINE_DIR
#                   overrides), kept for the next time (remove: git worktree remove --force DIR)
#   --runs N        runs of each binary, old/new alternating (default 5); one celery drain per round
#   --tasks N       sigma-worker drain size (default 20000: a 5000 drain lasts 0.4 s, mostly noise)
#                   --python-tasks N: celery's (default 2000)
#   SIGMA_OLD=BIN   use this prebuilt baseline binary (no worktree, no build)
#   SIGMA_NEW=BIN   use this prebuilt binary as new (otherwise: swift build -c release in the repository)
#   PYTHON (default .venv/celery-5.7/bin/python), BENCH_REDIS_PORT (default 6399) as for worker.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-$root/.venv/celery-5.7/bin/python}"
baseline=62ae5d5
pass=()
while [ $# -gt 0 ]; do
    case "$1" in
        --baseline) [ $# -ge 2 ] || { echo "--baseline needs a revision" >&2; exit 2; }
                    baseline="$2"; shift 2 ;;
        --baseline=*) baseline="${1#--baseline=}"; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
                   "$python" "$root/scripts/bench/compare_commits.py" --help | sed -n '/^options:/,$p'
                   exit 0 ;;
        *) pass+=("$1"); shift ;;
    esac
done

die() { echo "compare_commits: $*" >&2; exit 2; }

# swift build -c release --product sigma-worker in $1; the log goes to $2, its tail on failure.
build() {
    local dir="$1" log="$2"
    echo "# building release sigma-worker in $dir (log $log) ..." >&2
    local started=$SECONDS
    if ! (cd "$dir" && swift build -c release --product sigma-worker) >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        die "release build in $dir failed (log $log)"
    fi
    echo "# built in $((SECONDS - started)) s: $(tail -n 1 "$log")" >&2
}

if [ -n "${SIGMA_OLD:-}" ]; then
    old="$SIGMA_OLD"
    old_label="SIGMA_OLD"
else
    rev="$(git -C "$root" rev-parse --verify --quiet "${baseline}^{commit}")" || die "unknown revision $baseline"
    short="$(git -C "$root" rev-parse --short=7 "$rev")"
    dir="${SIGMA_BASELINE_DIR:-/tmp/sigma-worker-baseline-$short}"
    if [ -e "$dir" ]; then
        have="$(git -C "$dir" rev-parse HEAD 2>/dev/null)" || die "$dir exists and is not a git worktree"
        [ "$have" = "$rev" ] || die "$dir is at $have, not $rev; remove it (git worktree remove --force $dir)"
        [ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] || die "$dir has local changes"
    else
        git -C "$root" worktree prune
        git -C "$root" worktree add --detach "$dir" "$rev" >&2
    fi
    mkdir -p "$dir/.build"
    build "$dir" "$dir/.build/release-build.log"
    old="$dir/.build/release/sigma-worker"
    old_label="$short"
fi

if [ -n "${SIGMA_NEW:-}" ]; then
    new="$SIGMA_NEW"
    new_label="SIGMA_NEW"
else
    log="$(mktemp /tmp/sigma-worker-new-build.XXXXXX.log)"
    build "$root" "$log"
    new="$root/.build/release/sigma-worker"
    head="$(git -C "$root" rev-parse --short=7 HEAD)"
    if [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- Sources Package.swift Package.resolved)" ]; then
        new_label="working tree (HEAD $head + changes)"
    else
        new_label="working tree (HEAD $head)"
    fi
fi
[ -x "$old" ] || die "old binary $old is not executable"
[ -x "$new" ] || die "new binary $new is not executable"

exec "$python" "$root/scripts/bench/compare_commits.py" --old "$old" --new "$new" \
    --old-label "$old_label" --new-label "$new_label" ${pass[@]+"${pass[@]}"}
