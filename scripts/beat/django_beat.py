#!/usr/bin/env python3
"""django-celery-beat's tables through Django itself, for the beat tests.

  django_beat.py (--sqlite PATH | --postgres CONNINFO) migrate
      creates the tables with Django's own migrations;
  django_beat.py (--sqlite PATH | --postgres CONNINFO) create SPEC.json
      creates schedules and periodic tasks through the ORM, as the admin does (signals bump the
      PeriodicTasks change marker); SPEC is a list of
      {"name", "task", one of "interval": {"every", "period"}, "crontab": {"minute", "hour",
       "day_of_week", "day_of_month", "month_of_year", "timezone"}, "clocked": "ISO time",
       and optionally "args", "kwargs", "queue", "exchange", "routing_key", "headers",
       "priority", "expires", "expire_seconds", "one_off", "start_time", "enabled", "last_run_at"};
  django_beat.py (--sqlite PATH | --postgres CONNINFO) dump
      prints every periodic task row and the change marker as JSON.

Run with .venv/django-5.2 (Django 5.2, django-celery-beat 2.9).
"""
import argparse
import datetime
import json
import sys

import django
from django.conf import settings


def database(args):
    if args.sqlite:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": args.sqlite}
    fields = dict(item.split("=", 1) for item in args.postgres.split())
    return {
        "ENGINE": "django.db.backends.postgresql", "NAME": fields["dbname"], "USER": fields.get("user", ""),
        "PASSWORD": fields.get("password", ""), "HOST": fields.get("host", ""), "PORT": fields.get("port", ""),
    }


def aware(text):
    if text is None:
        return None
    value = datetime.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value


def iso(value):
    return None if value is None else value.astimezone(datetime.timezone.utc).isoformat()


def create(spec_path):
    from django_celery_beat.models import (
        ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask)

    with open(spec_path, encoding="utf-8") as handle:
        specs = json.load(handle)
    for spec in specs:
        fields = {
            "name": spec["name"], "task": spec["task"],
            "args": json.dumps(spec.get("args", [])) if not isinstance(spec.get("args"), str) else spec["args"],
            "kwargs": json.dumps(spec.get("kwargs", {})) if not isinstance(spec.get("kwargs"), str) else spec["kwargs"],
            "queue": spec.get("queue"), "exchange": spec.get("exchange"), "routing_key": spec.get("routing_key"),
            "headers": json.dumps(spec.get("headers", {})), "priority": spec.get("priority"),
            "expires": aware(spec.get("expires")), "expire_seconds": spec.get("expire_seconds"),
            "one_off": spec.get("one_off", False), "start_time": aware(spec.get("start_time")),
            "enabled": spec.get("enabled", True), "last_run_at": aware(spec.get("last_run_at")),
        }
        if "interval" in spec:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(**spec["interval"])
        elif "crontab" in spec:
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(**spec["crontab"])
        elif "clocked" in spec:
            fields["clocked"], _ = ClockedSchedule.objects.get_or_create(clocked_time=aware(spec["clocked"]))
        PeriodicTask.objects.create(**fields)


def dump():
    from django_celery_beat.models import PeriodicTask, PeriodicTasks

    rows = []
    for task in PeriodicTask.objects.order_by("id"):
        rows.append({
            "id": task.id, "name": task.name, "task": task.task, "enabled": task.enabled,
            "one_off": task.one_off, "total_run_count": task.total_run_count,
            "last_run_at": iso(task.last_run_at), "date_changed": iso(task.date_changed),
            "interval_id": task.interval_id, "crontab_id": task.crontab_id, "clocked_id": task.clocked_id,
            "args": task.args, "kwargs": task.kwargs, "queue": task.queue, "exchange": task.exchange,
            "routing_key": task.routing_key, "priority": task.priority, "headers": task.headers,
            "expire_seconds": task.expire_seconds, "expires": iso(task.expires), "start_time": iso(task.start_time),
            "description": task.description,
            "interval": [task.interval.every, task.interval.period] if task.interval else None,
            "crontab": [task.crontab.minute, task.crontab.hour, task.crontab.day_of_week,
                        task.crontab.day_of_month, task.crontab.month_of_year,
                        str(task.crontab.timezone)] if task.crontab else None,
        })
    marker = PeriodicTasks.objects.filter(ident=1).first()
    json.dump({"tasks": rows, "last_update": iso(marker.last_update) if marker else None}, sys.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite")
    parser.add_argument("--postgres")
    parser.add_argument("command", choices=["migrate", "create", "dump"])
    parser.add_argument("spec", nargs="?")
    args = parser.parse_args()
    settings.configure(
        INSTALLED_APPS=["django_celery_beat"], DATABASES={"default": database(args)}, USE_TZ=True,
        TIME_ZONE="UTC", DEFAULT_AUTO_FIELD="django.db.models.AutoField")
    django.setup()
    if args.command == "migrate":
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
    elif args.command == "create":
        create(args.spec)
    else:
        dump()


if __name__ == "__main__":
    main()
