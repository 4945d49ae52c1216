#!/usr/bin/env python3
"""A real run of Python's `celery beat` and `sigma-worker beat` on the same rows, side by side.

  compare_beat_run.py --worker PATH --redis redis://HOST:PORT (--sqlite | --postgres CONNINFO)
                      [--min-seconds 24] [--keep]

Creates django-celery-beat's tables with Django's migrations, the periodic tasks through the
ORM (intervals, a crontab every minute in America/Mexico_City, a clocked one-off, an interval
one-off, a start_time, an expiring row, a row with bad arguments, routing options), and copies
the database (a file copy for SQLite, CREATE DATABASE … TEMPLATE for PostgreSQL), so each beat
has identical rows. Then it starts `celery beat -S django_celery_beat.schedulers:DatabaseScheduler`
(Celery 5.7, django-celery-beat 2.9) on one copy and Redis db 10, and `sigma-worker beat` on the
other and Redis db 12, at the same moment; runs until a minute boundary has passed (so the
crontab fires) and at least --min-seconds; stops both with SIGTERM; and compares:

  * per periodic task, the messages sent: the same count, and the same envelope once the values
    that are random per message (ids, reply_to, delivery tag, origin) are set aside;
  * the run times: each row has expire_seconds, so every message's `expires` is its send time
    plus a known number; the i-th send of each row agrees within --tolerance seconds;
  * the rows after the run: enabled, one_off, total_run_count, and last_run_at within the
    tolerance.

Prints what it compared and exits 1 on any difference. Run with .venv/django-5.2.
"""
import argparse
import base64
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable


def default_signals():
    """In the child: SIGTERM and SIGINT as a shell would hand them over (a test runner may
    start us with them blocked or ignored, which a child inherits)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, signal.SIG_DFL)


def redis_command(url, *args):
    out = subprocess.run(["redis-cli", "-u", url, *args], capture_output=True, text=True, timeout=20)
    return out.stdout


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat()


def rows_spec(t0):
    """The periodic tasks, with last_run_at at t0 so both beats count from the same instant."""
    every = lambda seconds: {"every": seconds, "period": "seconds"}  # noqa: E731
    last = iso(t0)
    return [
        {"name": "cada-2s", "task": "servicio_tecnico.pulso", "interval": every(2), "args": [1, "dos"],
         "kwargs": {"orden": 7, "texto": "ñandú"}, "headers": {"origen": "admin"}, "expire_seconds": 300,
         "last_run_at": last},
        {"name": "cada-3s-cola", "task": "servicio_tecnico.reporte", "interval": every(3), "queue": "beatq",
         "priority": 5, "expire_seconds": 301, "last_run_at": last},
        {"name": "cada-5s-ruta", "task": "servicio_tecnico.ruta", "interval": every(5), "exchange": "beatx",
         "routing_key": "beat.ruta", "expire_seconds": 302, "last_run_at": last},
        {"name": "cada-minuto", "task": "servicio_tecnico.minuto",
         "crontab": {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*",
                     "month_of_year": "*", "timezone": "America/Mexico_City"},
         "expire_seconds": 303, "last_run_at": last},
        {"name": "una-vez", "task": "servicio_tecnico.una", "interval": every(4), "one_off": True,
         "expire_seconds": 304, "last_run_at": last},
        {"name": "reloj", "task": "servicio_tecnico.reloj", "clocked": iso(t0 + 5), "one_off": True,
         "expire_seconds": 305},
        {"name": "desde-t0-mas-6", "task": "servicio_tecnico.inicio", "interval": every(3),
         "start_time": iso(t0 + 6), "expire_seconds": 306},
        {"name": "vence", "task": "servicio_tecnico.vence", "interval": every(2), "expires": iso(t0 + 7.5),
         "last_run_at": last},
        {"name": "args-malos", "task": "servicio_tecnico.malo", "interval": every(2), "args": "[1, ",
         "expire_seconds": 307, "last_run_at": last},
        {"name": "apagada", "task": "servicio_tecnico.apagada", "interval": every(2), "enabled": False,
         "expire_seconds": 308, "last_run_at": last},
    ]


EXPIRE_SECONDS = {"cada-2s": 300, "cada-3s-cola": 301, "cada-5s-ruta": 302, "cada-minuto": 303, "una-vez": 304,
                  "reloj": 305, "desde-t0-mas-6": 306, "args-malos": 307, "apagada": 308}


# django-celery-beat waits for a start_time in whole seconds (math.ceil) from the moment the
# scheduler loaded the row, so two beats that loaded it at different fractions of a second
# send its first run (and so each later run) up to a second apart.
EXTRA_TOLERANCE = {"desde-t0-mas-6": 1.0}
# An interval counts from the send time, so each beat's loop latency adds up run after run; on a
# loaded machine Python's loop is the slower. Each later run may drift this much more.
DRIFT_PER_RUN = 0.05
INTERVALS = {"cada-2s": 2, "cada-3s-cola": 3, "cada-5s-ruta": 5, "desde-t0-mas-6": 3, "vence": 2}


class Database:
    def __init__(self, args, scratch):
        self.args = args
        self.scratch = scratch
        self.names = []

    def flags(self, which):
        if self.args.sqlite:
            # sigma-worker opens BASE_DIR/db.sqlite3, as SIGMA's settings do.
            return ["--sqlite", os.path.join(self.scratch, which, "db.sqlite3")]
        fields = dict(item.split("=", 1) for item in self.args.postgres.split())
        fields["dbname"] = self.db_name(which)
        return ["--postgres", " ".join(f"{k}={v}" for k, v in fields.items())]

    def db_name(self, which):
        return f"beatrun_{self.tag}_{which}"

    def psql(self, sql):
        fields = dict(item.split("=", 1) for item in self.args.postgres.split())
        env = dict(os.environ, PGPASSWORD=fields.get("password", ""))
        subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", "-h", fields.get("host", "127.0.0.1"), "-p",
                        fields.get("port", "5432"), "-U", fields.get("user", "postgres"), "-d",
                        fields.get("dbname", "postgres"), "-c", sql], check=True, env=env, capture_output=True)

    def migrate(self):
        self.tag = uuid.uuid4().hex[:8]
        for which in ("py", "ours"):
            os.makedirs(os.path.join(self.scratch, which), exist_ok=True)
        if self.args.postgres:
            self.psql(f"CREATE DATABASE {self.db_name('py')}")
            self.names.append(self.db_name("py"))
        django_beat([*self.flags("py"), "migrate"])

    def fill(self, spec_path):
        django_beat([*self.flags("py"), "create", spec_path])
        if self.args.sqlite:
            shutil.copyfile(self.flags("py")[1], self.flags("ours")[1])
        else:
            self.psql(f"CREATE DATABASE {self.db_name('ours')} TEMPLATE {self.db_name('py')}")
            self.names.append(self.db_name("ours"))

    def env_lines(self):
        if self.args.sqlite:
            return ["DB_ENGINE=django.db.backends.sqlite3"]
        fields = dict(item.split("=", 1) for item in self.args.postgres.split())
        return ["DB_ENGINE=django.db.backends.postgresql", f"DB_NAME={self.db_name('ours')}",
                f"DB_USER={fields.get('user', '')}", f"DB_PASSWORD={fields.get('password', '')}",
                f"DB_HOST={fields.get('host', '')}", f"DB_PORT={fields.get('port', '')}"]

    def drop(self):
        for name in self.names:
            try:
                self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except subprocess.CalledProcessError:
                pass


def django_beat(arguments):
    out = subprocess.run([PYTHON, os.path.join(HERE, "django_beat.py"), *arguments], capture_output=True,
                         text=True, timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"django_beat.py {arguments[-1]} failed: {out.stderr}")
    return out.stdout


PYTHON_APP = """
import os, sys
sys.path.insert(0, {here!r})
import django
from django.conf import settings
from django_beat import database

class Flags:
    sqlite = {sqlite!r}
    postgres = {postgres!r}

settings.configure(INSTALLED_APPS=["django_celery_beat"], DATABASES={{"default": database(Flags)}}, USE_TZ=True,
                   TIME_ZONE="UTC", DEFAULT_AUTO_FIELD="django.db.models.AutoField")
django.setup()
from celery import Celery
app = Celery("sigma_beat_run", broker={broker!r})
app.conf.timezone = "UTC"
app.conf.result_expires = None
"""


def messages(url):
    """Every message in every list of the database, with the list it is in."""
    found = []
    for key in redis_command(url, "--scan").split():
        if redis_command(url, "TYPE", key).strip() != "list":
            continue
        for line in redis_command(url, "LRANGE", key, "0", "-1").splitlines():
            if line.strip():
                found.append((key, json.loads(line)))
    return found


def normalized(queue, envelope):
    """The envelope with what is random per message or per process set aside."""
    headers = dict(envelope["headers"])
    for key in ("id", "root_id", "origin", "expires"):
        headers.pop(key, None)
    properties = dict(envelope["properties"])
    for key in ("correlation_id", "reply_to", "delivery_tag"):
        properties.pop(key, None)
    if headers.get("periodic_task_name") == "vence":
        # The row's own `expires`: the expiration is what is left of it at the send, which is
        # compared as the send time.
        properties.pop("expiration", None)
    body = json.loads(base64.b64decode(envelope["body"]))
    return {"queue": queue, "headers": headers, "properties": properties, "body": body,
            "content-type": envelope.get("content-type"), "content-encoding": envelope.get("content-encoding")}


def send_time(envelope):
    name = envelope["headers"].get("periodic_task_name")
    expires = envelope["headers"].get("expires")
    if name == "vence" and expires and envelope["properties"].get("expiration"):
        return datetime.datetime.fromisoformat(expires).timestamp() - float(envelope["properties"]["expiration"]) / 1000
    if name not in EXPIRE_SECONDS or not expires:
        return None
    return datetime.datetime.fromisoformat(expires).timestamp() - EXPIRE_SECONDS[name]


def by_name(found):
    grouped = {}
    for queue, envelope in found:
        name = envelope["headers"].get("periodic_task_name", "?")
        grouped.setdefault(name, []).append((send_time(envelope), normalized(queue, envelope)))
    for name in grouped:
        grouped[name].sort(key=lambda item: item[0] or 0)
    return grouped


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True)
    parser.add_argument("--redis", required=True, help="redis://host:port (dbs 10 and 12 are flushed)")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--postgres", help="libpq conninfo of a database to connect to for CREATE DATABASE")
    parser.add_argument("--min-seconds", type=float, default=24)
    parser.add_argument("--tolerance", type=float, default=0.5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if not args.sqlite and not args.postgres:
        parser.error("--sqlite or --postgres")
    scratch = tempfile.mkdtemp(prefix="sigma-beat-run-")
    database = Database(args, scratch)
    broker_py, broker_ours = args.redis + "/10", args.redis + "/12"
    for url in (broker_py, broker_ours):
        redis_command(url, "FLUSHDB")
        # The exchange of cada-5s-ruta, bound as a worker consuming from it declares it.
        redis_command(url, "SADD", "_kombu.binding.beatx", "beat.ruta\x06\x16\x06\x16beatr")
    processes = []
    failures = []
    try:
        database.migrate()
        # Both beats are up well before the first due time.
        t0 = time.time() + 5
        spec_path = os.path.join(scratch, "spec.json")
        with open(spec_path, "w", encoding="utf-8") as handle:
            json.dump(rows_spec(t0), handle)
        database.fill(spec_path)
        flags = database.flags("py")
        with open(os.path.join(scratch, "beat_run_app.py"), "w", encoding="utf-8") as handle:
            handle.write(PYTHON_APP.format(
                here=HERE, broker=broker_py, sqlite=flags[1] if args.sqlite else None,
                postgres=None if args.sqlite else flags[1]))
        our_folder = os.path.join(scratch, "ours")
        with open(os.path.join(our_folder, ".env"), "w", encoding="utf-8") as handle:
            handle.write("\n".join([f"SIGMA_BASE_DIR={our_folder}", *database.env_lines(),
                                    f"CELERY_BROKER_URL={broker_ours}", "CELERY_TIMEZONE=UTC",
                                    "CELERY_RESULT_EXPIRES=0", ""]))
        python_log = open(os.path.join(scratch, "python-beat.log"), "w", encoding="utf-8")
        processes.append(subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "beat_run_app", "beat", "-S",
             "django_celery_beat.schedulers:DatabaseScheduler", "-l", "info",
             "-s", os.path.join(scratch, "unused-schedule")],
            cwd=scratch, stdout=python_log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONPATH=scratch),
            preexec_fn=default_signals))
        processes.append(subprocess.Popen(
            [os.path.abspath(args.worker), "beat", "-l", "info", "-n", "beat-run@sigma", "--env-file", os.path.join(our_folder, ".env"),
             "-f", os.path.join(scratch, "sigma-beat.log")], cwd=scratch, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=default_signals))
        # Until a minute boundary has passed (the crontab row) and at least --min-seconds.
        boundary = (int(t0) // 60 + 1) * 60
        stop_at = max(t0 + args.min_seconds, boundary + 4)
        while time.time() < stop_at:
            for process in processes:
                if process.poll() is not None:
                    raise SystemExit(f"a beat exited early ({process.args[0]}, status {process.returncode}); "
                                     f"logs in {scratch}")
            time.sleep(0.2)
        stopped = time.time()
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        python_log.close()

        window = stopped - 1.0
        sent = {"python": by_name(messages(broker_py)), "ours": by_name(messages(broker_ours))}
        names = sorted(set(sent["python"]) | set(sent["ours"]))
        print(f"beat real run ({'sqlite' if args.sqlite else 'postgresql'}): {stopped - t0:.1f} s after t0, "
              f"{sum(len(v) for v in sent['python'].values())} messages from Python's beat, "
              f"{sum(len(v) for v in sent['ours'].values())} from sigma-worker's")
        worst = 0.0
        for name in names:
            py = [item for item in sent["python"].get(name, []) if item[0] is None or item[0] < window]
            ours = [item for item in sent["ours"].get(name, []) if item[0] is None or item[0] < window]
            allowance = args.tolerance + EXTRA_TOLERANCE.get(name, 0) + DRIFT_PER_RUN * max(len(py), len(ours))
            if abs(len(py) - len(ours)) == 1:
                # The window ended between the two beats' last runs.
                longer = py if len(py) > len(ours) else ours
                if longer[-1][0] is not None and longer[-1][0] > window - allowance:
                    longer.pop()
            if len(py) != len(ours):
                failures.append(f"{name}: Python sent {len(py)}, sigma-worker {len(ours)}")
                continue
            for label, sends in (("Python", py), ("sigma-worker", ours)):
                times_sent = [item[0] for item in sends if item[0] is not None]
                for earlier, later in zip(times_sent, times_sent[1:]):
                    if name in INTERVALS and later - earlier < INTERVALS[name] - 0.011:
                        failures.append(f"{name}: {label} sent two runs {later - earlier:.3f} s apart")
            for index, ((py_time, py_message), (our_time, our_message)) in enumerate(zip(py, ours)):
                if py_message != our_message:
                    failures.append(f"{name} #{index}: envelopes differ\n  python: {json.dumps(py_message)}\n"
                                    f"  ours:   {json.dumps(our_message)}")
                if py_time is not None and our_time is not None:
                    worst = max(worst, abs(py_time - our_time))
                    if abs(py_time - our_time) > (args.tolerance + EXTRA_TOLERANCE.get(name, 0)
                                                  + DRIFT_PER_RUN * index):
                        failures.append(f"{name} #{index}: sent at t0{py_time - t0:+.3f} s by Python, "
                                        f"t0{our_time - t0:+.3f} s by sigma-worker")
            times = " ".join(f"{item[0] - t0:+.2f}" for item in py if item[0] is not None)
            print(f"  {name}: {len(py)} sends" + (f" at t0 {times} s" if times else ""))
        print(f"  largest difference in send time: {worst:.3f} s (tolerance {args.tolerance} s, "
              f"plus {DRIFT_PER_RUN} s per earlier run of the row)")

        rows = {which: {row["name"]: row for row in json.loads(django_beat([*database.flags(which), "dump"]))["tasks"]}
                for which in ("py", "ours")}
        for name, py_row in rows["py"].items():
            our_row = rows["ours"].get(name)
            if our_row is None:
                failures.append(f"row {name} missing after sigma-worker's run")
                continue
            py_last, our_last = py_row["last_run_at"], our_row["last_run_at"]
            # A run in the last moments before the stop may have reached one beat and not the other.
            drift = DRIFT_PER_RUN * max(py_row["total_run_count"], our_row["total_run_count"])
            latest = max((datetime.datetime.fromisoformat(value).timestamp() for value in (py_last, our_last)
                          if value), default=0)
            recent = latest > window - args.tolerance - EXTRA_TOLERANCE.get(name, 0) - drift
            if recent and abs(py_row["total_run_count"] - our_row["total_run_count"]) == 1:
                continue
            for field in ("enabled", "one_off", "total_run_count", "args", "kwargs"):
                if py_row[field] != our_row[field]:
                    failures.append(f"row {name}: {field} {py_row[field]!r} after Python, {our_row[field]!r} after ours")
            if (py_last is None) != (our_last is None):
                failures.append(f"row {name}: last_run_at {py_last} after Python, {our_last} after ours")
            elif py_last is not None:
                gap = abs(datetime.datetime.fromisoformat(py_last).timestamp()
                          - datetime.datetime.fromisoformat(our_last).timestamp())
                if gap > args.tolerance + EXTRA_TOLERANCE.get(name, 0) + drift:
                    failures.append(f"row {name}: last_run_at {py_last} after Python, {our_last} after ours")
        print(f"  rows compared after the run: {len(rows['py'])} (enabled, one_off, total_run_count, last_run_at)")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        if args.postgres:
            database.drop()
        if not args.keep and not failures:
            shutil.rmtree(scratch, ignore_errors=True)
    for failure in failures:
        print("DIFFERENCE " + failure)
    if failures:
        print(f"logs and databases kept in {scratch}")
        return 1
    print("same messages, same run times, same rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
