#!/usr/bin/env python3
"""kill -9 during a drain: does sigma-worker lose or repeat messages when it dies mid-flight?

Per run (seed S, S+1, ...; fresh queue, FLUSHALL first):

1. the real Celery client publishes N `t.integration.tasks.redis_count` messages
   (`app.send_task(..., kwargs={"redis_key": "k9:count:<id>"}, task_id=<id>, queue=<q>)`) onto a
   fresh queue of the broker (db 0). Each execution INCRs `k9:count:<id>` in db 0, so that key
   counts how many times the task ran; the result (None, SUCCESS) goes to db 1;
2. sigma-worker is started (`worker --include-test-tasks --without-sigma-tasks -Q <q> -c C`, cwd a
   temporary folder so no .env is read, CELERY_TASK_ACKS_LATE true or false);
3. it is killed with SIGKILL when a seeded fraction (default 20%..50%) of the results is stored,
   and restarted at once; --kills K repeats that. With --fault-point NAME[:N] the worker is started
   with SIGMA_WORKER_FAULT_POINT=NAME:N instead and kills itself the N-th time it passes NAME
   (after-wake, after-reserve, after-result-write); the harness restarts it without the variable.
   after-wake only fires when an idle worker is woken by a new message, so for it the messages
   are not pre-filled: they are published after the worker is ready, in seeded bursts of 20..200
   with 50 ms pauses in between, so the worker goes idle and is woken again and again;
   A binary that ignores the variable never dies: that is reported (exit status 3), not hidden;
4. the harness waits until every id has a SUCCESS result, or nothing can arrive any more (queue
   lists and `unacked` empty and no new result for --settle seconds), or --timeout seconds after
   the last restart. Messages the killed worker had reserved stay in `unacked` until a visibility
   sweep of the new worker finds them older than the visibility timeout: the sweep at start-up is
   too early, so they come back at the next periodic sweep (sigma-worker: every 10 s);
5. the worker is stopped with SIGTERM and the run is reported (one JSON line, one human line):
   published, SUCCESS results, ids without any result, ids executed more than once and the extra
   executions, what is left in the queue lists (`q`, `q\\x06\\x163`, `...6`, `...9`), in `unacked` and
   `unacked_index`, elapsed time, the kill moments and the "Restored messages" sweeps of the logs.

Exit status: 0 fine; 1 acks-late: some run lost a message / early-ack: a run lost more than
Celery's bound, concurrency per kill (the tasks executing at the kill; an early ack waits for the
results finished before its task started); 2 harness error (worker never ready, publish failed, ...);
3 fault point never fired (the binary does not know SIGMA_WORKER_FAULT_POINT).

Usually run through scripts/faults/kill9_drain.sh, which starts a throwaway redis-server.
"""
import argparse
import atexit
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime

TASK = "t.integration.tasks.redis_count"
COUNT_PREFIX = "k9:count:"
META_PREFIX = "celery-task-meta-"
PRIORITY_SEP = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)
FAULT_POINTS = ("after-wake", "after-reserve", "after-result-write")
MAX_UNEXPECTED_EXITS = 5
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 75.0  # warm shutdown waits up to 60 s for running tasks

LIVE = {}  # pid -> Popen: every worker this process started and has not reaped yet
PIDFILE = None


class HarnessError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Worker processes


def note_pid():
    if PIDFILE:
        try:
            with open(PIDFILE, "w") as f:
                f.write("".join(f"{pid}\n" for pid in LIVE))
        except OSError:
            pass


def start_worker(args, run_dir, index, queue, fault=None):
    log = os.path.join(run_dir, f"worker-{index}.log")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "SIGMA_", "DB_", "EMAIL_"))}
    env.update(
        CELERY_BROKER_URL=f"redis://127.0.0.1:{args.port}/0",
        CELERY_RESULT_BACKEND=f"redis://127.0.0.1:{args.port}/1",
        CELERY_VISIBILITY_TIMEOUT=str(args.visibility_timeout),
        CELERY_TASK_ACKS_LATE="true" if args.acks_late else "false",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        REDIS_HOST="127.0.0.1",
        REDIS_PORT=str(args.port),
    )
    if fault:
        env["SIGMA_WORKER_FAULT_POINT"] = fault
    argv = [args.worker, "worker", "--include-test-tasks", "--without-sigma-tasks", "-Q", queue,
            "-c", str(args.concurrency), "-l", "info", "-f", log, "-n", "k9@localhost"]
    stderr = open(os.path.join(run_dir, f"worker-{index}.stderr"), "wb")
    try:
        proc = subprocess.Popen(argv, env=env, cwd=run_dir, stdin=subprocess.DEVNULL, stdout=stderr,
                                stderr=stderr, start_new_session=True)
    finally:
        stderr.close()
    proc.started = time.time()
    proc.log = log
    proc.index = index
    proc.fault = fault
    LIVE[proc.pid] = proc
    note_pid()
    return proc


def reap(proc, timeout):
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return False
    LIVE.pop(proc.pid, None)
    note_pid()
    return True


def killpg(proc, sig):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill9(proc):
    killpg(proc, signal.SIGKILL)
    if not reap(proc, 10):
        raise HarnessError(f"worker {proc.pid} survived SIGKILL for 10 s")


def stop_worker(proc):
    """SIGTERM (warm shutdown), SIGKILL after STOP_TIMEOUT; returns the exit status."""
    if proc.poll() is None:
        killpg(proc, signal.SIGTERM)
        if not reap(proc, STOP_TIMEOUT):
            killpg(proc, signal.SIGKILL)
            reap(proc, 10)
    killpg(proc, signal.SIGKILL)  # anything left in its process group
    LIVE.pop(proc.pid, None)
    note_pid()
    return proc.returncode


def kill_everything():
    for proc in list(LIVE.values()):
        killpg(proc, signal.SIGKILL)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        LIVE.pop(proc.pid, None)
    note_pid()


def log_text(proc):
    try:
        with open(proc.log, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def is_ready(proc):
    return " ready." in log_text(proc)


def exit_name(code):
    if code is None:
        return "running"
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


LOG_TIME = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}): (\w+)/")


def log_time(line):
    m = LOG_TIME.match(line)
    if not m:
        return None
    return time.mktime(datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").timetuple()) + int(m.group(2)) / 1000


def restore_events(proc):
    """The worker's visibility sweeps that put messages back: (epoch seconds, count)."""
    events = []
    for line in log_text(proc).splitlines():
        if "Restored messages" in line:
            m = re.search(r"count[=:\s\"']+(\d+)", line) or re.search(r"(\d+)\D*$", line)
            events.append((log_time(line), int(m.group(1)) if m else None))
    return events


def warnings_of(proc, limit=5):
    """A few WARNING/ERROR/CRITICAL lines (other than the restore sweeps), for the report."""
    out = []
    for line in log_text(proc).splitlines():
        m = LOG_TIME.match(line)
        if m and m.group(3) in ("WARNING", "ERROR", "CRITICAL") and "Restored messages" not in line:
            out.append(line[:300])
            if len(out) >= limit:
                break
    return out


# ---------------------------------------------------------------------------------------------
# Redis state


def queue_lists(queue):
    return [queue] + [f"{queue}{PRIORITY_SEP}{p}" for p in PRIORITY_STEPS]


def queued(broker, queue):
    pipe = broker.pipeline(transaction=False)
    for name in queue_lists(queue):
        pipe.llen(name)
    return sum(pipe.execute())


def reserved(broker):
    return broker.hlen("unacked")


def chunks(items, size=1000):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def success_count(results, ids):
    ok = other = 0
    for chunk in chunks(ids):
        for raw in results.mget([META_PREFIX + i for i in chunk]):
            if raw is None:
                continue
            try:
                status = json.loads(raw).get("status")
            except ValueError:
                status = None
            if status == "SUCCESS":
                ok += 1
            else:
                other += 1
    return ok, other


def message_id(raw):
    try:
        message = json.loads(raw)
        if isinstance(message, list):  # unacked: [message, exchange, routing_key]
            message = json.loads(message[0]) if isinstance(message[0], str) else message[0]
        return message["headers"]["id"]
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def pending_ids(broker, queue):
    """Ids of the messages still on the queue lists or reserved in `unacked`."""
    ids = set()
    for name in queue_lists(queue):
        ids.update(message_id(raw) for raw in broker.lrange(name, 0, -1))
    ids.update(message_id(raw) for raw in broker.hvals("unacked"))
    ids.discard(None)
    return ids


def final_state(broker, results, ids, queue):
    missing, missing_ran, not_success, dup_ids, extra, never = [], 0, 0, 0, 0, 0
    for chunk in chunks(ids):
        metas = results.mget([META_PREFIX + i for i in chunk])
        counts = broker.mget([COUNT_PREFIX + i for i in chunk])
        for task_id, meta, count in zip(chunk, metas, counts):
            runs = int(count) if count is not None else 0
            if runs > 1:
                dup_ids += 1
                extra += runs - 1
            if meta is None:
                missing.append(task_id)
                if runs:
                    missing_ran += 1
            else:
                try:
                    if json.loads(meta).get("status") != "SUCCESS":
                        not_success += 1
                except ValueError:
                    not_success += 1
                if runs == 0:
                    never += 1
    lists = {name.replace(PRIORITY_SEP, "\\x06\\x16"): broker.llen(name) for name in queue_lists(queue)}
    pending = pending_ids(broker, queue)
    lost = [i for i in missing if i not in pending]
    return {
        "success": len(ids) - len(missing) - not_success,
        "not_success": not_success,
        "missing": len(missing),
        "missing_executed": missing_ran,  # ran (INCR done) but no result stored
        "missing_pending": len(missing) - len(lost),  # still queued or reserved: a later sweep may bring them
        "missing_lost": len(lost),  # nowhere: neither a result nor a message
        "missing_sample": missing[:5],
        "lost_sample": lost[:5],
        "result_without_execution": never,
        "duplicate_ids": dup_ids,
        "duplicate_executions": extra,  # executions beyond the first, summed
        "queue_left": sum(lists.values()),
        "queue_lists": lists,
        "unacked_left": broker.hlen("unacked"),
        "unacked_index_left": broker.zcard("unacked_index"),
    }


# ---------------------------------------------------------------------------------------------
# One run


def parse_fault(spec, rng):
    name, _, count = spec.partition(":")
    if name not in FAULT_POINTS:
        raise SystemExit(f"--fault-point: unknown point {name!r} (one of {', '.join(FAULT_POINTS)})")
    return name, (int(count) if count else None)


def publish(app, queue, ids):
    started = time.perf_counter()
    with app.producer_or_acquire() as producer:
        for task_id in ids:
            app.send_task(TASK, kwargs={"redis_key": COUNT_PREFIX + task_id}, task_id=task_id, queue=queue,
                          producer=producer)
    return time.perf_counter() - started


def run_once(args, app, broker, results, run_index, seed):
    rng = random.Random(seed)
    queue = f"k9-{seed}-{uuid.uuid4().hex[:8]}"
    run_dir = os.path.join(args.workdir, f"run-{run_index + 1}-seed-{seed}")
    os.makedirs(run_dir, exist_ok=True)
    broker.flushall()
    ids = [str(uuid.uuid4()) for _ in range(args.tasks)]
    trickle = bool(args.fault_point) and args.fault_point.partition(":")[0] == "after-wake"
    if trickle:
        publish_seconds = None
    else:
        publish_seconds = publish(app, queue, ids)
        on_queue = queued(broker, queue)
        if on_queue != args.tasks:
            raise HarnessError(f"published {args.tasks} messages but {on_queue} are on {queue!r}")
    n = args.tasks
    t0 = time.time()

    # The plan: timed kills at seeded result counts, or fault points with seeded counts.
    if args.fault_point:
        name, count = parse_fault(args.fault_point, rng)
        default = (2, 12) if trickle else (50, 1500)
        plan = [f"{name}:{count if count is not None else rng.randint(*default)}" for _ in range(args.kills)]
        thresholds = []
    else:
        plan = []
        lo, hi = args.kill_window
        fractions = sorted(rng.uniform(lo, hi) for _ in range(args.kills))
        thresholds = [max(1, int(f * n)) for f in fractions]

    kills, unexpected, incarnations = [], [], []
    fault_fired = None
    index = 0

    def launch(fault=None):
        nonlocal index
        index += 1
        proc = start_worker(args, run_dir, index, queue, fault)
        incarnations.append(proc)
        return proc

    def snapshot():
        return {"t": round(time.time() - t0, 3), "stored": results.dbsize(), "queued": queued(broker, queue),
                "unacked": reserved(broker)}

    def handle_unexpected(proc, fault=None):
        """The worker exited without being told to: note it and start another one."""
        unexpected.append({**snapshot(), "worker": proc.index, "status": exit_name(proc.returncode),
                           "fault": proc.fault})
        LIVE.pop(proc.pid, None)
        note_pid()
        if len(unexpected) > MAX_UNEXPECTED_EXITS:
            raise HarnessError(f"the worker exited {len(unexpected)} times by itself: see {run_dir}")
        return launch(fault)

    proc = launch(plan[0] if plan else None)
    last_start = proc.started
    publisher = None
    if trickle:
        bursts, rest = [], list(ids)
        while rest:
            size = rng.randint(20, 200)
            bursts.append(rest[:size])
            rest = rest[size:]
        failure = []

        def trickle_publish():
            try:
                for burst in bursts:
                    publish(app, queue, burst)
                    time.sleep(0.05)
            except Exception as error:  # reported after the run
                failure.append(error)

        publisher = threading.Thread(target=trickle_publish, daemon=True)
        publisher.start()

    if thresholds:
        floor = 0
        for k, threshold in enumerate(thresholds):
            target = max(threshold, floor + 1)  # at least one new result since the last restart
            deadline = time.time() + args.timeout
            while True:
                stored = results.dbsize()
                if stored >= target:
                    break
                if proc.poll() is not None:
                    proc = handle_unexpected(proc)
                    last_start = proc.started
                if time.time() > deadline:
                    break
                time.sleep(0.002)
            if stored < target:
                kills.append({"planned_at": target, "skipped": f"{stored} results after {args.timeout} s"})
                break
            moment = snapshot()
            kill9(proc)
            moment.update(planned_at=target, worker=proc.index, uptime=round(time.time() - proc.started, 3),
                          ready=is_ready(proc))
            kills.append(moment)
            floor = moment["stored"]
            proc = launch()
            last_start = proc.started
    elif plan:
        fault_fired = True
        for k, fault in enumerate(plan):
            deadline = time.time() + args.timeout
            died = False
            while time.time() < deadline:
                if proc.poll() is not None:
                    if proc.returncode == -signal.SIGKILL:
                        died = True
                        break
                    proc = handle_unexpected(proc, fault)  # not a SIGKILL: again, same fault point
                    last_start = proc.started
                    continue
                stored = results.dbsize()
                if stored >= n and success_count(results, ids)[0] >= n:
                    break
                time.sleep(0.01)
            if not died:
                fault_fired = False
                kills.append({**snapshot(), "fault": fault, "fired": False, "worker": proc.index,
                              "status": exit_name(proc.poll())})
                break
            LIVE.pop(proc.pid, None)
            note_pid()
            moment = snapshot()
            moment.update(fault=fault, fired=True, worker=proc.index, uptime=round(time.time() - proc.started, 3))
            kills.append(moment)
            proc = launch(plan[k + 1] if k + 1 < len(plan) else None)
            last_start = proc.started

    # Drain: every id SUCCESS, or nothing can come any more, or the timeout.
    deadline = last_start + args.timeout
    ended = "timeout"
    last_stored, last_change = -1, time.time()
    progress_at = time.time()
    while time.time() < deadline:
        if proc.poll() is not None:
            proc = handle_unexpected(proc)
            deadline = proc.started + args.timeout
        stored = results.dbsize()
        now = time.time()
        if stored != last_stored:
            last_stored, last_change = stored, now
            progress_at = now
        if stored >= n and success_count(results, ids)[0] >= n:
            if not args.drain_unacked:
                ended = "all results"
                break
            if queued(broker, queue) == 0 and reserved(broker) == 0:
                ended = "all results, nothing queued or reserved"
                break
        publishing = publisher is not None and publisher.is_alive()
        if (not publishing and now - last_change >= args.settle and queued(broker, queue) == 0
                and reserved(broker) == 0):
            ended = f"settled: nothing queued or reserved, no new result for {args.settle:g} s"
            break
        time.sleep(0.05)
    drained_at = time.time()
    # Let fire-and-forget acks land before the worker is stopped.
    settle_deadline = time.time() + 2
    while time.time() < settle_deadline and (reserved(broker) or queued(broker, queue)):
        time.sleep(0.05)
    ready_final = is_ready(proc)
    stop_status = stop_worker(proc)
    if publisher is not None:
        publisher.join(args.timeout)
        if failure or publisher.is_alive():
            raise HarnessError(f"the trickle publisher failed: {failure[0] if failure else 'still publishing'}")
    state = final_state(broker, results, ids, queue)

    done_kills = [k for k in kills if "skipped" not in k and k.get("fired", True)]
    restores = []
    for p in incarnations:
        for at, count in restore_events(p):
            before = [t0 + k["t"] for k in done_kills if at and t0 + k["t"] <= at + 0.01]
            restores.append({"worker": p.index, "t": round(at - t0, 3) if at else None, "count": count,
                             "after_kill": round(at - before[-1], 3) if before else None})
    notes = []
    for p in incarnations:
        for line in warnings_of(p, 3):
            notes.append(f"worker-{p.index}: {line}")
    report = {
        "run": run_index + 1,
        "seed": seed,
        "mode": "acks-late" if args.acks_late else "early-ack",
        "fault_point": args.fault_point,
        "fault_fired": fault_fired,
        "queue": queue,
        "published": n,
        "publish_seconds": None if publish_seconds is None else round(publish_seconds, 3),
        **state,
        "kills": kills,
        "kills_done": len(done_kills),
        "unexpected_exits": unexpected,
        "restores": restores,
        "ended": ended,
        "elapsed": round(drained_at - t0, 3),
        "last_restart_to_last_result": round(progress_at - last_start, 3),
        "final_worker_ready": ready_final,
        "final_worker_stop": exit_name(stop_status),
        "workers_started": len(incarnations),
        "log_dir": run_dir,
        "log_warnings": notes[:10],
    }
    return report


# ---------------------------------------------------------------------------------------------
# Report


def human(r):
    kills = ", ".join(
        (f"{k['fault']} {'fired' if k.get('fired') else 'NEVER FIRED'} at t={k['t']}s/{k['stored']} results"
         if "fault" in k else
         f"skipped ({k['skipped']})" if "skipped" in k else
         f"t={k['t']}s at {k['stored']} results (queued {k['queued']}, unacked {k['unacked']})")
        for k in r["kills"]) or "none"
    restores = ", ".join(f"{e['count']} at kill+{e['after_kill']}s" for e in r["restores"]) or "none"
    return (f"run {r['run']} seed {r['seed']} {r['mode']}: published {r['published']}, SUCCESS {r['success']}, "
            f"missing {r['missing']} (lost {r['missing_lost']}, still queued/reserved {r['missing_pending']}; "
            f"{r['missing_executed']} executed without a result), "
            f"duplicated ids {r['duplicate_ids']} (+{r['duplicate_executions']} executions), "
            f"left: queue {r['queue_left']} unacked {r['unacked_left']} index {r['unacked_index_left']}; "
            f"{r['elapsed']:.1f} s, {r['ended']}; kills: {kills}; restored by sweeps: {restores}"
            + (f"; unexpected exits: {len(r['unexpected_exits'])}" if r["unexpected_exits"] else "")
            + (f"; NOTE {r['unacked_left']} reservations not restored yet, so duplicates may be undercounted "
               f"(--drain-unacked waits for them)" if r["unacked_left"] and r["missing"] == 0 else ""))


def verdict(args, r):
    if args.fault_point and r["fault_fired"] is False:
        return "NO FAULT"
    if args.acks_late:
        return "LOST" if r["missing"] > 0 else "ok"
    return "LOST" if r["missing"] > args.concurrency * max(r["kills_done"], 0) else "ok"


def summary(args, reports):
    print()
    print(f"kill -9 drain: {len(reports)} runs, {args.tasks} tasks each, "
          f"{'acks-late' if args.acks_late else 'early-ack'}, -c {args.concurrency}, "
          f"visibility timeout {args.visibility_timeout:g} s"
          + (f", fault point {args.fault_point}" if args.fault_point else f", {args.kills} kill(s) per run"))
    print()
    print(f"  {'run':>3} {'seed':>6} {'kills':>5} {'SUCCESS':>8} {'missing':>7} {'lost':>5} {'dup ids':>7} "
          f"{'dup exec':>8} {'queue':>5} {'unacked':>7} {'secs':>6}  verdict")
    for r in reports:
        print(f"  {r['run']:>3} {r['seed']:>6} {r['kills_done']:>5} {r['success']:>8} {r['missing']:>7} "
              f"{r['missing_lost']:>5} "
              f"{r['duplicate_ids']:>7} {r['duplicate_executions']:>8} {r['queue_left']:>5} {r['unacked_left']:>7} "
              f"{r['elapsed']:>6.1f}  {verdict(args, r)}")
    total_missing = sum(r["missing"] for r in reports)
    total_dup = sum(r["duplicate_executions"] for r in reports)
    worst = max(reports, key=lambda r: (r["missing"], r["duplicate_executions"]))
    print()
    print(f"  total missing {total_missing} (lost: neither result nor message {sum(r['missing_lost'] for r in reports)}),"
          f" total duplicate executions {total_dup} "
          f"(over {sum(r['duplicate_ids'] for r in reports)} ids); worst run: {worst['run']} "
          f"(seed {worst['seed']}: missing {worst['missing']}, duplicate executions {worst['duplicate_executions']})")
    allowed = "0" if args.acks_late else f"{args.concurrency} x kills"
    print(f"  allowed missing per run: {allowed}")


def main():
    global PIDFILE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULT_REDIS_PORT", "6397")),
                        help="the throwaway redis-server (it is FLUSHALLed)")
    parser.add_argument("--worker", default=os.environ.get("SIGMA_WORKER", "/work/main/.build/debug/sigma-worker"))
    parser.add_argument("--python", default=None, help="the Python that has Celery (re-executes under it)")
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kills", type=int, default=1, help="kills per run")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--acks-late", dest="acks_late", action="store_true", default=True)
    mode.add_argument("--early-ack", dest="acks_late", action="store_false")
    parser.add_argument("--fault-point", default=None, metavar="NAME[:N]",
                        help=f"SIGMA_WORKER_FAULT_POINT instead of timed kills ({', '.join(FAULT_POINTS)})")
    parser.add_argument("--kill-window", default="0.2:0.5", metavar="LO:HI",
                        help="timed kills when this fraction of the results is stored")
    parser.add_argument("--visibility-timeout", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds after the last restart")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="stop waiting when nothing is queued or reserved and no result came for this long")
    parser.add_argument("--drain-unacked", action="store_true",
                        help="after every result, also wait (up to --timeout) until nothing is queued or reserved, "
                             "so reservations of a killed worker are restored and any re-execution is counted")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workdir", default=None, help="logs (default: a new folder under /tmp, kept)")
    parser.add_argument("--json", default=None, help="also write every run's JSON here")
    args = parser.parse_args()

    if args.python and os.path.abspath(args.python) != os.path.abspath(sys.executable) \
            and not os.environ.get("KILL9_DRAIN_REEXEC"):
        os.environ["KILL9_DRAIN_REEXEC"] = "1"
        os.execv(args.python, [args.python, os.path.abspath(__file__)] + sys.argv[1:])
    try:
        lo, hi = (float(x) for x in args.kill_window.split(":"))
        assert 0 <= lo <= hi < 1
        args.kill_window = (lo, hi)
    except (ValueError, AssertionError):
        parser.error("--kill-window LO:HI with 0 <= LO <= HI < 1")
    if args.tasks < 1 or args.runs < 1 or args.kills < 1 or args.concurrency < 1:
        parser.error("--tasks, --runs, --kills and --concurrency must be at least 1")
    if args.fault_point:
        parse_fault(args.fault_point, None)
    if not (os.path.isfile(args.worker) and os.access(args.worker, os.X_OK)):
        parser.error(f"no executable worker at {args.worker} (SIGMA_WORKER / --worker)")
    try:
        import redis
        from celery import Celery
        import celery
    except ImportError as error:
        raise SystemExit(f"{error}: run with the Celery venv (--python .venv/celery-5.7/bin/python)")

    args.workdir = args.workdir or tempfile.mkdtemp(prefix="sigma-kill9-")
    os.makedirs(args.workdir, exist_ok=True)
    PIDFILE = os.path.join(args.workdir, "workers.pid")
    for folder in [args.workdir] + [os.path.dirname(args.workdir.rstrip("/"))]:
        while True:
            if os.path.exists(os.path.join(folder, ".env")):
                print(f"# WARNING: {folder}/.env exists; the worker reads it (it looks in parents)", flush=True)
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)
    atexit.register(kill_everything)

    broker = redis.Redis(host="127.0.0.1", port=args.port, db=0, socket_timeout=30)
    results = redis.Redis(host="127.0.0.1", port=args.port, db=1, socket_timeout=30)
    try:
        broker.ping()
    except redis.RedisError as error:
        raise SystemExit(f"no Redis on 127.0.0.1:{args.port}: {error}")
    # Broker only: send_task writes the same message with or without a result backend; a backend
    # would only make the client SUBSCRIBE to every result channel (on_task_call). The worker
    # stores its results in db 1.
    app = Celery("k9", broker=f"redis://127.0.0.1:{args.port}/0")
    app.conf.broker_connection_retry_on_startup = True

    print(f"# celery {celery.__version__} ({sys.executable}); redis-server {broker.info('server')['redis_version']} "
          f"on 127.0.0.1:{args.port}; worker {args.worker}; workdir {args.workdir}", flush=True)
    print(f"# {args.runs} runs x {args.tasks} tasks, {'acks-late' if args.acks_late else 'early-ack'}, "
          f"-c {args.concurrency}, visibility timeout {args.visibility_timeout:g} s, timeout {args.timeout:g} s, "
          + (f"fault point {args.fault_point}" if args.fault_point else
             f"{args.kills} SIGKILL(s) per run at {args.kill_window[0]:.0%}..{args.kill_window[1]:.0%} of the results")
          + f"; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    reports = []
    status = 0
    try:
        for i in range(args.runs):
            report = run_once(args, app, broker, results, i, args.seed + i)
            reports.append(report)
            print(json.dumps(report, sort_keys=True), flush=True)
            print("# " + human(report), flush=True)
            if args.json:
                with open(args.json, "a") as f:
                    f.write(json.dumps(report, sort_keys=True) + "\n")
            if args.fault_point and report["fault_fired"] is False:
                print(f"# the worker never died at fault point {args.fault_point}: this binary does not "
                      f"implement SIGMA_WORKER_FAULT_POINT (or N was never reached); stopping", flush=True)
                break
    except HarnessError as error:
        print(f"# harness error: {error}", flush=True)
        status = 2
    except redis.RedisError as error:
        print(f"# Redis error: {error}", flush=True)
        status = 2
    finally:
        kill_everything()
    if reports:
        summary(args, reports)
    verdicts = [verdict(args, r) for r in reports]
    if "LOST" in verdicts:
        status = 1
    elif status == 0 and "NO FAULT" in verdicts:
        status = 3
    print(f"# exit status {status}; logs in {args.workdir}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
