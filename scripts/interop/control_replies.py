#!/usr/bin/env python3
"""Capture the replies of a Celery-compatible worker to every remote-control command.

Usage:

    control_replies.py --broker URL --node NAME [--backend URL] [--queue Q] [--out FILE]
                       [--commands a,b,c] [--include-shutdown] [--include-election]
                       [--worker-log FILE] [--timeout SECONDS] [--settle SECONDS]

Each case is sent with the plain Celery client call

    app.control.broadcast(command, arguments=ARGS, destination=[NODE], reply=True, timeout=T)

(T = --timeout, default 2 s). kombu stops collecting after len(destination) = 1 reply, so a
case that gets an answer returns at once, and a command that answers nothing waits T and
shows up as an empty list. The worker under test needs two tasks:
`t.integration.tasks.add(x, y, z=None)` and `t.integration.tasks.sleeping(seconds)`, consuming
from --queue (default q1). --backend is the result backend the worker stores into (redis); with
it the script also records what revoke/terminate leave in the backend (the raw stored meta).
--worker-log is the file the worker's stdout/stderr goes to; the lines the worker appends while
a case runs (send .. reply .. settle delay) are recorded with the case.

Before some cases the script builds state: sleeping tasks that keep both pool slots busy (for
active/query_task/revoke terminate=True/terminate), tasks waiting behind them (reserved), an ETA
task 600 s ahead (scheduled), a stamped task (revoke_by_stamped_headers terminate=True). Setup
only runs when one of the commands that needs it is selected. `election` is sent only with
--include-election (a lone Python Celery 5.7 worker with gossip on crashed on it), after every
other case; `shutdown` only with --include-shutdown, and always last.

--commands filters by command name as sent on the wire (e.g. `dump_active`, `rate_limit`); all
cases of a selected command run.

Output (stdout, or --out FILE): one JSON object

    {"meta": {...},
     "cases": {CASE_ID: {"command", "arguments", "reply", "shape", "replies", "elapsed_s",
                         "log", ["exception"]}, ...},
     "observations": {NAME: ..., ...}}

CASE_ID is the command name, or "command.variant" for further cases of the same command.
"reply" is the raw list the client returned ([{node: value}, ...]) exactly as decoded from the
wire; "shape" is that reply normalised as follows (deterministic, order independent):

  * None/null stays null; true/false -> "<bool>"; integers -> "<int>"; floats -> "<float>".
  * Strings: the node name -> "<node>"; a whole UUID -> "<uuid>"; a whole ISO-8601 date-time
    -> "<datetime>". A string that is the direct value of an "ok" or "error" key (a control
    message) is kept as a template: when it contains a newline it becomes "<text>", otherwise
    UUIDs inside it become <uuid>, the node name <node>, ISO date-times <datetime> and 0x...
    hex numbers <hex>, the rest of the text is kept verbatim. Inside a "tuple-like" list (see
    below) a string of lowercase ASCII letters only (e.g. a task state word) is kept verbatim.
    Every other string -> "<str>".
  * Dicts: keys are kept, except keys equal to the node name (-> "<node>") and UUID keys
    (-> "<uuid>"). When several keys collapse into one, their value shapes are merged (below).
    Keys are emitted sorted.
  * Lists: [] stays []. When all items have the same JSON kind (all dicts, all lists, all
    strings, all numbers, all bools, all nulls) the list becomes a one-item list holding the
    merge of the item shapes. Otherwise the list is "tuple-like" and is normalised item by item,
    keeping its length and order (e.g. query_task's [state, info] pairs).
  * Merge: the distinct shapes (compared as canonical JSON with sorted keys) are collected;
    one distinct shape -> that shape; several -> {"<one of>": [shapes sorted by their
    canonical JSON]}.

The shape is meant for comparing two workers (e.g. Python Celery and sigma-worker); the raw
reply is the reference for the exact values.
"""
import argparse
import hashlib
import json
import os
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from celery import Celery

ADD = "t.integration.tasks.add"
SLEEPING = "t.integration.tasks.sleeping"

# ---------------------------------------------------------------------------------------------
# shape normalisation

_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ISO_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+")
_WORD_RE = re.compile(r"[a-z]+")
_MESSAGE_KEYS = ("ok", "error")


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _merge(shapes):
    distinct = {}
    for item in shapes:
        distinct.setdefault(_canonical(item), item)
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    return {"<one of>": [distinct[key] for key in sorted(distinct)]}


def _json_kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


class Shaper:
    """Turns a decoded reply into its comparable shape (rules in the module docstring)."""

    def __init__(self, node):
        self.node = node

    def _key(self, key):
        key = str(key)
        if key == self.node:
            return "<node>"
        if _UUID_RE.fullmatch(key):
            return "<uuid>"
        return key

    def _template(self, text):
        text = _UUID_RE.sub("<uuid>", text)
        if self.node:
            text = text.replace(self.node, "<node>")
        text = _ISO_RE.sub("<datetime>", text)
        return _HEX_RE.sub("<hex>", text)

    def _string(self, text, role):
        if text == self.node:
            return "<node>"
        if _UUID_RE.fullmatch(text):
            return "<uuid>"
        if _ISO_RE.fullmatch(text):
            return "<datetime>"
        if role == "message":
            return "<text>" if "\n" in text else self._template(text)
        if role == "tuple" and _WORD_RE.fullmatch(text):
            return text
        return "<str>"

    def shape(self, value, role=None):
        if value is None:
            return None
        if isinstance(value, bool):
            return "<bool>"
        if isinstance(value, int):
            return "<int>"
        if isinstance(value, float):
            return "<float>"
        if isinstance(value, str):
            return self._string(value, role)
        if isinstance(value, dict):
            grouped = {}
            for key, item in value.items():
                item_role = "message" if key in _MESSAGE_KEYS else None
                grouped.setdefault(self._key(key), []).append(self.shape(item, item_role))
            return {key: _merge(grouped[key]) for key in sorted(grouped)}
        if isinstance(value, (list, tuple)):
            if not value:
                return []
            if len({_json_kind(item) for item in value}) == 1:
                return [_merge([self.shape(item) for item in value])]
            return [self.shape(item, "tuple") for item in value]
        return "<%s>" % type(value).__name__


# ---------------------------------------------------------------------------------------------
# worker log tail


class LogTail:
    """Hands out the lines appended to a file since the last mark()."""

    def __init__(self, path):
        self.path = path
        self.offset = self._size()

    def _size(self):
        try:
            return os.path.getsize(self.path) if self.path else 0
        except OSError:
            return 0

    def mark(self):
        self.offset = self._size()

    def read(self):
        if not self.path:
            return None
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except OSError:
            return None
        self.offset += len(data)
        return data.decode("utf-8", "replace").splitlines()


# ---------------------------------------------------------------------------------------------
# runner


class Runner:
    def __init__(self, app, node, queue, commands, timeout, tail, settle, has_backend):
        self.app = app
        self.node = node
        self.queue = queue
        self.commands = commands
        self.timeout = timeout
        self.tail = tail
        self.settle = settle
        self.has_backend = has_backend
        self.shaper = Shaper(node)
        self.cases = {}
        self.observations = {}

    # -- selection

    def wants(self, *commands):
        return self.commands is None or any(c in self.commands for c in commands)

    # -- sending

    def send(self, case_id, command, arguments=None, settle=None):
        """Send one recorded case; returns the worker's value (or None when no reply)."""
        if not self.wants(command):
            return None
        arguments = {} if arguments is None else arguments
        record = {"command": command, "arguments": arguments}
        self.tail.mark()
        started = time.monotonic()
        try:
            reply = self.app.control.broadcast(
                command, arguments=arguments, destination=[self.node],
                reply=True, timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - recorded, not hidden
            reply = None
            record["exception"] = repr(exc)
        record["elapsed_s"] = round(time.monotonic() - started, 3)
        time.sleep(self.settle if settle is None else settle)
        record["reply"] = reply
        record["replies"] = len(reply) if isinstance(reply, list) else None
        record["shape"] = self.shaper.shape(reply)
        record["log"] = self.tail.read()
        self.cases[case_id] = record
        print("[control_replies] %-40s %s" % (case_id, _short(reply)), file=sys.stderr)
        return self.value_of(reply)

    def value_of(self, reply):
        for item in reply or []:
            if isinstance(item, dict) and self.node in item:
                return item[self.node]
        return None

    def quiet(self, command, arguments=None):
        """Unrecorded request used for polling (first reply only)."""
        try:
            reply = self.app.control.broadcast(
                command, arguments=arguments or {}, destination=[self.node],
                reply=True, timeout=self.timeout, limit=1)
        except Exception:  # noqa: BLE001
            return None
        return self.value_of(reply)

    def observe(self, name, value):
        self.observations[name] = value
        print("[control_replies] observation %-28s %s" % (name, _short(value)), file=sys.stderr)

    # -- helpers for state

    def send_task(self, name, args, **options):
        task_id = options.pop("task_id", None) or str(uuid.uuid4())
        self.app.send_task(name, args=args, task_id=task_id, queue=self.queue, **options)
        return task_id

    def active_ids(self):
        value = self.quiet("active")
        if not isinstance(value, list):
            return []
        return [item.get("id") for item in value if isinstance(item, dict)]

    def wait_active(self, wanted_ids, deadline_s=20.0):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            ids = self.active_ids()
            if all(task_id in ids for task_id in wanted_ids):
                return True
            time.sleep(0.3)
        return False

    def backend_meta(self, task_id):
        """The raw JSON the result backend holds for task_id (None when absent)."""
        if not self.has_backend:
            return None
        backend = self.app.backend
        try:
            raw = backend.get(backend.get_key_for_task(task_id))
        except Exception as exc:  # noqa: BLE001
            return {"<exception>": repr(exc)}
        if raw is None:
            return None
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        try:
            return json.loads(raw)
        except ValueError:
            return {"<undecodable>": raw}

    def wait_backend(self, task_id, states=("SUCCESS", "FAILURE", "REVOKED"), deadline_s=10.0):
        end = time.monotonic() + deadline_s
        meta = None
        while time.monotonic() < end:
            meta = self.backend_meta(task_id)
            if isinstance(meta, dict) and meta.get("status") in states:
                return meta
            time.sleep(0.2)
        return meta

    def logs_for(self, seconds):
        """Wait `seconds` and return the worker log lines written meanwhile."""
        self.tail.mark()
        time.sleep(seconds)
        return self.tail.read()


def _own_sha256():
    try:
        with open(os.path.abspath(__file__), "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def _short(value, limit=110):
    text = json.dumps(value, default=repr)
    return text if len(text) <= limit else text[:limit] + "..."


# ---------------------------------------------------------------------------------------------
# phases


def phase_basic(r):
    r.send("ping", "ping")
    r.send("ping.extra_kwargs", "ping", {"unused": 1})
    r.send("clock", "clock")
    r.send("hello", "hello", {"from_node": "control-replies@probe",
                              "revoked": ["00000000-0000-4000-8000-000000000001"]})
    r.send("hello.self", "hello", {"from_node": r.node})
    r.send("hello.no_args", "hello")
    r.send("report", "report")
    r.send("stats", "stats")
    r.send("conf", "conf")
    r.send("conf.with_defaults", "conf", {"with_defaults": True})
    r.send("dump_conf", "dump_conf")
    r.send("registered", "registered")
    r.send("registered.taskinfoitems", "registered",
           {"taskinfoitems": ["rate_limit", "name", "_private", "no_such_attr"]})
    r.send("registered.builtins", "registered", {"builtins": True})
    r.send("dump_tasks", "dump_tasks")
    r.send("registered_tasks", "registered_tasks")  # a client-side alias only
    r.send("active_queues", "active_queues")
    r.send("active_queues.extra_kwargs", "active_queues", {"unused": 1})
    r.send("active.idle", "active")
    r.send("dump_active.idle", "dump_active")
    r.send("reserved.idle", "reserved")
    r.send("dump_reserved.idle", "dump_reserved")
    r.send("scheduled.idle", "scheduled")
    r.send("dump_schedule.idle", "dump_schedule")
    r.send("query_task.unknown", "query_task", {"ids": [str(uuid.uuid4())]})
    r.send("query_task.no_args", "query_task")
    r.send("revoked.initial", "revoked")
    r.send("memsample", "memsample")
    r.send("memdump", "memdump")
    r.send("memdump.samples", "memdump", {"samples": 5})
    r.send("objgraph", "objgraph")
    r.send("heartbeat", "heartbeat")
    r.send("heartbeat.extra_kwargs", "heartbeat", {"unused": 1})
    r.send("no_such_command", "no_such_command")


def phase_events(r):
    # The order matters: the replies depend on the dispatcher's current groups.
    r.send("disable_events.first", "disable_events")
    r.send("enable_events", "enable_events")
    r.send("enable_events.again", "enable_events")
    r.send("disable_events", "disable_events")
    r.send("disable_events.again", "disable_events")
    r.send("enable_events.extra_kwargs", "enable_events", {"unused": 1})


def phase_limits(r):
    r.send("rate_limit", "rate_limit", {"task_name": ADD, "rate_limit": "10/m"})
    r.send("rate_limit.int", "rate_limit", {"task_name": ADD, "rate_limit": 100})
    r.send("rate_limit.bad_value", "rate_limit", {"task_name": ADD, "rate_limit": "abc"})
    r.send("rate_limit.bad_unit", "rate_limit", {"task_name": ADD, "rate_limit": "5/x"})
    r.send("rate_limit.unknown_task", "rate_limit",
           {"task_name": "no.such.task", "rate_limit": "10/m"})
    r.send("rate_limit.unknown_task_bad_value", "rate_limit",
           {"task_name": "no.such.task", "rate_limit": "abc"})
    r.send("rate_limit.missing_rate", "rate_limit", {"task_name": ADD})
    r.send("rate_limit.disable", "rate_limit", {"task_name": ADD, "rate_limit": None})
    if r.wants("registered"):
        r.send("registered.after_rate_limit", "registered")
    r.send("time_limit", "time_limit", {"task_name": ADD, "soft": 10, "hard": 20})
    r.send("time_limit.unknown_task", "time_limit",
           {"task_name": "no.such.task", "soft": 10, "hard": 20})
    r.send("time_limit.no_args", "time_limit")
    r.send("time_limit.reset", "time_limit", {"task_name": ADD, "soft": None, "hard": None})


TASK_COMMANDS = ("active", "dump_active", "reserved", "dump_reserved", "scheduled",
                 "dump_schedule", "query_task", "revoke", "terminate",
                 "revoke_by_stamped_headers", "revoked", "dump_revoked")


def phase_tasks(r):
    obs = {}
    # 1. a finished task, to see what revoke does to a stored SUCCESS
    done = r.send_task(ADD, [2, 3])
    obs["done_task_id"] = done
    obs["done_meta_before"] = r.wait_backend(done)

    # 2. two long sleepers take both pool slots
    s1 = r.send_task(SLEEPING, [60])
    s2 = r.send_task(SLEEPING, [60])
    obs["s1_id"], obs["s2_id"] = s1, s2
    obs["s1_s2_active"] = r.wait_active([s1, s2])
    # 3. waiting behind them: a stamped sleeper, a short sleeper; plus an ETA task
    s3 = r.send_task(SLEEPING, [60], stamped_headers=["mystamp"], mystamp="v1")
    s5 = r.send_task(SLEEPING, [5])
    eta = r.send_task(ADD, [1, 2], countdown=600)
    obs["s3_stamped_id"], obs["s5_id"], obs["eta_id"] = s3, s5, eta
    time.sleep(1.5)

    r.send("active.busy", "active")
    r.send("dump_active.busy", "dump_active")
    r.send("active.safe", "active", {"safe": True})
    r.send("reserved.busy", "reserved")
    r.send("dump_reserved.busy", "dump_reserved")
    r.send("scheduled.busy", "scheduled")
    r.send("dump_schedule.busy", "dump_schedule")
    unknown = str(uuid.uuid4())
    r.send("query_task", "query_task", {"ids": [s1, s3, eta, unknown]})
    r.send("query_task.single_str", "query_task", {"ids": s1})
    r.send("stats.busy", "stats")

    # 4. revoke variants that do not terminate anything
    u1, u2 = str(uuid.uuid4()), str(uuid.uuid4())
    r.send("revoke", "revoke", {"task_id": u1})
    obs["unknown_revoked_meta"] = r.backend_meta(u1)
    r.send("revoke.list", "revoke", {"task_id": [u1, u2]})
    r.send("revoke.client_form", "revoke", {"task_id": u2, "terminate": False, "signal": "TERM"})
    r.send("revoke.done_task", "revoke", {"task_id": done})
    obs["done_meta_after_revoke"] = r.backend_meta(done)
    r.send("revoke.scheduled_task", "revoke", {"task_id": eta})
    obs["eta_meta_after_revoke"] = r.backend_meta(eta)
    obs["s5_query_before_revoke"] = _query_state(r, s5)
    r.send("revoke.reserved_task", "revoke", {"task_id": s5})
    obs["s5_meta_after_revoke"] = r.backend_meta(s5)
    r.send("revoke.terminate_unknown", "revoke", {"task_id": str(uuid.uuid4()),
                                                  "terminate": True})
    r.send("revoke.no_args", "revoke")

    # 5. revoke(terminate=True) on a running task (default signal = TERM)
    r.send("revoke.terminate_running", "revoke", {"task_id": s1, "terminate": True},
           settle=2.0)
    obs["s1_meta_after_terminate"] = r.wait_backend(s1)
    obs["s1_async_result_state"] = _async_state(r, s1)

    # 6. terminate (signal KILL) on the other running task
    r.send("terminate", "terminate", {"signal": "KILL", "task_id": s2}, settle=2.0)
    obs["s2_meta_after_terminate"] = r.wait_backend(s2)
    obs["s2_async_result_state"] = _async_state(r, s2)
    r.send("terminate.unknown", "terminate", {"signal": "TERM", "task_id": str(uuid.uuid4())})
    r.send("terminate.bad_signal", "terminate", {"signal": "NOSUCHSIG",
                                                 "task_id": str(uuid.uuid4())})
    r.send("terminate.no_args", "terminate")

    # 7. the freed slots pick up s3 (stamped) and maybe s5 (revoked while reserved)
    obs["s3_active_after_terminations"] = r.wait_active([s3])
    obs["log_while_reserved_tasks_start"] = r.logs_for(1.0)
    r.send("revoke_by_stamped_headers", "revoke_by_stamped_headers",
           {"headers": {"otherstamp": "zzz"}})
    r.send("revoke_by_stamped_headers.list_form", "revoke_by_stamped_headers",
           {"headers": ["liststamp=abc"]})
    r.send("revoke_by_stamped_headers.terminate_no_match", "revoke_by_stamped_headers",
           {"headers": {"otherstamp": "zzz"}, "terminate": True})
    r.send("revoke_by_stamped_headers.terminate_match", "revoke_by_stamped_headers",
           {"headers": {"mystamp": "v1"}, "terminate": True, "signal": "TERM"}, settle=2.0)
    obs["s3_meta_after_stamped_terminate"] = r.wait_backend(s3)
    r.send("revoke_by_stamped_headers.no_args", "revoke_by_stamped_headers")
    obs["s5_meta_final"] = r.wait_backend(s5, deadline_s=8.0)

    # 8. revoke without terminate while the task runs: it keeps running
    s4 = r.send_task(SLEEPING, [3])
    obs["s4_id"] = s4
    obs["s4_active"] = r.wait_active([s4])
    r.send("revoke.running_no_terminate", "revoke", {"task_id": s4})
    obs["s4_meta_final"] = r.wait_backend(s4, deadline_s=8.0)

    r.send("revoked", "revoked")
    r.send("dump_revoked", "dump_revoked")
    r.send("active.after", "active")
    r.send("scheduled.after_revoke", "scheduled")
    r.observe("tasks", obs)


def _query_state(r, task_id):
    """The worker's own word (query_task) for task_id: 'active', 'reserved', ... or None."""
    value = r.quiet("query_task", {"ids": [task_id]})
    if isinstance(value, dict) and isinstance(value.get(task_id), list):
        return value[task_id][0]
    return None


def _async_state(r, task_id):
    if not r.has_backend:
        return None
    res = r.app.AsyncResult(task_id)
    return {"state": res.state, "info": repr(res.info)}


POOL_COMMANDS = ("pool_grow", "pool_shrink", "autoscale", "pool_restart")


def _pool_summary(r):
    stats = r.quiet("stats")
    if not isinstance(stats, dict):
        return None
    pool = stats.get("pool") or {}
    return {"max-concurrency": pool.get("max-concurrency"),
            "processes": sorted(pool.get("processes") or []),
            "prefetch_count": stats.get("prefetch_count"),
            "autoscaler": stats.get("autoscaler")}


def phase_pool(r):
    obs = {"before": _pool_summary(r)}

    def step(case_id, command, arguments=None, settle=1.0, after=None):
        if not r.wants(command):
            return
        r.send(case_id, command, arguments, settle=settle)
        if after:
            obs[after] = _pool_summary(r)

    step("pool_grow", "pool_grow", {"n": 1}, after="after_grow_1")
    step("pool_shrink", "pool_shrink", {"n": 1}, after="after_shrink_1")
    step("pool_grow.default", "pool_grow", after="after_grow_default")
    step("pool_shrink.default", "pool_shrink", after="after_shrink_default")
    step("pool_grow.bad_n", "pool_grow", {"n": "x"}, settle=None)
    auto = (obs["before"] or {}).get("autoscaler") or {}
    step("autoscale", "autoscale", {"max": 3, "min": 2}, after="after_autoscale_3_2")
    step("autoscale.no_args", "autoscale", settle=None)
    step("autoscale.extra_kwargs", "autoscale", {"max": 3, "min": 2, "unused": 1}, settle=None)
    if auto.get("max") is not None:
        step("autoscale.restore", "autoscale", {"max": auto["max"], "min": auto["min"]},
             after="after_autoscale_restore")
    step("pool_restart", "pool_restart", {"modules": None, "reload": False, "reloader": None},
         settle=3.0, after="after_pool_restart")
    r.observe("pool", obs)


QUEUE_COMMANDS = ("add_consumer", "cancel_consumer", "active_queues")


def phase_queues(r):
    r.send("add_consumer", "add_consumer", {"queue": "q2"}, settle=1.0)
    r.send("add_consumer.full", "add_consumer",
           {"queue": "q3", "exchange": "ex3", "exchange_type": "topic", "routing_key": "rk3"},
           settle=1.0)
    r.send("add_consumer.client_form", "add_consumer",
           {"queue": "q4", "exchange": None, "exchange_type": "direct", "routing_key": None},
           settle=1.0)
    r.send("add_consumer.existing", "add_consumer", {"queue": r.queue}, settle=1.0)
    r.send("add_consumer.no_args", "add_consumer")
    r.send("active_queues.after_add", "active_queues")
    r.send("cancel_consumer", "cancel_consumer", {"queue": "q2"}, settle=1.0)
    r.send("cancel_consumer.q3", "cancel_consumer", {"queue": "q3"}, settle=1.0)
    r.send("cancel_consumer.q4", "cancel_consumer", {"queue": "q4"}, settle=1.0)
    r.send("cancel_consumer.unknown", "cancel_consumer", {"queue": "never-consumed"},
           settle=1.0)
    r.send("cancel_consumer.no_args", "cancel_consumer")
    r.send("active_queues.after_cancel", "active_queues")


def phase_election(r):
    # A Python Celery 5.7 worker with gossip enabled and no other node died of this
    # (Unrecoverable error: IndexError in gossip.on_elect_ack), so it is opt-in and runs last.
    r.send("election.no_args", "election")
    r.send("election", "election", {"id": str(uuid.uuid4()), "topic": "control-replies",
                                    "action": None}, settle=3.0)
    r.observe("ping_after_election", r.quiet("ping"))


def phase_shutdown(r):
    r.send("shutdown", "shutdown", settle=3.0)
    r.observe("ping_after_shutdown", r.quiet("ping"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--broker", required=True)
    parser.add_argument("--node", required=True, help="destination node name, e.g. py@localhost")
    parser.add_argument("--backend", default=None, help="result backend URL (redis)")
    parser.add_argument("--queue", default="q1", help="queue the worker consumes tasks from")
    parser.add_argument("--out", default=None, help="write the JSON here instead of stdout")
    parser.add_argument("--commands", default=None, help="comma-separated command names")
    parser.add_argument("--include-shutdown", action="store_true")
    parser.add_argument("--include-election", action="store_true",
                        help="also send election (may kill a lone Python worker with gossip)")
    parser.add_argument("--worker-log", default=None, help="worker log file to tail per case")
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--settle", type=float, default=0.3,
                        help="seconds to wait after a reply before reading the log")
    args = parser.parse_args(argv)

    commands = None
    if args.commands:
        commands = {c.strip() for c in args.commands.split(",") if c.strip()}
    if args.include_shutdown and commands is not None:
        commands.add("shutdown")
    if args.include_election and commands is not None:
        commands.add("election")

    app = Celery("control_replies", broker=args.broker, backend=args.backend)
    app.conf.update(task_default_queue=args.queue)
    import celery
    import kombu

    runner = Runner(app, args.node, args.queue, commands, args.timeout,
                    LogTail(args.worker_log), args.settle, bool(args.backend))
    started = datetime.now(timezone.utc).isoformat()

    phase_basic(runner)
    if runner.wants("enable_events", "disable_events"):
        phase_events(runner)
    if runner.wants("rate_limit", "time_limit"):
        phase_limits(runner)
    if runner.wants(*TASK_COMMANDS):
        phase_tasks(runner)
    if runner.wants(*QUEUE_COMMANDS):
        phase_queues(runner)
    if runner.wants(*POOL_COMMANDS):
        phase_pool(runner)
    if args.include_election:
        phase_election(runner)
    if args.include_shutdown:
        phase_shutdown(runner)

    result = {
        "meta": {
            "client_celery": celery.__version__,
            "client_kombu": kombu.__version__,
            "python": sys.version.split()[0],
            "broker": args.broker,
            "backend": args.backend,
            "node": args.node,
            "queue": args.queue,
            "timeout_s": args.timeout,
            "started": started,
            "finished": datetime.now(timezone.utc).isoformat(),
            "commands_filter": sorted(commands) if commands else None,
            "script_sha256": _own_sha256(),
        },
        "cases": runner.cases,
        "observations": runner.observations,
    }
    text = json.dumps(result, indent=2, default=repr)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
