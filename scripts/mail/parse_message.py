#!/usr/bin/env python3
"""Parses an e-mail file with Python's `email` package (policy.default) and prints JSON.

Used by SigmaMail's tests to check that real mail software reads our messages as intended.
Output: decoded headers, defects, and for every leaf part its content type, charset,
Content-ID, disposition, file name, transfer encoding and the decoded payload (base64).
"""
import base64
import email
import email.policy
import json
import sys


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    defects = [type(d).__name__ for d in message.defects]
    for part in message.walk():
        defects += [type(d).__name__ for d in part.defects]
        if part.is_multipart():
            continue
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "content_id": part.get("Content-ID"),
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "payload": base64.b64encode(part.get_payload(decode=True)).decode("ascii"),
        })
    out = {
        "subject": message["Subject"],
        "from": message["From"],
        "from_addresses": [a.addr_spec for a in message["From"].addresses] if message["From"] else [],
        "from_names": [a.display_name for a in message["From"].addresses] if message["From"] else [],
        "to": message["To"],
        "to_addresses": [a.addr_spec for a in message["To"].addresses] if message["To"] else [],
        "cc": message["Cc"],
        "cc_addresses": [a.addr_spec for a in message["Cc"].addresses] if message["Cc"] else [],
        "date": message["Date"],
        "date_utc": message["Date"].datetime.isoformat() if message["Date"] else None,
        "message_id": message["Message-ID"],
        "mime_version": message["MIME-Version"],
        "content_type": message.get_content_type(),
        "defects": defects,
        "parts": parts,
    }
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
