#!/usr/bin/env python3
"""Enqueue SIGMA tasks with the real Celery client, the way SIGMA's views do (`.delay(**kwargs)`),
and optionally wait for their results with `AsyncResult.get()`.

Usage:
  enqueue.py send TASK KWARGS_JSON        prints the task id (TASK: rhitso, diagnostico, imagenes, debug)
  enqueue.py get TASK_ID [TIMEOUT]        waits; prints {"id", "status", "result"} as JSON
                                          (a failure prints the exception type and message)
  enqueue.py state TASK_ID                prints {"id", "status", "result"} without waiting

Environment: CELERY_BROKER_URL, CELERY_RESULT_BACKEND, SIGMA_QUEUE (see sigma_app.py).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sigma_app import TASKS, app  # noqa: E402


def describe(result):
    out = {"id": result.id, "status": result.state}
    value = result.result
    if isinstance(value, Exception):
        out["result"] = {"exc_type": type(value).__name__, "exc_message": [str(a) for a in value.args]}
    else:
        out["result"] = value
    return out


def main():
    command = sys.argv[1]
    if command == "send":
        task = TASKS[sys.argv[2]]
        kwargs = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
        print(task.delay(**kwargs).id)
    elif command == "get":
        result = app.AsyncResult(sys.argv[2])
        timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 60
        try:
            result.get(timeout=timeout, propagate=False, interval=0.2)
        except Exception as error:  # timeout
            print(json.dumps({"id": result.id, "status": "TIMEOUT", "result": str(error)}))
            return 2
        print(json.dumps(describe(result), ensure_ascii=False))
    elif command == "state":
        print(json.dumps(describe(app.AsyncResult(sys.argv[2])), ensure_ascii=False))
    else:
        print(__doc__, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
