#!/usr/bin/env python3
"""Publishes periodic tasks as Python's beat does, for the beat tests.

  python_beat_send.py (--sqlite PATH | --postgres CONNINFO) --broker URL --timezone ZONE NAME...

Loads django-celery-beat's DatabaseScheduler on the database and, for each named periodic task,
runs Scheduler.apply_async on its entry (the call beat's tick makes when an entry is due), so
the message lands in the broker exactly as `celery beat` would send it.
Run with .venv/django-5.2 (Django 5.2, django-celery-beat 2.9, Celery 5.7).
"""
import argparse
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
    parser.add_argument("--broker", required=True)
    parser.add_argument("--timezone", default="UTC")
    parser.add_argument("names", nargs="+")
    args = parser.parse_args()
    settings.configure(
        INSTALLED_APPS=["django_celery_beat"], DATABASES={"default": database(args)}, USE_TZ=True,
        TIME_ZONE="UTC", DEFAULT_AUTO_FIELD="django.db.models.AutoField")
    django.setup()
    from celery import Celery
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    app = Celery("sigma_beat_test", broker=args.broker, set_as_current=True)
    app.conf.timezone = args.timezone
    app.conf.result_expires = None  # no celery.backend_cleanup row
    scheduler = DatabaseScheduler(app=app)
    with app.producer_or_acquire() as producer:
        for name in args.names:
            # The entry as the scheduler builds it (its own load leaves out crontab rows far from
            # the current hour until they come near).
            entry = scheduler.Entry(PeriodicTask.objects.get(name=name), app=app)
            scheduler.apply_async(entry, producer=producer)


if __name__ == "__main__":
    main()
