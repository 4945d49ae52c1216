"""Plants result documents in Redis and reads them back with the real Celery client.

Usage: python read_results.py <backend redis url> <input.json>
input.json: [{"task_id": str, "meta_b64": base64 of the exact bytes to store}, ...]
Prints one JSON list: per record the state, readiness, what get() returned or raised,
and date_done as Celery parsed it. Deletes the keys it planted.
"""
import base64
import json
import sys

import celery
import redis
from celery import Celery


def jsonable(value):
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


def main():
    backend, path = sys.argv[1], sys.argv[2]
    app = Celery("interop", broker="memory://", backend=backend)
    app.conf.update(result_serializer="json", accept_content=["json"], result_accept_content=["json"])
    client = redis.Redis.from_url(backend)
    out = []
    with open(path) as handle:
        items = json.load(handle)
    for item in items:
        key = "celery-task-meta-" + item["task_id"]
        client.set(key, base64.b64decode(item["meta_b64"]))
        result = app.AsyncResult(item["task_id"])
        entry = {"task_id": item["task_id"], "celery": celery.__version__, "state": result.state,
                 "ready": result.ready()}
        if result.ready():
            try:
                entry["value"] = jsonable(result.get(timeout=5, propagate=True))
                entry["outcome"] = "value"
            except Exception as exc:  # the rebuilt task exception
                entry["outcome"] = "raised"
                entry["exc_class"] = type(exc).__name__
                entry["exc_args"] = jsonable(list(exc.args))
                entry["is_exception"] = isinstance(exc, Exception)
            done = result.date_done
            entry["date_done"] = done.isoformat() if hasattr(done, "isoformat") else done
        else:
            info = result.info
            if isinstance(info, BaseException):
                entry["info_class"] = type(info).__name__
                entry["info_args"] = jsonable(list(info.args))
            else:
                entry["info"] = jsonable(info)
        entry["traceback"] = result.traceback
        client.delete(key)
        out.append(entry)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
