#!/usr/bin/env python3
"""Runs django-celery-beat's DatabaseScheduler start-up (setup_schedule) on a database.

  python_beat_setup.py (--sqlite PATH | --postgres CONNINFO) --timezone ZONE --schedule JSON

JSON is CELERY_BEAT_SCHEDULE as sigma-worker reads it: {"name": {"task", "schedule": seconds or
{"crontab": {fields}}, "args", "kwargs", "options"}}; it becomes app.conf.beat_schedule with
timedelta and crontab objects, as a settings.py would hold it.
Run with .venv/django-5.2.
"""
import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

from django_beat import database  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite")
    parser.add_argument("--postgres")
    parser.add_argument("--timezone", default="UTC")
    parser.add_argument("--schedule", default="{}")
    args = parser.parse_args()
    settings.configure(
        INSTALLED_APPS=["django_celery_beat"], DATABASES={"default": database(args)}, USE_TZ=True,
        TIME_ZONE="UTC", DEFAULT_AUTO_FIELD="django.db.models.AutoField")
    django.setup()
    from celery import Celery
    from celery.schedules import crontab
    from django_celery_beat.schedulers import DatabaseScheduler

    app = Celery("sigma_beat_test", broker="memory://", set_as_current=True)
    app.conf.timezone = args.timezone
    schedule = {}
    for name, entry in json.loads(args.schedule).items():
        entry = dict(entry)
        if isinstance(entry["schedule"], dict):
            entry["schedule"] = crontab(**entry["schedule"]["crontab"])
        else:
            entry["schedule"] = datetime.timedelta(seconds=entry["schedule"])
        schedule[name] = entry
    app.conf.beat_schedule = schedule
    DatabaseScheduler(app=app)


if __name__ == "__main__":
    main()
