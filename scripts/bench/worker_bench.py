#!/usr/bin/env python3
"""sigma-worker versus Python `celery worker` (prefork), same machine, same Redis, one run.

Both workers consume `celery.accumulate` messages published by the real Celery client
(`app.send_task`) on a throwaway redis-server (broker db 0, results db 1) and are measured on:

1. drain throughput: N messages pre-filled, the worker started; timed from the first message
   leaving the queue to the N-th result stored (DBSIZE of db 1), every result then checked;
2. round-trip latency: p50/p99 of sequential `send_task(...).get()` against an idle worker
   (plus a raw redis-py round trip: LPUSH a kombu message, wait for the result's PUBLISH);
3. peak RSS during the drain: VmHWM from /proc (prefork: main process + children summed;
   PSS is shown too, since prefork children share pages with their parent);
4. start to ready: exec to the `ready.` log line, and to the first BRPOP the server sees.

Alongside: Redis commands and socket reads (≈ round trips) per task from INFO commandstats /
INFO stats, CPU time per task of the worker and of redis-server, and optionally instructions
per task (perf stat or callgrind, difference of a drain of K tasks and of 0 tasks).

`--only drain` runs measurement 1 alone (used by compare_commits.sh); there `--tasks 0` or
`--python-tasks 0` leaves that worker's drain out.
"""
import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import redis

APP_MODULE = """\
import os
from celery import Celery

app = Celery("bench", broker=os.environ["CELERY_BROKER_URL"], backend=os.environ["CELERY_RESULT_BACKEND"])
app.conf.task_default_queue = os.environ.get("BENCH_QUEUE", "bench")
# Nothing else: the built-in celery.accumulate is the task, worker_prefetch_multiplier stays 4.
"""

CLK_TCK = os.sysconf("SC_CLK_TCK")
QUEUE = "bench"


# ---------------------------------------------------------------------------------------------
# /proc helpers


def proc_status(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])  # kB
    except OSError:
        return None
    return None


def proc_pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def proc_cpu(pid):
    """utime + stime in seconds (own threads only)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return None


def children(pid):
    result = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                result += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return result


def process_tree(pid):
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children(p)
    return tree


class MemorySampler(threading.Thread):
    """Samples VmHWM (per pid, kept at its max), the summed PSS and the CPU time of a process tree."""

    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.hwm, self.cpu = {}, {}
        self.peak_pss = 0
        self.stop_event = threading.Event()

    def sample(self):
        pss_total = 0
        for p in process_tree(self.pid):
            hwm = proc_status(p, "VmHWM")
            if hwm is not None:
                self.hwm[p] = max(self.hwm.get(p, 0), hwm)
            pss = proc_pss(p)
            pss_total += pss or 0
            cpu = proc_cpu(p)
            if cpu is not None:
                self.cpu[p] = max(self.cpu.get(p, 0), cpu)
        self.peak_pss = max(self.peak_pss, pss_total)

    def run(self):
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(self.interval)

    def finish(self):
        self.stop_event.set()
        self.join()
        self.sample()

    @property
    def peak_hwm(self):
        return sum(self.hwm.values())

    @property
    def cpu_seconds(self):
        return sum(self.cpu.values())


# ---------------------------------------------------------------------------------------------
# Redis helpers


def commandstats(r):
    return {k.split("_", 1)[1] if k.startswith("cmdstat_") else k: v["calls"] for k, v in r.info("commandstats").items()}


def stats_snapshot(r):
    stats = r.info("stats")
    cpu = r.info("cpu")
    return {
        "commands": commandstats(r),
        "reads": stats.get("total_reads_processed", 0),
        "writes": stats.get("total_writes_processed", 0),
        "cpu": cpu["used_cpu_user"] + cpu["used_cpu_sys"],
    }


# The driver's own polling; each is one round trip of its own.
DRIVER_COMMANDS = ("dbsize", "llen", "info")


def stats_delta(before, after):
    commands, driver = {}, 0
    for name, calls in after["commands"].items():
        delta = calls - before["commands"].get(name, 0)
        if name in DRIVER_COMMANDS:
            driver += delta
        elif delta:
            commands[name] = delta
    return {
        "commands": commands,
        "reads": after["reads"] - before["reads"] - driver,
        "writes": after["writes"] - before["writes"],
        "cpu": after["cpu"] - before["cpu"],
    }


# ---------------------------------------------------------------------------------------------
# Workers


class WorkerSpec:
    def __init__(self, name, argv, env, cwd):
        self.name, self.argv, self.env, self.cwd = name, argv, env, cwd


def start_worker(spec, log_path=None, wrapper=()):
    """Starts a worker; its log goes to a file (drain) or a pipe (start-up timing)."""
    stderr = open(log_path, "wb") if log_path else subprocess.PIPE
    started = time.time()
    proc = subprocess.Popen(
        list(wrapper) + spec.argv, env=spec.env, cwd=spec.cwd, stdout=subprocess.DEVNULL, stderr=stderr,
        start_new_session=True)
    proc.started = started
    proc.log_path = log_path
    if log_path:
        stderr.close()
    return proc


def wait_ready(proc, timeout=60.0):
    """Seconds from exec to the `ready.` line."""
    deadline = time.time() + timeout
    if proc.log_path is None:
        for line in proc.stderr:
            if b" ready." in line:
                return time.time() - proc.started
            if time.time() > deadline:
                break
        raise RuntimeError(f"worker never logged ready (exit {proc.poll()})")
    while time.time() < deadline:
        with open(proc.log_path, "rb") as f:
            if b" ready." in f.read():
                return time.time() - proc.started
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited with {proc.returncode}: see {proc.log_path}")
        time.sleep(0.001)
    raise RuntimeError(f"worker never logged ready: see {proc.log_path}")


def stop_worker(proc, timeout=30.0):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if proc.stderr is not None:
        # Keep draining the pipe so a chatty shutdown cannot block on a full pipe.
        threading.Thread(target=proc.stderr.read, daemon=True).start()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    # Prefork children exit with the main process; make sure nothing is left behind.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# ---------------------------------------------------------------------------------------------
# Measurements


def flush(broker, results):
    broker.flushdb()
    results.flushdb()


def fill(app, n):
    """Publishes n messages with send_task. `app` has no result backend: the messages are the
    same bytes, but the client does not subscribe to n result channels (whose PUBLISHes would
    pile up on an unread pubsub connection until Redis drops it)."""
    started = time.perf_counter()
    ids = [app.send_task("celery.accumulate", args=(i,)).id for i in range(n)]
    return ids, time.perf_counter() - started


def verify(results, ids, prefix="celery-task-meta-"):
    bad = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        for index, raw in enumerate(results.mget([prefix + i for i in chunk])):
            meta = json.loads(raw) if raw else None
            if not meta or meta.get("status") != "SUCCESS" or meta.get("result") != [start + index]:
                bad += 1
    return bad


def drain(spec, app, broker, results, n, workdir, wrapper=(), settle=True):
    """Pre-fills n messages, starts the worker and times the drain."""
    flush(broker, results)
    ids, fill_seconds = fill(app, n)
    assert broker.llen(QUEUE) == n, broker.llen(QUEUE)
    before = stats_snapshot(broker)
    log_path = os.path.join(workdir, f"{spec.name}-drain-{n}.log")
    proc = start_worker(spec, log_path, wrapper)
    sampler = MemorySampler(proc.pid)
    sampler.start()
    first_pop = None
    deadline = time.time() + max(600.0, n / 10)
    while True:
        now = time.perf_counter()
        if first_pop is None and broker.llen(QUEUE) < n:
            first_pop = now
        if results.dbsize() >= n:
            done = now
            break
        if proc.poll() is not None:
            raise RuntimeError(f"{spec.name} exited during the drain: see {log_path}")
        if time.time() > deadline:
            raise RuntimeError(f"{spec.name} drain timed out: {results.dbsize()} of {n} results")
        time.sleep(0.0005 if first_pop is None else 0.002)
    exec_to_done = time.time() - proc.started
    sampler.finish()
    after = stats_snapshot(broker)
    # Acks are fire-and-forget: give them a moment before checking nothing is left reserved.
    for _ in range(200):
        if broker.llen(QUEUE) == 0 and broker.hlen("unacked") == 0:
            break
        time.sleep(0.01)
    leftover = (broker.llen(QUEUE), broker.hlen("unacked"), broker.zcard("unacked_index"))
    stop_worker(proc)
    bad = verify(results, ids)
    seconds = done - first_pop
    return {
        "n": n,
        "fill_seconds": fill_seconds,
        "seconds": seconds,
        "rate": n / seconds,
        "exec_to_done": exec_to_done,
        "peak_hwm_kb": sampler.peak_hwm,
        "peak_pss_kb": sampler.peak_pss,
        "processes": len(sampler.hwm),
        "worker_cpu": sampler.cpu_seconds,
        "redis": stats_delta(before, after),
        "leftover": leftover,
        "bad": bad,
        "log": log_path,
    }


def latency(spec, app, broker, results, calls, workdir, port):
    flush(broker, results)
    proc = start_worker(spec, os.path.join(workdir, f"{spec.name}-latency.log"))
    try:
        wait_ready(proc)
        time.sleep(0.5)
        for i in range(20):  # warm-up
            app.send_task("celery.accumulate", args=(i,)).get(timeout=10)
        client = []
        for i in range(calls):
            started = time.perf_counter()
            value = app.send_task("celery.accumulate", args=(i,)).get(timeout=10)
            client.append(time.perf_counter() - started)
            assert value == [i], value
        raw = raw_latency(broker, port, calls)
    finally:
        stop_worker(proc)
    return {"client": client, "raw": raw}


def kombu_message(task_id, i):
    """A protocol-2 message as Celery 5.7's send_task writes it (JSON body, base64)."""
    import base64

    body = base64.b64encode(json.dumps([[i], {}, {"callbacks": None, "errbacks": None, "chain": None,
                                                  "chord": None}]).encode()).decode()
    return json.dumps({
        "body": body, "content-encoding": "utf-8", "content-type": "application/json",
        "headers": {
            "lang": "py", "task": "celery.accumulate", "id": task_id, "shadow": None, "eta": None, "expires": None,
            "group": None, "group_index": None, "retries": 0, "timelimit": [None, None], "root_id": task_id,
            "parent_id": None, "argsrepr": f"({i},)", "kwargsrepr": "{}", "origin": "bench@localhost",
            "ignore_result": None, "replaced_task_nesting": 0, "stamped_headers": None, "stamps": {},
        },
        "properties": {
            "correlation_id": task_id, "reply_to": str(uuid.uuid4()), "delivery_mode": 2,
            "delivery_info": {"exchange": "", "routing_key": QUEUE}, "priority": 0, "body_encoding": "base64",
            "delivery_tag": str(uuid.uuid4()),
        },
    })


def raw_latency(broker, port, calls):
    """LPUSH a ready-made message, wait for the result's PUBLISH: the worker's own round trip."""
    sub = redis.Redis(port=port, db=1)
    pubsub = sub.pubsub(ignore_subscribe_messages=True)
    times = []
    for i in range(calls + 20):
        task_id = str(uuid.uuid4())
        message = kombu_message(task_id, i)
        pubsub.subscribe("celery-task-meta-" + task_id)
        pubsub.get_message(timeout=1)  # the subscribe confirmation
        started = time.perf_counter()
        broker.lpush(QUEUE, message)
        while True:
            got = pubsub.get_message(timeout=10)
            if got is not None:
                break
        elapsed = time.perf_counter() - started
        pubsub.unsubscribe()
        while pubsub.get_message(timeout=0.01) is not None:
            pass
        if i >= 20:
            times.append(elapsed)
        assert json.loads(got["data"])["result"] == [i]
    pubsub.close()
    return times


def startup(spec, port, runs):
    """Exec to `ready.` (log line) and exec to the first BRPOP the server sees (MONITOR)."""
    ready, brpop = [], []
    for _ in range(runs):
        monitor = socket.create_connection(("127.0.0.1", port))
        monitor.sendall(b"MONITOR\r\n")
        assert monitor.recv(64).startswith(b"+OK")
        seen = {}

        def watch():
            buffer = b""
            while "t" not in seen:
                data = monitor.recv(65536)
                if not data:
                    return
                buffer += data
                for line in buffer.split(b"\r\n"):
                    m = re.match(rb'\+(\d+\.\d+) \[\d+ [^\]]+\] "(?i:brpop)"', line)
                    if m:
                        seen["t"] = float(m.group(1))
                        return
                buffer = buffer[buffer.rfind(b"\r\n") + 2:]

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        proc = start_worker(spec)
        try:
            ready.append(wait_ready(proc))
            watcher.join(10)
            if "t" in seen:
                brpop.append(seen["t"] - proc.started)
        finally:
            stop_worker(proc)
            monitor.close()
        time.sleep(0.2)
    return ready, brpop


def instructions(spec, app, broker, results, n, workdir, tool):
    """Worker cost per task: (drain of n) − (drain of 0), under `perf stat` (task-clock, and
    instructions:u where the PMU is exposed) or callgrind (instructions; run on a copy without
    debug info, which valgrind 3.19 cannot read for Swift 6 binaries)."""
    counts, clocks = {}, {}
    argv = list(spec.argv)
    if tool == "callgrind":
        stripped = os.path.join(workdir, "sigma-worker.nodebug")
        subprocess.run(["strip", "--strip-debug", "-o", stripped, argv[0]], check=True)
        argv[0] = stripped
    spec = WorkerSpec(spec.name, argv, spec.env, spec.cwd)
    for size in (0, n):
        out = os.path.join(workdir, f"{tool}-{size}.out")
        if tool == "perf":
            wrapper = ["perf", "stat", "-x", ",", "-e", "instructions:u,task-clock", "-o", out, "--"]
        else:
            wrapper = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
        flush(broker, results)
        fill(app, size)
        proc = start_worker(spec, os.path.join(workdir, f"{tool}-{size}.log"), wrapper)
        wait_ready(proc, timeout=300)
        deadline = time.time() + 600
        while results.dbsize() < size and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        # SIGTERM to the worker itself (not perf) so the wrapper writes its report.
        worker_pid = next((p for p in process_tree(proc.pid) if p != proc.pid), proc.pid) if tool == "perf" else proc.pid
        os.kill(worker_pid, signal.SIGTERM)
        proc.wait(120)
        with open(out) as f:
            text = f.read()
        if tool == "perf":
            m = re.search(r"^([\d.]+),,instructions", text, re.M)
            c = re.search(r"^([\d.]+),msec,task-clock", text, re.M)
            clocks[size] = float(c.group(1)) / 1000 if c else None
        else:
            m = re.search(r"^summary:\s*(\d+)", text, re.M) or re.search(r"^totals:\s*(\d+)", text, re.M)
        counts[size] = int(float(m.group(1))) if m else None
    result = {"tool": tool, "n": n}
    if None not in counts.values():
        result["instructions"] = (counts[n] - counts[0]) / n
        result["counts"] = counts
    if clocks and None not in clocks.values():
        result["cpu"] = (clocks[n] - clocks[0]) / n
        result["clocks"] = clocks
    return result


# ---------------------------------------------------------------------------------------------
# Report


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def row(label, sigma, python, ratio, goal=""):
    print(f"  {label:<34} {sigma:>14} {python:>14} {ratio:>10}  {goal}")


def mark(ok):
    return "met" if ok else "NOT MET"


def drain_only(runs, filler, broker, results, workdir):
    """`--only drain`: the drains of `runs` ((spec, n), n = 0 left out), a short report, results.json."""
    out = {}
    for spec, n in runs:
        if n > 0:
            print(f"# {spec.name}: drain of {n} ...", flush=True)
            out[spec.name] = {"drain": drain(spec, filler, broker, results, n, workdir)}
    flush(broker, results)
    print(f"# load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(f"  {'drain, celery.accumulate':<34} {'tasks':>8} {'seconds':>9} {'tasks/s':>10} {'CPU µs/task':>12} "
          f"{'VmHWM MiB':>10}")
    for name, d in ((name, o["drain"]) for name, o in out.items()):
        print(f"  {name:<34} {d['n']:>8} {d['seconds']:>9.3f} {d['rate']:>10,.0f} "
              f"{d['worker_cpu'] / d['n'] * 1e6:>12.1f} {d['peak_hwm_kb'] / 1024:>10.1f}")
    print()
    ok = True
    for name, d in ((name, o["drain"]) for name, o in out.items()):
        good = d["bad"] == 0 and d["leftover"] == (0, 0, 0)
        ok = ok and good
        print(f"check {name}: {d['n'] - d['bad']}/{d['n']} results SUCCESS with the right value; "
              f"queue/unacked/unacked_index left: {d['leftover']} — {'ok' if good else 'FAILED'}; "
              f"fill by send_task {d['n'] / d['fill_seconds']:,.0f} msg/s")
    json_path = os.path.join(workdir, "results.json")
    with open(json_path, "w") as f:
        json.dump(out, f, default=str, indent=1)
    print(f"raw figures: {json_path}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sigma", required=True, help="the sigma-worker binary (release build)")
    parser.add_argument("--celery", required=True, help="the celery 5.7 command")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tasks", type=int, default=20000, help="drain size for sigma-worker")
    parser.add_argument("--python-tasks", type=int, default=5000, help="drain size for celery (slower)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--sigma-extra-concurrency", type=int, default=64,
                        help="one more sigma-worker drain at this -c (informational; 0 skips)")
    parser.add_argument("--calls", type=int, default=500, help="sequential round trips")
    parser.add_argument("--startups", type=int, default=5, help="start-to-ready runs per worker")
    parser.add_argument("--instructions", choices=["perf", "callgrind", "none"], default="perf")
    parser.add_argument("--instruction-tasks", type=int, default=2000)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--only", choices=["all", "drain"], default="all",
                        help="drain: only the drain throughput (sigma-worker, its -c extra drain unless "
                             "--sigma-extra-concurrency 0, celery); --tasks 0 / --python-tasks 0 leave a worker out")
    args = parser.parse_args()
    if args.only == "all" and (args.tasks <= 0 or args.python_tasks <= 0):
        parser.error("--tasks and --python-tasks must be positive (0 leaves a drain out only with --only drain)")

    workdir = args.workdir or tempfile.mkdtemp(prefix="sigma-worker-bench-")
    os.makedirs(workdir, exist_ok=True)
    with open(os.path.join(workdir, "bench_app.py"), "w") as f:
        f.write(APP_MODULE)
    broker_url = f"redis://127.0.0.1:{args.port}/0"
    backend_url = f"redis://127.0.0.1:{args.port}/1"
    env = dict(os.environ, CELERY_BROKER_URL=broker_url, CELERY_RESULT_BACKEND=backend_url, BENCH_QUEUE=QUEUE,
               PYTHONPATH=workdir)
    os.environ.update(CELERY_BROKER_URL=broker_url, CELERY_RESULT_BACKEND=backend_url, BENCH_QUEUE=QUEUE)
    sys.path.insert(0, workdir)
    from bench_app import app  # noqa: E402
    from celery import Celery  # noqa: E402

    filler = Celery("bench", broker=broker_url)
    filler.conf.task_default_queue = QUEUE

    sigma = WorkerSpec("sigma-worker", [
        args.sigma, "worker", "--include-test-tasks", "-Q", QUEUE, "-c", str(args.concurrency), "--loglevel", "INFO",
    ], env, workdir)
    python = WorkerSpec("celery", [
        args.celery, "-A", "bench_app", "worker", "-P", "prefork", "--concurrency", str(args.concurrency), "-Q", QUEUE,
        "--loglevel", "INFO", "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", "py@%h",
    ], env, workdir)

    broker = redis.Redis(port=args.port, db=0)
    results = redis.Redis(port=args.port, db=1)
    broker.ping()

    print(f"# machine: {os.cpu_count()} CPUs, {os.uname().release}; redis-server "
          f"{broker.info('server')['redis_version']} on 127.0.0.1:{args.port} (--save ''); workdir {workdir}", flush=True)
    print(f"# load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"(other processes on this machine skew wall-clock figures; CPU per task less so)", flush=True)
    print(f"# both workers: -Q {QUEUE} --concurrency {args.concurrency} --loglevel INFO (log to a file), "
          f"prefetch multiplier 4; celery: prefork, --without-mingle --without-gossip --without-heartbeat", flush=True)

    if args.only == "drain":
        runs = [(sigma, args.tasks), (python, args.python_tasks)]
        if args.sigma_extra_concurrency and args.tasks > 0:
            argv = list(sigma.argv)
            argv[argv.index("-c") + 1] = str(args.sigma_extra_concurrency)
            runs.insert(1, (WorkerSpec(f"sigma-worker-c{args.sigma_extra_concurrency}", argv, env, workdir), args.tasks))
        return drain_only(runs, filler, broker, results, workdir)

    out = {}
    for spec, n in ((sigma, args.tasks), (python, args.python_tasks)):
        print(f"# {spec.name}: drain of {n} ...", flush=True)
        out[spec.name] = {"drain": drain(spec, filler, broker, results, n, workdir)}
    extra = None
    if args.sigma_extra_concurrency:
        argv = list(sigma.argv)
        argv[argv.index("-c") + 1] = str(args.sigma_extra_concurrency)
        spec = WorkerSpec(f"sigma-worker-c{args.sigma_extra_concurrency}", argv, env, workdir)
        print(f"# {spec.name}: drain of {args.tasks} ...", flush=True)
        extra = drain(spec, filler, broker, results, args.tasks, workdir)
    for spec in (sigma, python):
        print(f"# {spec.name}: {args.calls} sequential round trips ...", flush=True)
        out[spec.name]["latency"] = latency(spec, app, broker, results, args.calls, workdir, args.port)
    for spec in (sigma, python):
        print(f"# {spec.name}: {args.startups} start-ups ...", flush=True)
        flush(broker, results)
        out[spec.name]["startup"] = startup(spec, args.port, args.startups)
    ipt = None
    if args.instructions != "none":
        print(f"# sigma-worker: {args.instructions}, drains of 0 and {args.instruction_tasks} ...", flush=True)
        try:
            ipt = instructions(sigma, filler, broker, results, args.instruction_tasks, workdir, args.instructions)
        except Exception as error:  # an unsupported counter must not lose the rest of the report
            print(f"# instruction count failed: {error}", flush=True)
    flush(broker, results)

    s, p = out["sigma-worker"], out["celery"]
    sd, pd = s["drain"], p["drain"]
    print(f"# load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("sigma-worker vs celery 5.7 prefork — celery.accumulate, Redis on loopback")
    print()
    row("", "sigma-worker", "celery", "ratio", "goal")
    row("drain: tasks", f"{sd['n']}", f"{pd['n']}", "")
    row("drain: seconds", f"{sd['seconds']:.3f}", f"{pd['seconds']:.3f}", "")
    ratio = sd["rate"] / pd["rate"]
    row("drain: tasks/s", f"{sd['rate']:,.0f}", f"{pd['rate']:,.0f}", f"{ratio:.1f}x",
        f"≥ 50x: {mark(ratio >= 50)}")
    row("drain: exec → last result (s)", f"{sd['exec_to_done']:.3f}", f"{pd['exec_to_done']:.3f}", "")
    if extra:
        row(f"drain: tasks/s, sigma -c {args.sigma_extra_concurrency}", f"{extra['rate']:,.0f}", "",
            f"{extra['rate'] / pd['rate']:.1f}x", "(informational: same worker, more slots)")
    for key, label in (("client", "round trip .get()"), ("raw", "round trip raw LPUSH→PUBLISH")):
        sl, pl = s["latency"][key], p["latency"][key]
        for q, name in ((0.5, "p50"), (0.99, "p99")):
            a, b = pct(sl, q) * 1000, pct(pl, q) * 1000
            goal = f"p50 ≤ 0.5 ms: {mark(a <= 0.5)}" if (key, name) == ("client", "p50") else ""
            row(f"{label} {name} (ms)", f"{a:.3f}", f"{b:.3f}", f"{b / a:.1f}x", goal)
    hwm_ratio = pd["peak_hwm_kb"] / sd["peak_hwm_kb"]
    row("peak RSS, VmHWM summed (MiB)", f"{sd['peak_hwm_kb'] / 1024:.1f}", f"{pd['peak_hwm_kb'] / 1024:.1f}",
        f"1/{hwm_ratio:.1f}", f"≤ 1/10: {mark(hwm_ratio >= 10)}")
    row("peak PSS summed (MiB)", f"{sd['peak_pss_kb'] / 1024:.1f}", f"{pd['peak_pss_kb'] / 1024:.1f}",
        f"1/{pd['peak_pss_kb'] / sd['peak_pss_kb']:.1f}")
    row("processes", f"{sd['processes']}", f"{pd['processes']}", "")
    sr, sb = s["startup"]
    pr, pb = p["startup"]
    a, b = statistics.median(sr) * 1000, statistics.median(pr) * 1000
    row("start → ready. line (ms, median)", f"{a:.1f}", f"{b:.1f}", f"{b / a:.1f}x", f"≤ 100 ms: {mark(a <= 100)}")
    if sb and pb:
        a, b = statistics.median(sb) * 1000, statistics.median(pb) * 1000
        row("start → first BRPOP (ms, median)", f"{a:.1f}", f"{b:.1f}", f"{b / a:.1f}x")
    print()
    print("Where the time goes during the drain (per task)")
    print()
    row("", "sigma-worker", "celery", "")
    for d in (sd, pd):
        d["per"] = {k: v / d["n"] for k, v in d["redis"]["commands"].items()}
    names = sorted(set(sd["per"]) | set(pd["per"]), key=lambda k: -(sd["per"].get(k, 0) + pd["per"].get(k, 0)))
    for name in names:
        a, b = sd["per"].get(name, 0), pd["per"].get(name, 0)
        if max(a, b) >= 0.001:
            row(f"redis {name} calls", f"{a:.3f}", f"{b:.3f}", "")
    row("redis commands, total", f"{sum(sd['per'].values()):.2f}", f"{sum(pd['per'].values()):.2f}", "")
    row("redis socket reads (≈ round trips)", f"{sd['redis']['reads'] / sd['n']:.3f}",
        f"{pd['redis']['reads'] / pd['n']:.3f}", "")
    row("redis-server CPU (µs)", f"{sd['redis']['cpu'] / sd['n'] * 1e6:.1f}", f"{pd['redis']['cpu'] / pd['n'] * 1e6:.1f}", "")
    row("worker CPU, all processes (µs)", f"{sd['worker_cpu'] / sd['n'] * 1e6:.1f}",
        f"{pd['worker_cpu'] / pd['n'] * 1e6:.1f}", "")
    row("redis-server CPU share of wall", f"{sd['redis']['cpu'] / sd['seconds']:.0%}",
        f"{pd['redis']['cpu'] / pd['seconds']:.0%}", "")
    if ipt:
        n = args.instruction_tasks
        if "cpu" in ipt:
            row(f"worker CPU, perf task-clock (µs)", f"{ipt['cpu'] * 1e6:.1f}", "", "",
                f"(drain of {n} minus drain of 0: {ipt['clocks'][n]:.3f} s − {ipt['clocks'][0]:.3f} s)")
        if "instructions" in ipt:
            row(f"worker instructions ({ipt['tool']})", f"{ipt['instructions']:,.0f}", "", "",
                f"({ipt['counts'][n]:,} − {ipt['counts'][0]:,})")
        else:
            print(f"    instructions: not counted ({ipt['tool']}: the CPU's counters are not exposed here)")
    print()
    for name, d in (("sigma-worker", sd), ("celery", pd), ("sigma-worker extra", extra)):
        if not d:
            continue
        status = "ok" if d["bad"] == 0 and d["leftover"] == (0, 0, 0) else "FAILED"
        print(f"check {name}: {d['n'] - d['bad']}/{d['n']} results SUCCESS with the right value; "
              f"queue/unacked/unacked_index left: {d['leftover']} — {status}; "
              f"fill by send_task {d['n'] / d['fill_seconds']:,.0f} msg/s")
    out["sigma-worker-extra"] = {"drain": extra}
    out["sigma-worker"]["perf"] = ipt
    json_path = os.path.join(workdir, "results.json")
    with open(json_path, "w") as f:
        json.dump(out, f, default=str, indent=1)
    print(f"raw figures: {json_path}")
    drains = [d for d in (sd, pd, extra) if d]
    ok = all(d["bad"] == 0 and d["leftover"] == (0, 0, 0) for d in drains)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
