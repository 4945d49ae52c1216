#!/usr/bin/env python3
"""Capture real Celery broker messages and result-backend values as fixtures.

Run with the Python of one Celery virtualenv (see capture.sh, which runs it
under both .venv/celery-5.3 and .venv/celery-5.7):

    .venv/celery-5.7/bin/python Fixtures/capture.py

What it does, for the Celery version it runs under:

1. starts a throwaway redis-server on a free loopback port (no persistence);
2. with NO worker running, publishes messages with the real Celery client and
   pops each one from its Redis list, saving the bytes exactly as stored
   (Fixtures/celery-<major.minor>/<name>.json);
3. starts a real `celery worker` (prefork, 2 processes) on this same module,
   sends tasks that succeed, fail, retry, expire, hit time limits, ...; saves
   the raw values of `celery-task-meta-<id>` from the backend db
   (result_<name>.json), and the messages that Task.retry republishes, taken
   byte-exact from a MONITOR connection (and cross-checked against the
   worker's `unacked` reservation);
4. decodes everything again with plain json/base64/zlib (no kombu object hook)
   and merges its entries into Fixtures/manifest.json.

When imported by the worker (`celery -A capture worker`, cwd = Fixtures) the
module builds the same app from the CAPTURE_REDIS_PORT environment variable.
Nothing here is pickled or unpickled except the single pickle-serialized
sample message, which is only published, never decoded.
"""

import atexit
import base64
import datetime as dt
import decimal
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib

import celery
import kombu
from celery import Celery, chain, chord, group

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFEST = os.path.join(HERE, "manifest.json")

# ---------------------------------------------------------------------------
# The app (configured like SIGMA's) and its tasks
# ---------------------------------------------------------------------------


class CaptureError(Exception):
    """A user-defined exception class (module `capture` inside the worker)."""


def make_app(port, timezone="UTC", protocol=2, main="capture"):
    app = Celery(main)
    app.conf.update(
        broker_url=f"redis://127.0.0.1:{port}/0",
        result_backend=f"redis://127.0.0.1:{port}/1",
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        timezone=timezone,
        enable_utc=True,
        task_soft_time_limit=300,
        task_time_limit=600,
        result_expires=86400,
        task_protocol=protocol,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    register_tasks(app)
    return app


def _fails_then_retries(task, label):
    # Behaves like a task whose work always fails and which retries in 60 s,
    # as SIGMA's tasks do (max_retries=3, countdown=60).
    try:
        raise RuntimeError(f"capture: {label} cannot run in the capture worker")
    except RuntimeError as exc:
        raise task.retry(exc=exc, countdown=60)


def register_tasks(app):
    t = {}

    # --- SIGMA's registered names and parameters (HEAD superset; the extra
    #     HEAD keywords have defaults so that the 64a1811 call shape binds too)
    @app.task(name="config.celery.debug_task", bind=True, ignore_result=True)
    def debug_task(self):
        print(f"capture debug task: {self.request!r}")

    @app.task(name="servicio_tecnico.enviar_correo_rhitso", bind=True,
              max_retries=3, default_retry_delay=60)
    def enviar_correo_rhitso(self, orden_id, destinatarios_principales,
                             copia_empleados, usuario_id=None,
                             asunto_correo="", db_alias="default"):
        _fails_then_retries(self, "rhitso mail")

    @app.task(name="servicio_tecnico.enviar_diagnostico_cliente", bind=True,
              max_retries=3, default_retry_delay=60)
    def enviar_diagnostico_cliente(self, orden_id, folio, componentes_data,
                                   imagenes_ids, destinatarios_copia,
                                   mensaje_personalizado, email_empleado,
                                   nombre_empleado, usuario_id=None,
                                   tipo_plantilla="estandar",
                                   db_alias="default"):
        _fails_then_retries(self, "diagnostic mail")

    @app.task(name="servicio_tecnico.enviar_imagenes_cliente", bind=True,
              max_retries=3, default_retry_delay=60)
    def enviar_imagenes_cliente(self, orden_id, imagenes_ids,
                                destinatarios_copia, mensaje_personalizado,
                                usuario_id=None, modelo_ia_inspeccion="",
                                db_alias="default"):
        _fails_then_retries(self, "photo mail")

    t["debug_task"] = debug_task
    t["rhitso"] = enviar_correo_rhitso
    t["diagnostico"] = enviar_diagnostico_cliente
    t["imagenes"] = enviar_imagenes_cliente

    # --- generic tasks
    @app.task(name="capture.add")
    def add(x, y):
        return x + y

    @app.task(name="capture.tsum")
    def tsum(values):
        return sum(values)

    @app.task(name="capture.onerr")
    def onerr(*args):
        return None

    @app.task(name="capture.echo")
    def echo(*args, **kwargs):
        return None

    @app.task(name="capture.report")
    def report(orden):
        return {"success": True, "orden": orden, "destinatarios": 2,
                "imágenes_adjuntas": 3, "tamaño_mb": 1.66,
                "mensaje": "Diagnóstico enviado ✓"}

    @app.task(name="capture.fail_value")
    def fail_value(msg):
        raise ValueError(msg)

    @app.task(name="capture.fail_custom")
    def fail_custom(msg, code):
        raise CaptureError(msg, code)

    @app.task(name="capture.sleep")
    def sleep_task(seconds):
        time.sleep(seconds)
        return seconds

    @app.task(name="capture.retrying", bind=True, max_retries=3)
    def retrying(self, n, countdown):
        raise self.retry(exc=KeyError(f"missing {n}"), countdown=countdown)

    @app.task(name="capture.retry_once", bind=True, max_retries=1)
    def retry_once(self, n):
        raise self.retry(exc=KeyError(f"missing {n}"), countdown=1)

    @app.task(name="capture.sleep_past_soft")
    def sleep_past_soft(seconds):
        from celery.exceptions import SoftTimeLimitExceeded
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                time.sleep(0.05)
            except SoftTimeLimitExceeded:
                pass
        return seconds

    @app.task(name="capture.tracked", track_started=True)
    def tracked(seconds):
        time.sleep(seconds)
        return seconds

    t.update(sleep_past_soft=sleep_past_soft, tracked=tracked)
    t.update(add=add, tsum=tsum, onerr=onerr, echo=echo, report=report,
             fail_value=fail_value, fail_custom=fail_custom, sleep=sleep_task,
             retrying=retrying, retry_once=retry_once)
    app.capture_tasks = t
    return t


if __name__ != "__main__" and "CAPTURE_REDIS_PORT" in os.environ:
    # imported by `celery -A capture worker`
    app = make_app(int(os.environ["CAPTURE_REDIS_PORT"]))


# ---------------------------------------------------------------------------
# Process management: redis-server, worker, MONITOR
# ---------------------------------------------------------------------------

_children = []  # Popen objects we started, stopped at exit


def _cleanup():
    for proc in reversed(_children):
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                proc.wait(timeout=5)




def _on_signal(signum, frame):
    sys.exit(128 + signum)


def free_port(start=6391, end=6490):
    for port in range(start, end):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port for redis-server")


def start_redis(port, workdir):
    exe = shutil.which("redis-server")
    if not exe:
        raise SystemExit("redis-server not found in PATH")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", workdir, "--daemonize", "no",
         "--loglevel", "warning"],
        stdout=open(os.path.join(workdir, "redis.log"), "wb"),
        stderr=subprocess.STDOUT, start_new_session=True)
    _children.append(proc)
    import redis
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            r = redis.Redis(host="127.0.0.1", port=port, db=0)
            if r.ping():
                return proc
        except Exception:
            time.sleep(0.1)
    raise SystemExit("redis-server did not start")


def _unrepr(data):
    """Undo Redis's sdscatrepr quoting of one MONITOR argument (bytes, no quotes)."""
    out = bytearray()
    i = 0
    simple = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t",
              ord("a"): b"\a", ord("b"): b"\b", ord("\\"): b"\\",
              ord('"'): b'"'}
    while i < len(data):
        c = data[i]
        if c == 0x5C:  # backslash
            n = data[i + 1]
            if n == ord("x"):
                out.append(int(data[i + 2:i + 4], 16))
                i += 4
                continue
            out += simple[n]
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def _split_monitor_args(line):
    """Split the argument part of a MONITOR line into raw byte strings."""
    args = []
    i = line.index(b"] ") + 2
    while i < len(line):
        assert line[i] == 0x22, line[i:i + 20]
        j = i + 1
        while True:
            if line[j] == 0x5C:
                j += 2
                continue
            if line[j] == 0x22:
                break
            j += 1
        args.append(_unrepr(line[i + 1:j]))
        i = j + 2  # skip closing quote and the separating space
    return args


class Monitor:
    """A raw MONITOR connection recording every LPUSH/RPUSH (key, payload)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(b"MONITOR\r\n")
        self.pushes = []
        self.lock = threading.Lock()
        self.stop = False
        buf = b""
        while b"\r\n" not in buf:
            buf += self.sock.recv(4096)
        first, _, self.buf = buf.partition(b"\r\n")
        assert first == b"+OK", first
        self.sock.settimeout(0.5)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        buf = self.buf
        while not self.stop:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\r\n" in buf:
                line, _, buf = buf.partition(b"\r\n")
                if not line.startswith(b"+"):
                    continue
                try:
                    args = _split_monitor_args(line)
                except Exception:
                    continue
                if args and args[0].upper() in (b"LPUSH", b"RPUSH") and len(args) >= 3:
                    with self.lock:
                        for payload in args[2:]:
                            self.pushes.append((args[0].upper(), args[1], payload))

    def find(self, pred, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                for item in self.pushes:
                    if pred(item):
                        return item
            time.sleep(0.1)
        return None

    def close(self):
        self.stop = True
        try:
            self.sock.close()
        except OSError:
            pass


def start_worker(port, workdir):
    env = dict(os.environ)
    env["CAPTURE_REDIS_PORT"] = str(port)
    env["PYTHONPATH"] = HERE + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    log = os.path.join(workdir, "worker.log")
    celery_bin = os.path.join(os.path.dirname(sys.executable), "celery")
    proc = subprocess.Popen(
        [celery_bin, "-A", "capture", "worker", "-P", "prefork", "-c", "2",
         "-n", "capture@%h", "-l", "info", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-Q", "celery"],
        cwd=HERE, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    _children.append(proc)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            break
        with open(log, "rb") as f:
            if b" ready." in f.read():
                return proc, log
        time.sleep(0.2)
    with open(log, "rb") as f:
        sys.stderr.write(f.read()[-4000:].decode("utf-8", "replace"))
    raise SystemExit("celery worker did not become ready")


def stop_worker(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


# ---------------------------------------------------------------------------
# Decoding for the manifest (plain json, no kombu object hook)
# ---------------------------------------------------------------------------

STANDARD_HEADERS = {
    "lang", "task", "id", "shadow", "eta", "expires", "group", "group_index",
    "retries", "timelimit", "root_id", "parent_id", "argsrepr", "kwargsrepr",
    "origin", "ignore_result", "replaced_task_nesting", "stamped_headers",
    "stamps", "compression", "redelivered",
}


def decode_body(env):
    raw = env["body"]
    if env.get("properties", {}).get("body_encoding") == "base64":
        raw = base64.b64decode(raw)
    else:
        raw = raw.encode("utf-8")
    compression = env.get("headers", {}).get("compression")
    if compression in ("application/x-gzip", "zlib", "gzip"):
        raw = zlib.decompress(raw)
    elif compression is not None:
        raise ValueError(f"unexpected compression {compression}")
    return json.loads(raw.decode(env.get("content-encoding") or "utf-8"))


def _names(sigs):
    return [s["task"] for s in (sigs or [])]


def message_expect(env):
    headers = env.get("headers") or {}
    props = env.get("properties") or {}
    dinfo = props.get("delivery_info") or {}
    common = {
        "priority": props.get("priority"),
        "exchange": dinfo.get("exchange"),
        "routing_key": dinfo.get("routing_key"),
        "delivery_tag": props.get("delivery_tag"),
        "correlation_id": props.get("correlation_id"),
        "reply_to": props.get("reply_to"),
        "compression": headers.get("compression"),
        "content_type": env.get("content-type"),
        "redelivered": bool(dinfo.get("redelivered") or headers.get("redelivered")),
        "custom_headers": {k: v for k, v in headers.items() if k not in STANDARD_HEADERS},
    }
    if env.get("content-type") != "application/json":
        return "unsupported_content_type", {
            "task": headers.get("task"), "id": headers.get("id"),
            "content_type": env.get("content-type")}
    body = decode_body(env)
    if "task" in headers:
        args, kwargs, embed = body
        embed = embed or {}
        exp = {
            "protocol": 2, "task": headers["task"], "id": headers["id"],
            "args": args, "kwargs": kwargs,
            "retries": headers.get("retries"), "eta": headers.get("eta"),
            "expires": headers.get("expires"), "timelimit": headers.get("timelimit"),
            "root_id": headers.get("root_id"), "parent_id": headers.get("parent_id"),
            "group": headers.get("group"), "group_index": headers.get("group_index"),
            "ignore_result": headers.get("ignore_result"), "shadow": headers.get("shadow"),
            "callbacks": _names(embed.get("callbacks")),
            "errbacks": _names(embed.get("errbacks")),
            "chain": _names(embed.get("chain")),
            "chord": (embed.get("chord") or {}).get("task"),
        }
    else:
        # protocol 1: everything lives in the body dict
        group_id = body.get("taskset")
        if group_id is None:
            group_id = body.get("group")
        exp = {
            "protocol": 1, "task": body["task"], "id": body["id"],
            "args": body.get("args"), "kwargs": body.get("kwargs"),
            "retries": body.get("retries"), "eta": body.get("eta"),
            "expires": body.get("expires"), "timelimit": body.get("timelimit"),
            "group": group_id, "group_index": body.get("group_index"),
            "callbacks": _names(body.get("callbacks")),
            "errbacks": _names(body.get("errbacks")),
            "chain": [],
            "chord": (body.get("chord") or {}).get("task"),
        }
    exp.update(common)
    return "request", exp


def result_expect(raw):
    meta = json.loads(raw)
    status = meta["status"]
    exp = {"status": status, "task_id": meta.get("task_id")}
    res = meta.get("result")
    if status in ("FAILURE", "RETRY", "REVOKED"):
        exp.update(exc_type=res.get("exc_type"), exc_module=res.get("exc_module"),
                   exc_message=res.get("exc_message"))
    else:
        exp["result"] = res
        exp.update(exc_type=None, exc_module=None, exc_message=None)
    done = meta.get("date_done")
    exp["date_done_aware"] = (None if done is None else
                              dt.datetime.fromisoformat(done).tzinfo is not None)
    exp["has_traceback"] = meta.get("traceback") is not None
    exp["children_count"] = len(meta.get("children") or [])
    exp["parent_id"] = meta.get("parent_id")
    exp["group_id"] = meta.get("group_id")
    return exp


def _json_finite(value):
    try:
        json.dumps(value, allow_nan=False)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------------------
# Capture
# ---------------------------------------------------------------------------

class Capture:
    def __init__(self, port, outdir, reldir):
        import redis
        self.r0 = redis.Redis(host="127.0.0.1", port=port, db=0)
        self.r1 = redis.Redis(host="127.0.0.1", port=port, db=1)
        self.outdir = outdir
        self.reldir = reldir
        self.messages = []  # manifest entries
        self.results = []
        self.names = set()
        self.mon = None  # a Monitor: popped bytes are checked against the LPUSH seen

    def _write(self, name, data):
        assert name not in self.names, name
        self.names.add(name)
        path = os.path.join(self.outdir, name + ".json")
        with open(path, "wb") as f:
            f.write(data)
        with open(path, "rb") as f:
            assert f.read() == data
        return f"{self.reldir}/{name}.json"

    def pop_all(self):
        """Pop every message from every list in db 0, FIFO order per list."""
        items = []
        for key in sorted(self.r0.keys("*")):
            if self.r0.type(key) != b"list":
                continue
            while True:
                v = self.r0.rpop(key)
                if v is None:
                    break
                items.append((key, v))
        return items

    def save_message(self, name, about, data, key=None):
        env = json.loads(data)
        outcome, exp = message_expect(env)
        if "args" in exp and not (_json_finite(exp["args"]) and _json_finite(exp["kwargs"])):
            # NaN/Infinity cannot be written into a strict-JSON manifest
            del exp["args"], exp["kwargs"]
            about += " [args/kwargs hold non-finite floats: left out of expect, check them from the file]"
        rel = self._write(name, data)
        self.messages.append({
            "file": rel, "celery": celery.__version__, "kombu": kombu.__version__,
            "about": about + (f" (taken from Redis list {key!r})" if key else ""),
            "outcome": outcome, "expect": exp})
        print(f"  message {rel}: {exp.get('task')} {outcome}")

    def send(self, name, about, fn, expected=1, namer=None):
        """Call fn() (which publishes), then pop and save the published messages."""
        fn()
        items = self.pop_all()
        if len(items) != expected:
            raise SystemExit(f"{name}: expected {expected} messages, got {len(items)}")
        for idx, (key, data) in enumerate(items):
            if self.mon is not None and self.mon.find(
                    lambda it, key=key, data=data: it[1] == key and it[2] == data, timeout=5) is None:
                raise SystemExit(f"{name}: popped bytes differ from every LPUSH seen by MONITOR")
            fname = name if expected == 1 else (namer(json.loads(data)) if namer else f"{name}_{idx}")
            k = key.decode("latin-1") if key != b"celery" else None
            self.save_message(fname, about, data, key=k)

    def wait_result(self, task_id, states, timeout=45):
        deadline = time.time() + timeout
        key = f"celery-task-meta-{task_id}"
        while time.time() < deadline:
            raw = self.r1.get(key)
            if raw is not None and json.loads(raw)["status"] in states:
                return raw
            time.sleep(0.1)
        raise SystemExit(f"no {states} result for {task_id} within {timeout}s")

    def save_result(self, name, about, raw):
        rel = self._write("result_" + name, raw)
        exp = result_expect(raw)
        self.results.append({"file": rel, "celery": celery.__version__,
                             "about": about, "expect": exp})
        print(f"  result {rel}: {exp['status']}")


def sigma_calls(t):
    """SIGMA's three tasks called as its views call them (keyword arguments only)."""
    comps = [
        {"componente_db": "Motherboard", "dpn": "0XK5P2", "seleccionado": True, "es_necesaria": True},
        {"componente_db": "Pantalla", "dpn": "", "seleccionado": False, "es_necesaria": True},
        {"componente_db": "Batería", "dpn": "DELL-7FHHV", "seleccionado": True, "es_necesaria": False},
        {"componente_db": "Teclado retroiluminado", "dpn": "", "seleccionado": False, "es_necesaria": True},
        {"componente_db": "Ventilador (añadido)", "dpn": "FAN-23", "seleccionado": True, "es_necesaria": True},
    ]
    old = [
        ("sigma_rhitso_64a1811",
         "enviar_correo_rhitso_task.delay(...) keyword-only, 64a1811 call shape, usuario_id int",
         lambda: t["rhitso"].delay(
             orden_id=42,
             destinatarios_principales=["laboratorio@rhitso.example.com", "recepcion@rhitso.example.com"],
             copia_empleados=["tecnico.garcia@sigma.example.com"],
             usuario_id=7)),
        ("sigma_diagnostico_64a1811",
         "enviar_diagnostico_cliente_task.delay(...) keyword-only, 64a1811 call shape, usuario_id int, non-ASCII text",
         lambda: t["diagnostico"].delay(
             orden_id=42, folio="DIAG-2024-0042", componentes_data=comps,
             imagenes_ids=["101", "102", "105"],
             destinatarios_copia=["ventas@sigma.example.com", "tecnico.garcia@sigma.example.com"],
             mensaje_personalizado="Estimado cliente,\nadjuntamos el diagnóstico de su equipo. ¡Gracias!",
             email_empleado="jose.perez@sigma.example.com", nombre_empleado="José Pérez Ñúñez",
             usuario_id=7)),
        ("sigma_imagenes_64a1811",
         "enviar_imagenes_cliente_task.delay(...) keyword-only, 64a1811 call shape, usuario_id null",
         lambda: t["imagenes"].delay(
             orden_id=42, imagenes_ids=["201", "202"], destinatarios_copia=[],
             mensaje_personalizado="", usuario_id=None)),
        ("sigma_diagnostico_64a1811_empty",
         "enviar_diagnostico_cliente_task.delay(...) 64a1811 shape with empty lists/strings and usuario_id null",
         lambda: t["diagnostico"].delay(
             orden_id=1, folio="F-1", componentes_data=[], imagenes_ids=[],
             destinatarios_copia=[], mensaje_personalizado="", email_empleado="",
             nombre_empleado="", usuario_id=None)),
    ]
    head = [
        ("sigma_rhitso_head",
         "enviar_correo_rhitso_task.delay(...) HEAD call shape with asunto_correo and db_alias",
         lambda: t["rhitso"].delay(
             orden_id=42,
             destinatarios_principales=["laboratorio@rhitso.example.com"],
             copia_empleados=[],
             usuario_id=7,
             asunto_correo="Envío de equipo a RHITSO — Orden OOW-12345",
             db_alias="mexico")),
        ("sigma_diagnostico_head",
         "enviar_diagnostico_cliente_task.delay(...) HEAD call shape with tipo_plantilla and db_alias",
         lambda: t["diagnostico"].delay(
             orden_id=43, folio="DIAG-2025-0001", componentes_data=comps[:2],
             imagenes_ids=["301"], destinatarios_copia=["ventas@sigma.example.com"],
             mensaje_personalizado="", email_empleado="ana.lopez@sigma.example.com",
             nombre_empleado="Ana López", usuario_id=3,
             tipo_plantilla="nivel_componente", db_alias="argentina")),
        ("sigma_imagenes_head",
         "enviar_imagenes_cliente_task.delay(...) HEAD call shape with modelo_ia_inspeccion and db_alias, usuario_id null",
         lambda: t["imagenes"].delay(
             orden_id=44, imagenes_ids=["401", "402", "403"],
             destinatarios_copia=["cliente.copia@example.org"],
             mensaje_personalizado="Fotos de ingreso de su equipo.", usuario_id=None,
             modelo_ia_inspeccion="", db_alias="chile")),
    ]
    return old + head


def capture_messages(cap, app, app_scl, app_v1):
    t = app.capture_tasks
    utc = dt.timezone.utc
    now = dt.datetime.now(utc)

    for name, about, fn in sigma_calls(t):
        cap.send(name, about, fn)
    cap.send("sigma_debug_task", "debug_task.delay() (ignore_result=True task)",
             lambda: t["debug_task"].delay())

    add = t["add"]
    cap.send("add_delay", "add.delay(2, 3)", lambda: add.delay(2, 3))
    cap.send("add_kwargs", "add.delay(x=2, y=3)", lambda: add.delay(x=2, y=3))
    cap.send("add_countdown", "add.apply_async((2, 3), countdown=60)",
             lambda: add.apply_async((2, 3), countdown=60))
    eta = (now + dt.timedelta(hours=1)).replace(microsecond=123456)
    cap.send("add_eta_aware", "add.apply_async((2, 3), eta=<aware UTC datetime now+1h>)",
             lambda: add.apply_async((2, 3), eta=eta))
    cap.send("add_eta_naive", "add.apply_async((2, 3), eta=<naive datetime now+1h>) in a UTC app",
             lambda: add.apply_async((2, 3), eta=eta.replace(tzinfo=None)))
    cap.send("add_expires", "add.apply_async((2, 3), expires=120)",
             lambda: add.apply_async((2, 3), expires=120))
    cap.send("add_expires_datetime",
             "add.apply_async((2, 3), expires=<aware UTC datetime now+2h>)",
             lambda: add.apply_async((2, 3), expires=eta + dt.timedelta(hours=1)))
    for p in (5, 7, 9):
        cap.send(f"add_priority_{p}", f"add.apply_async((2, 3), priority={p})",
                 lambda p=p: add.apply_async((2, 3), priority=p))
    cap.send("add_compression_zlib", "add.apply_async((2, 3), compression='zlib')",
             lambda: add.apply_async((2, 3), compression="zlib"))
    cap.send("add_compression_gzip",
             "add.apply_async((2, 3), compression='gzip') (kombu maps gzip to the same zlib codec)",
             lambda: add.apply_async((2, 3), compression="gzip"))
    cap.send("add_headers_shadow_limits",
             "add.apply_async((2, 3), headers={'x_custom': 'v', 'x-trace': 'ñ'}, "
             "shadow='shadow.name', time_limit=30, soft_time_limit=20)",
             lambda: add.apply_async((2, 3), headers={"x_custom": "v", "x-trace": "ñ"},
                                     shadow="shadow.name", time_limit=30, soft_time_limit=20))
    cap.send("add_link", "add.apply_async((2, 3), link=add.s(10))",
             lambda: add.apply_async((2, 3), link=add.s(10)))
    cap.send("add_link_error", "add.apply_async((2, 3), link_error=onerr.s())",
             lambda: add.apply_async((2, 3), link_error=t["onerr"].s()))
    cap.send("add_link_immutable_and_error",
             "add.apply_async((2, 3), link=[add.si(1, 1), add.s(4)], link_error=onerr.si('x'))",
             lambda: add.apply_async((2, 3), link=[add.si(1, 1), add.s(4)],
                                     link_error=t["onerr"].si("x")))
    cap.send("chain_3", "chain(add.s(1, 2), add.s(3), add.s(4)).apply_async() (first message)",
             lambda: chain(add.s(1, 2), add.s(3), add.s(4)).apply_async())
    cap.send("group_3", "group(add.s(i, i) for i in range(3)).apply_async() (one message per member)",
             lambda: group(add.s(i, i) for i in range(3)).apply_async(), expected=3,
             namer=lambda env: f"group_member_{env['headers']['group_index']}")
    cap.send("chord_3", "chord([add.s(i, i) for i in range(3)], tsum.s()).apply_async() (header messages)",
             lambda: chord([add.s(i, i) for i in range(3)], t["tsum"].s()).apply_async(), expected=3,
             namer=lambda env: f"chord_header_{env['headers']['group_index']}")
    cap.send("send_task_by_name", "app.send_task('capture.add', args=[2, 3])",
             lambda: app.send_task("capture.add", args=[2, 3]))
    cap.send("send_task_sigma_kwargs",
             "app.send_task('servicio_tecnico.enviar_imagenes_cliente', kwargs={...}) by name",
             lambda: app.send_task("servicio_tecnico.enviar_imagenes_cliente", kwargs={
                 "orden_id": 5, "imagenes_ids": ["9"], "destinatarios_copia": [],
                 "mensaje_personalizado": "", "usuario_id": 1}))

    echo = t["echo"]
    scl = dt.timezone(dt.timedelta(hours=-3))
    typed_kwargs = {
        "naive_dt": dt.datetime(2024, 5, 6, 7, 8, 9, 123456),
        "aware_dt": dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=utc),
        "offset_dt": dt.datetime(2024, 5, 6, 7, 8, 9, 500, tzinfo=scl),
        "date": dt.date(2024, 5, 6),
        "time": dt.time(1, 2, 3),
        "time_us": dt.time(23, 59, 59, 999999),
        "decimal": decimal.Decimal("1.10"),
        "decimal_big": decimal.Decimal("-12345678901234567890.000001"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "bytes_utf8": b"hola",
        "bytes_utf8_nonascii": "año".encode("utf-8"),
        "bytes_binary": b"\xff\x00\xfe",
        "nested": [{"when": dt.date(2020, 1, 31)}, [decimal.Decimal("0.5")]],
    }
    cap.send("echo_typed",
             "echo.apply_async(args=[date, Decimal, bytes], kwargs={datetime naive/aware/-03:00, date, time, "
             "Decimal, UUID, bytes utf-8 and not}) -> kombu __type__ markers",
             lambda: echo.apply_async(args=[dt.date(2024, 1, 2), decimal.Decimal("3.14"), b"\x80"],
                                      kwargs=typed_kwargs))
    cap.send("echo_json_text",
             "echo.apply_async(kwargs={non-ASCII, emoji (surrogate pair), control chars, int dict keys, "
             "floats, empty containers})",
             lambda: echo.apply_async(args=["ñandú", "🙂", "tab\there \"quoted\" back\\slash\n", "\u0001\u007f\u2028"],
                                      kwargs={"tamaño_mb": 1.5, "clé": {1: "uno", 2: ["dos"]},
                                              "float_small": 1e-07, "float_big": 1e300,
                                              "neg_zero": -0.0, "neg": -17, "empty_list": [],
                                              "empty_dict": {}, "none": None, "bool": False,
                                              "tuple": (1, "a"), "max_i64": 2**63 - 1}))
    cap.send("echo_json_numbers",
             "echo.apply_async(args=[NaN, Infinity, -Infinity, 2**70, -2**64]) (kombu emits bare NaN/Infinity "
             "and arbitrary-size integers)",
             lambda: echo.apply_async(args=[float("nan"), float("inf"), float("-inf"), 2**70, -2**64],
                                      kwargs={"big": 10**30}))
    cap.send("add_pickle", "add.apply_async((2, 3), serializer='pickle') (must be refused, never unpickled)",
             lambda: add.apply_async((2, 3), serializer="pickle"))

    # second app, timezone America/Santiago
    ts = app_scl.capture_tasks
    cap.send("santiago_add_countdown",
             "add.apply_async((2, 3), countdown=60) in an app with timezone='America/Santiago'",
             lambda: ts["add"].apply_async((2, 3), countdown=60))
    cap.send("santiago_add_expires",
             "add.apply_async((2, 3), expires=120) in an app with timezone='America/Santiago'",
             lambda: ts["add"].apply_async((2, 3), expires=120))
    cap.send("santiago_add_eta_naive",
             "add.apply_async((2, 3), eta=<naive datetime>) in an app with timezone='America/Santiago'",
             lambda: ts["add"].apply_async((2, 3), eta=dt.datetime(2030, 7, 1, 12, 0, 0)))

    # third app, task_protocol=1
    tv = app_v1.capture_tasks
    cap.send("v1_add_delay", "add.delay(2, 3) with task_protocol=1",
             lambda: tv["add"].delay(2, 3))
    cap.send("v1_add_countdown_expires",
             "add.apply_async((2, 3), countdown=60, expires=120) with task_protocol=1",
             lambda: tv["add"].apply_async((2, 3), countdown=60, expires=120))
    cap.send("v1_add_link_kwargs", "add.apply_async(kwargs={'x': 1, 'y': 2}, link=add.s(10)) with task_protocol=1",
             lambda: tv["add"].apply_async(kwargs={"x": 1, "y": 2}, link=tv["add"].s(10)))
    cap.send("v1_sigma_imagenes", "enviar_imagenes_cliente_task.delay(...) keyword-only with task_protocol=1",
             lambda: tv["imagenes"].delay(orden_id=42, imagenes_ids=["1", "2"], destinatarios_copia=[],
                                          mensaje_personalizado="hola", usuario_id=None))


def capture_with_worker(cap, app, port, workdir):
    t = app.capture_tasks
    cap.r0.flushdb()
    cap.r1.flushdb()
    mon = Monitor(port)
    worker, log = start_worker(port, workdir)
    try:
        def retry_push(task_id):
            def pred(item):
                cmd, key, payload = item
                try:
                    h = json.loads(payload)["headers"]
                except Exception:
                    return False
                return h.get("id") == task_id and h.get("retries", 0) >= 1
            return pred

        def save_retry_message(name, about, task_id):
            item = mon.find(retry_push(task_id))
            if item is None:
                raise SystemExit(f"retry republish of {task_id} not seen")
            cmd, key, payload = item
            # cross-check with the worker's reservation of the ETA message
            deadline = time.time() + 20
            held = None
            while time.time() < deadline and held is None:
                for field, value in cap.r0.hgetall("unacked").items():
                    env, exch, rk = json.loads(value)
                    if env["headers"]["id"] == task_id:
                        held = env
                time.sleep(0.1)
            check = "not checked"
            if held is not None:
                same_obj = held == json.loads(payload)
                same_bytes = json.dumps(held).encode() == payload
                check = f"unacked copy equal as JSON: {same_obj}, re-serialized bytes equal: {same_bytes}"
                if not same_obj:
                    raise SystemExit(f"{name}: unacked copy differs from the pushed message")
            cap.save_message(name, about + f"; bytes of the {cmd.decode()} {key.decode()} seen by "
                             f"redis MONITOR ({check})", payload)

        # success
        r = t["add"].delay(2, 3)
        cap.save_result("success_int", "add.delay(2, 3) -> 5", cap.wait_result(r.id, {"SUCCESS"}))
        r = t["report"].delay("ORD-2024-0042")
        cap.save_result("success_dict_non_ascii", "report task returning a dict with non-ASCII keys",
                        cap.wait_result(r.id, {"SUCCESS"}))
        # failures
        r = t["fail_value"].delay("valor inválido")
        cap.save_result("failure_value_error", "task raising ValueError('valor inválido')",
                        cap.wait_result(r.id, {"FAILURE"}))
        r = t["fail_custom"].delay("custom", 42)
        cap.save_result("failure_custom_exception",
                        "task raising CaptureError('custom', 42), a class defined in module capture",
                        cap.wait_result(r.id, {"FAILURE"}))
        r = app.send_task("capture.not_registered", args=[1])
        cap.save_result("failure_not_registered", "send_task('capture.not_registered') -> NotRegistered",
                        cap.wait_result(r.id, {"FAILURE"}))
        r = t["add"].apply_async((1, 1), expires=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30))
        cap.save_result("revoked_expired", "add.apply_async((1, 1), expires=<30 s in the past>) -> REVOKED",
                        cap.wait_result(r.id, {"REVOKED"}))
        # (a hard limit below the soft one never fires in the prefork pool: the
        # hard timer is only armed when the soft one expires)
        r = t["sleep_past_soft"].apply_async((6,), soft_time_limit=1, time_limit=2)
        cap.save_result("failure_time_limit_hard",
                        "task that swallows SoftTimeLimitExceeded, soft_time_limit=1, time_limit=2 (prefork worker)",
                        cap.wait_result(r.id, {"FAILURE"}))
        r = t["sleep"].apply_async((5,), soft_time_limit=1)
        cap.save_result("failure_time_limit_soft", "sleep(5) with soft_time_limit=1 (prefork worker)",
                        cap.wait_result(r.id, {"FAILURE"}))
        r = t["tracked"].delay(3)
        cap.save_result("started", "task with track_started=True, read while it runs (STARTED)",
                        cap.wait_result(r.id, {"STARTED"}))
        cap.wait_result(r.id, {"SUCCESS"})
        # canvas members
        r = chain(t["add"].s(1, 2), t["add"].s(3)).apply_async()
        cap.save_result("success_chain_member", "second step of chain(add.s(1, 2), add.s(3)) (has parent_id)",
                        cap.wait_result(r.id, {"SUCCESS"}))
        cap.save_result("success_chain_first", "first step of chain(add.s(1, 2), add.s(3)) (children holds step 2)",
                        cap.wait_result(r.parent.id, {"SUCCESS"}))
        g = group(t["add"].s(i, i) for i in range(2)).apply_async()
        cap.save_result("success_group_member", "member 1 of group(add.s(i, i) for i in range(2)) (has group_id)",
                        cap.wait_result(g.results[1].id, {"SUCCESS"}))
        c = chord([t["add"].s(i, i) for i in range(3)], t["tsum"].s()).apply_async()
        cap.save_result("success_chord_body", "body of chord([add.s(i, i) for i in range(3)], tsum.s()) -> 6",
                        cap.wait_result(c.id, {"SUCCESS"}))
        r = t["add"].apply_async((2, 3), link=t["add"].s(10))
        cap.save_result("success_with_link", "add.apply_async((2, 3), link=add.s(10)) (children holds the callback)",
                        cap.wait_result(r.id, {"SUCCESS"}))
        # retries
        r = t["retrying"].delay(7, 60)
        cap.save_result("retry", "self.retry(exc=KeyError('missing 7'), countdown=60): RETRY state while the "
                        "retry waits for its ETA", cap.wait_result(r.id, {"RETRY"}))
        save_retry_message("retry_republished", "message republished by self.retry(exc=KeyError(...), countdown=60) "
                           "of capture.retrying (retries=1, same id)", r.id)
        retry_id = r.id
        r = t["imagenes"].delay(orden_id=42, imagenes_ids=["999"], destinatarios_copia=[],
                                mensaje_personalizado="", usuario_id=None)
        cap.save_result("retry_sigma_imagenes", "SIGMA-named task failing and retrying with countdown=60: RETRY state",
                        cap.wait_result(r.id, {"RETRY"}))
        save_retry_message("sigma_imagenes_retry_republished",
                           "enviar_imagenes_cliente republished by self.retry(exc=..., countdown=60) (retries=1)", r.id)
        sigma_retry_id = r.id
        r = t["retry_once"].delay(3)
        cap.save_result("failure_after_retries",
                        "max_retries=1 task after its retry failed again: final FAILURE (parent_id = own id)",
                        cap.wait_result(r.id, {"FAILURE"}, timeout=60))
        retry_ids = {retry_id: "restored_retry_after_warm_shutdown",
                     sigma_retry_id: "sigma_imagenes_restored_after_warm_shutdown"}
        # warm shutdown: the worker puts the ETA messages it holds back in the queue
        stop_worker(worker)
        for key, data in cap.pop_all():
            env = json.loads(data)
            name = retry_ids.pop(env["headers"]["id"], None)
            if name:
                cap.save_message(name, "retry message (ETA pending, held in unacked) put back by the worker's "
                                 "warm shutdown (SIGTERM): kombu adds redelivered=true; bytes as RPUSHed",
                                 data, key=None if key == b"celery" else key.decode("latin-1"))
        if retry_ids:
            raise SystemExit(f"not restored at shutdown: {sorted(retry_ids)}")
    except BaseException:
        with open(log, "rb") as f:
            sys.stderr.write(f.read()[-6000:].decode("utf-8", "replace"))
        raise
    finally:
        mon.close()
        stop_worker(worker)


def merge_manifest(cap):
    data = {"generated_by": "Fixtures/capture.py", "messages": [], "results": []}
    if os.path.exists(MANIFEST):
        with open(MANIFEST, encoding="utf-8") as f:
            old = json.load(f)
        prefix = cap.reldir + "/"
        data["messages"] = [m for m in old.get("messages", []) if not m["file"].startswith(prefix)]
        data["results"] = [m for m in old.get("results", []) if not m["file"].startswith(prefix)]
    data["messages"] += cap.messages
    data["results"] += cap.results
    data["messages"].sort(key=lambda m: m["file"])
    data["results"].sort(key=lambda m: m["file"])
    text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    with open(MANIFEST, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    major_minor = ".".join(celery.__version__.split(".")[:2])
    reldir = f"celery-{major_minor}"
    outdir = os.path.join(HERE, reldir)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    print(f"capturing with celery {celery.__version__} / kombu {kombu.__version__} into {outdir}")
    workdir = tempfile.mkdtemp(prefix="celery-capture-")
    atexit.register(shutil.rmtree, workdir, True)
    atexit.register(_cleanup)
    port = free_port()
    start_redis(port, workdir)
    print(f"redis-server on 127.0.0.1:{port}")

    tmp_out = outdir + ".tmp"
    shutil.rmtree(tmp_out, ignore_errors=True)
    os.makedirs(tmp_out)
    atexit.register(shutil.rmtree, tmp_out, True)  # only left behind by a failed run
    cap = Capture(port, tmp_out, reldir)
    cap.r0.flushall()

    app = make_app(port)
    app_scl = make_app(port, timezone="America/Santiago")
    app_v1 = make_app(port, protocol=1)
    cap.mon = Monitor(port)
    capture_messages(cap, app, app_scl, app_v1)
    cap.mon.close()
    cap.mon = None
    capture_with_worker(cap, app, port, workdir)

    shutil.rmtree(outdir, ignore_errors=True)
    os.rename(tmp_out, outdir)
    merge_manifest(cap)
    print(f"{reldir}: {len(cap.messages)} messages, {len(cap.results)} results")


if __name__ == "__main__":
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
        if not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        atexit._run_exitfuncs()  # stop redis/worker, remove temporary directories
        sys.stdout.flush()
        sys.stderr.flush()
    # skip interpreter teardown: pending AsyncResults would try to unsubscribe
    # from the redis-server that is already stopped
    os._exit(code)
