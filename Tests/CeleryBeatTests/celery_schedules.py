#!/usr/bin/env python3
"""Celery's own schedule classes on the cases of CeleryBeatTests (a JSON list on argv[1]).

Each case: {"kind": "crontab", "fields": [minute, hour, day_of_week, day_of_month,
month_of_year], "zone": IANA key, "last": µs since the epoch, "now": µs}
or {"kind": "interval", "every": µs, "last": µs, "now": µs}
or {"kind": "solar", "event": name, "lat": degrees, "lon": degrees, "last": µs, "now": µs}.
Prints, per case, {"due", "next", "remaining"} (seconds) or {"error": "<Type>: <message>"}.
"""
import json
import sys
from datetime import datetime, timedelta, timezone

from celery import Celery
from celery.schedules import crontab, schedule, solar

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
apps = {}


def app_for(zone):
    if zone not in apps:
        app = Celery(set_as_current=False)
        app.conf.timezone = zone
        app.conf.enable_utc = True
        apps[zone] = app
    return apps[zone]


def instant(us):
    return EPOCH + timedelta(microseconds=us)


def run(case):
    now = instant(case["now"])
    last = instant(case["last"])
    if case["kind"] == "solar":
        entry = solar(case["event"], case["lat"], case["lon"], app=app_for("UTC"), nowfun=lambda: now)
    elif case["kind"] == "interval":
        entry = schedule(timedelta(microseconds=case["every"]), app=app_for("UTC"), nowfun=lambda: now)
    else:
        minute, hour, day_of_week, day_of_month, month_of_year = case["fields"]
        app = app_for(case["zone"])
        entry = crontab(minute, hour, day_of_week, day_of_month, month_of_year, app=app,
                        nowfun=lambda: now.astimezone(app.timezone))
        if case.get("deadline") is not None:
            app.conf.beat_cron_starting_deadline = case["deadline"]
        else:
            app.conf.beat_cron_starting_deadline = None
    state = entry.is_due(last)
    return {"due": bool(state.is_due), "next": state.next,
            "remaining": entry.remaining_estimate(last).total_seconds()}


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)
    out = []
    for case in cases:
        try:
            out.append(run(case))
        except Exception as error:  # the message is what is compared
            out.append({"error": f"{type(error).__name__}: {error}"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
