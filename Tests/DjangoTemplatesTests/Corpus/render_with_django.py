"""Renders the differential corpus with real Django (5.2.x) and prints the outputs as JSON.

Usage: python render_with_django.py cases.json > expected.json
Each case: {"name", "template", "context", "settings": {"TIME_ZONE", "LANGUAGE_CODE"}}.
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

from django.template import engines  # noqa: E402
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


def main():
    cases = json.load(open(sys.argv[1], encoding="utf-8"))
    engine = engines["django"]
    out = {}
    for case in cases:
        options = case.get("settings", {})
        with translation.override(options.get("LANGUAGE_CODE", "es-mx")), \
                timezone.override(options.get("TIME_ZONE", "UTC")):
            try:
                template = engine.from_string(case["template"])
                out[case["name"]] = {"output": template.render(decode(case.get("context", {})))}
            except Exception as error:  # noqa: BLE001 - the kind of failure is what we compare
                out[case["name"]] = {"error": f"{type(error).__name__}: {error}"}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)


main()
