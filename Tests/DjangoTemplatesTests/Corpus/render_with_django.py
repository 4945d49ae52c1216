"""Renders the differential corpus with real Django (5.2.x) and prints the outputs as JSON.

Usage: python render_with_django.py cases.json > expected.json
Each case: {"name", "template", "context", "settings": {"TIME_ZONE", "LANGUAGE_CODE"}}, and
optionally "templates" (name -> source, for include/extends, Django's locmem loader) and "now"
(an ISO date-time `{% now %}` shows: the clock is frozen there).
Context values are JSON, with typed markers: {"__type__": "datetime", "iso": "..."} (aware when
the text has an offset), {"__type__": "date", "iso": "YYYY-MM-DD"}, {"__type__": "safe",
"value": "..."}, {"__type__": "float", "value": 1}.
"""
import datetime
import json
import sys

import django
from django.conf import settings

settings.configure(
    USE_TZ=True, TIME_ZONE="UTC", LANGUAGE_CODE="es-mx", USE_I18N=True, STATIC_URL="/static/",
    INSTALLED_APPS=["django.contrib.staticfiles"],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
)
django.setup()

from django.template import Context, Engine, defaulttags  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        kind = value.get("__type__")
        if kind == "datetime":
            return datetime.datetime.fromisoformat(value["iso"])
        if kind == "date":
            return datetime.date.fromisoformat(value["iso"])
        if kind == "safe":
            return mark_safe(value["value"])
        if kind == "float":
            return float(value["value"])
        return {k: decode(v) for k, v in value.items()}
    return value


class FrozenClock(datetime.datetime):
    frozen = None

    @classmethod
    def now(cls, tz=None):
        return cls.frozen.astimezone(tz) if tz else cls.frozen.replace(tzinfo=None)


def main():
    cases = json.load(open(sys.argv[1], encoding="utf-8"))
    defaulttags.datetime = FrozenClock
    out = {}
    for case in cases:
        options = case.get("settings", {})
        engine = Engine(
            loaders=[("django.template.loaders.locmem.Loader", case.get("templates", {}))],
            libraries={"static": "django.templatetags.static"})
        FrozenClock.frozen = datetime.datetime.fromisoformat(case.get("now", "2026-03-05T14:07:09+00:00"))
        with translation.override(options.get("LANGUAGE_CODE", "es-mx")), \
                timezone.override(options.get("TIME_ZONE", "UTC")):
            try:
                template = engine.from_string(case["template"])
                out[case["name"]] = {"output": template.render(Context(decode(case.get("context", {}))))}
            except Exception as error:  # noqa: BLE001 - the kind of failure is what we compare
                out[case["name"]] = {"error": f"{type(error).__name__}: {error}"}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)


main()
