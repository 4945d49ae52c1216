#!/usr/bin/env python3
"""Drain throughput of two sigma-worker binaries (old = baseline commit, new = working tree),
interleaved, plus Python `celery worker` as the yardstick. Driven by compare_commits.sh, which
builds the binaries; this helper only runs and summarises.

Every run is one `scripts/bench/worker.sh --only drain` (a fresh throwaway redis-server each
time); a round is old, new, then celery. Reported: per-run tasks/s, the medians, new/old and
new/celery, and PASS when median(new) >= threshold × median(old) (default 0.95), else FAIL.
The last line printed is the summary as one JSON object.

Exit status: 0 PASS, 1 FAIL, 2 a run failed (worker error, wrong or missing results).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run_bench(label, sigma, sigma_tasks, python_tasks, args, logdir, index):
    """One worker.sh --only drain; returns (results.json of the run, load average before it)."""
    log = os.path.join(logdir, f"run-{index:02d}-{label}.log")
    env = dict(os.environ, SIGMA_WORKER=sigma, SIGMA_BUILD="0", BENCH_REDIS_PORT=str(args.port))
    argv = ["bash", os.path.join(HERE, "worker.sh"), "--only", "drain", "--tasks", str(sigma_tasks),
            "--python-tasks", str(python_tasks), "--sigma-extra-concurrency", "0",
            "--concurrency", str(args.concurrency)]
    load = os.getloadavg()[0]
    with open(log, "w") as f:
        proc = subprocess.run(argv, stdout=f, stderr=subprocess.STDOUT, env=env)
    with open(log) as f:
        text = f.read()
    raw = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("raw figures:")), None)
    if proc.returncode != 0 or raw is None:
        tail = "\n".join(text.splitlines()[-25:])
        raise RuntimeError(f"{label} run {index} failed (exit {proc.returncode}); log {log}:\n{tail}")
    with open(raw) as f:
        return json.load(f), load, log


def spread(values):
    m = statistics.median(values)
    return (max(values) - min(values)) / m if m else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", required=True, help="baseline sigma-worker binary")
    parser.add_argument("--new", required=True, help="sigma-worker binary under test")
    parser.add_argument("--old-label", default="old")
    parser.add_argument("--new-label", default="new")
    parser.add_argument("--runs", type=int, default=5, help="runs of each binary (old/new alternate); default 5")
    parser.add_argument("--tasks", type=int, default=20000,
                        help="drain size for sigma-worker; default 20000 (a 5000 drain lasts 0.4 s, too short "
                             "to rise above scheduling noise on 2 cores)")
    parser.add_argument("--python-tasks", type=int, default=2000,
                        help="drain size for celery, one drain per round; default 2000")
    parser.add_argument("--concurrency", type=int, default=4, help="-c of both workers; default 4")
    parser.add_argument("--threshold", type=float, default=0.95,
                        help="PASS if median(new) >= THRESHOLD x median(old); default 0.95")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_REDIS_PORT", "6399")),
                        help="port of the throwaway redis-server (default $BENCH_REDIS_PORT or 6399)")
    parser.add_argument("--logdir", default=None, help="where the run logs go (default a new /tmp directory)")
    args = parser.parse_args()
    if args.runs < 1 or args.tasks < 1 or args.python_tasks < 1:
        parser.error("--runs, --tasks and --python-tasks must be positive")
    for name in ("old", "new"):
        path = getattr(args, name)
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            parser.error(f"--{name} {path}: not an executable file")

    logdir = args.logdir or tempfile.mkdtemp(prefix="sigma-worker-compare-")
    os.makedirs(logdir, exist_ok=True)
    print(f"# old: {args.old_label}: {args.old}")
    print(f"# new: {args.new_label}: {args.new}")
    print(f"# {args.runs} round{'s' if args.runs != 1 else ''} of old, new (sigma-worker drain of {args.tasks}) and celery (drain of "
          f"{args.python_tasks}), -c {args.concurrency}, each run on a fresh redis-server on 127.0.0.1:{args.port}; "
          f"logs in {logdir}")
    print(f"# {os.cpu_count()} CPUs, load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"  {'run':<6} {'worker':<7} {'tasks':>6} {'seconds':>8} {'tasks/s':>9} {'CPU µs/task':>12} "
          f"{'VmHWM MiB':>10} {'load 1m':>8}", flush=True)

    runs = {"old": [], "new": [], "python": []}
    index = 0
    started = time.time()
    try:
        for round_ in range(1, args.runs + 1):
            plan = (("old", args.old, args.tasks, 0), ("new", args.new, args.tasks, 0),
                    ("python", args.old, 0, args.python_tasks))
            for label, sigma, sigma_tasks, python_tasks in plan:
                index += 1
                out, load, log = run_bench(label, sigma, sigma_tasks, python_tasks, args, logdir, index)
                d = out["celery" if label == "python" else "sigma-worker"]["drain"]
                record = {"round": round_, "n": d["n"], "seconds": d["seconds"], "rate": d["rate"],
                          "cpu_us_per_task": d["worker_cpu"] / d["n"] * 1e6, "peak_hwm_kb": d["peak_hwm_kb"],
                          "load": load, "log": log}
                runs[label].append(record)
                print(f"  {round_:>2}/{args.runs:<3} {label:<7} {d['n']:>6} {d['seconds']:>8.3f} {d['rate']:>9,.0f} "
                      f"{record['cpu_us_per_task']:>12.1f} {d['peak_hwm_kb'] / 1024:>10.1f} {load:>8.2f}", flush=True)
    except (RuntimeError, OSError, KeyError, ValueError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        print(json.dumps({"result": "ERROR", "error": str(error).splitlines()[0], "logdir": logdir}))
        return 2

    med = {k: statistics.median(r["rate"] for r in v) for k, v in runs.items()}
    cpu = {k: statistics.median(r["cpu_us_per_task"] for r in v) for k, v in runs.items()}
    new_old = med["new"] / med["old"]
    new_python = med["new"] / med["python"]
    old_python = med["old"] / med["python"]
    ok = med["new"] >= args.threshold * med["old"]

    print()
    print(f"  {'median':<14} {'tasks/s':>9} {'CPU µs/task':>12} {'min':>9} {'max':>9} {'spread':>7}")
    for k, name in (("old", f"old"), ("new", "new"), ("python", "celery")):
        rates = [r["rate"] for r in runs[k]]
        print(f"  {name:<14} {med[k]:>9,.0f} {cpu[k]:>12.1f} {min(rates):>9,.0f} {max(rates):>9,.0f} "
              f"{spread(rates):>7.1%}")
    print()
    print(f"new/old    median tasks/s: {new_old:.3f}  (CPU µs/task new/old: {cpu['new'] / cpu['old']:.3f})")
    print(f"new/python median tasks/s: {new_python:.1f}x  (old/python {old_python:.1f}x)")
    verdict = "PASS" if ok else "FAIL"
    print(f"{verdict}: median(new) {med['new']:,.0f} tasks/s {'>=' if ok else '<'} {args.threshold:.0%} of "
          f"median(old) {med['old']:,.0f} = {args.threshold * med['old']:,.0f}  "
          f"({time.time() - started:.0f} s, load average at end "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    summary = {
        "result": verdict, "threshold": args.threshold,
        "old": {"label": args.old_label, "binary": args.old, "median_rate": med["old"],
                "median_cpu_us_per_task": cpu["old"], "rates": [r["rate"] for r in runs["old"]]},
        "new": {"label": args.new_label, "binary": args.new, "median_rate": med["new"],
                "median_cpu_us_per_task": cpu["new"], "rates": [r["rate"] for r in runs["new"]]},
        "python": {"median_rate": med["python"], "median_cpu_us_per_task": cpu["python"],
                   "rates": [r["rate"] for r in runs["python"]]},
        "ratio_new_old": new_old, "ratio_new_python": new_python, "ratio_old_python": old_python,
        "runs": args.runs, "tasks": args.tasks, "python_tasks": args.python_tasks, "concurrency": args.concurrency,
        "cpus": os.cpu_count(), "logdir": logdir,
    }
    print(json.dumps(summary, separators=(",", ":")))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
