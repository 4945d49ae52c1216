#!/usr/bin/env python3
"""Builds e-mails with Django 5.2's EmailMessage, the way SIGMA's tasks do, and prints the bytes
its SMTP backend would send (``message().as_bytes(linesep="\\r\\n")``).

Input (a JSON file): a list of messages, each
  {"subject", "body", "from", "to": [...], "cc": [...],
   "parts": [{"filename", "mimetype", "data_base64", "content_id": optional}]}
A part with a content_id is built as SIGMA builds its inline logo and icons (MIMEImage with
Content-ID and an inline Content-Disposition); the others go through EmailMessage.attach.
Output (stdout): a JSON list with each message's bytes, base64-encoded.

Run with the Django environment: .venv/django-5.2/bin/python scripts/mail/django_message.py FILE
"""
import base64
import json
import sys

import django
from django.conf import settings

settings.configure(DEFAULT_CHARSET="utf-8", EMAIL_USE_LOCALTIME=False)
django.setup()

from email.mime.base import MIMEBase  # noqa: E402
from email import encoders  # noqa: E402

from django.core.mail import EmailMessage  # noqa: E402


def build(spec):
    message = EmailMessage(
        subject=spec["subject"],
        body=spec["body"],
        from_email=spec["from"],
        to=spec["to"],
        cc=spec["cc"] or None,
    )
    message.content_subtype = "html"
    for part in spec.get("parts", []):
        data = base64.b64decode(part["data_base64"])
        if part.get("content_id"):
            maintype, subtype = part["mimetype"].split("/", 1)
            inline = MIMEBase(maintype, subtype)
            inline.set_payload(data)
            encoders.encode_base64(inline)
            inline.add_header("Content-ID", "<%s>" % part["content_id"])
            inline.add_header("Content-Disposition", "inline", filename=part["filename"])
            message.attach(inline)
        else:
            message.attach(part["filename"], data, part["mimetype"])
    return message.message().as_bytes(linesep="\r\n")


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        specs = json.load(handle)
    json.dump([base64.b64encode(build(spec)).decode("ascii") for spec in specs], sys.stdout)


if __name__ == "__main__":
    main()
