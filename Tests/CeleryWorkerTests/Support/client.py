"""Drives the real Celery client against a worker for the interop tests.

Usage: python client.py <broker url> <backend url> <queue> <scenario> [json args]
Prints one JSON object. Scenarios:
  call        {"task", "args", "kwargs", "options"}  send_task + get(): value or the raised exception
  states      {"task", ...}                           like call, and records every state seen (RETRY …)
  send        {"task", ...}                           send only, prints the task id
  get         {"id", "timeout"}                       get() an id sent earlier
  raw         {"payload": str}                        LPUSH raw bytes onto the queue (malformed input)
  pickle      {"task", "args"}                        publish with the pickle serializer, prints the id
  control     {"node", "ids"}                          remote control as `celery inspect`/`control` do it:
                                                      ping, stats, registered, active_queues, reserved,
                                                      scheduled, query_task, an unknown method, a
                                                      destination elsewhere
  revoke      {"id"}                                  app.control.revoke(id) (a broadcast, no reply)
  chord       {"n", "fail"}                           chord(add(i, i) for i < n [+ fail()])(xsum()).get()
  events      {"seconds"}                             events.Receiver on every event while add(2, 3) runs
  hostile     {"fixtures", "count", "seed"}           LPUSH `count` mutations of the captured messages
                                                      (truncated, bytes flipped, keys dropped, bodies and
                                                      arguments of the wrong shape), then add(20, 22).get()
"""
import json
import sys
import time

import redis
from celery import Celery


def wait_for(result, out, timeout, **options):
    """result.get(): the value, or the class and arguments of the exception it raised."""
    try:
        out["value"] = result.get(timeout=timeout, **options)
        out["outcome"] = "value"
    except Exception as exc:
        out["outcome"] = "raised"
        out["exc_class"] = type(exc).__name__
        out["exc_args"] = [a if isinstance(a, (str, int, float, type(None))) else repr(a) for a in exc.args]


def mutate(envelope, rng):
    """One hostile variant of a captured envelope (a dict), as bytes."""
    import base64
    import copy

    message = copy.deepcopy(envelope)
    headers = message.setdefault("headers", {})
    for key in ("eta", "expires", "countdown"):  # nothing may stay held: the test counts what is left
        if key in headers:
            headers[key] = None
    if rng.random() < 0.5:
        headers["task"] = "t.integration.tasks.add"
    kind = rng.randrange(8)
    if kind == 0:  # arguments of the wrong shape or type
        junk = [None, "x", -(2 ** 70), 1.5, [], {}, [[1]], {"a": [None]}, "é\u0000", True]
        body = [[rng.choice(junk) for _ in range(rng.randrange(4))], {rng.choice(["x", "y", "z", "q"]): rng.choice(junk)}, {}]
        if rng.random() < 0.3:
            body = rng.choice([body[:1], body[0], {"args": 1}, "text", None, 7])
        message["body"] = base64.b64encode(json.dumps(body).encode()).decode()
        message.setdefault("properties", {})["body_encoding"] = "base64"
        message["content-type"] = "application/json"
        message["content-encoding"] = "utf-8"
    elif kind == 1:  # a key dropped somewhere
        target = rng.choice([message, headers, message.get("properties", {})])
        if target:
            target.pop(rng.choice(list(target)), None)
    elif kind == 2:  # a value of the wrong type
        target = rng.choice([message, headers, message.get("properties", {})])
        if target:
            target[rng.choice(list(target))] = rng.choice([None, 1, "x", [], {}, 1e308])
    elif kind == 3:  # a body that is not base64, or not what it says it is
        message["body"] = rng.choice(["%%%", "", "bm90IGpzb24=", base64.b64encode(b"\x80\x81").decode(), "A" * 10001])
    elif kind == 4:  # another content type or encoding
        message[rng.choice(["content-type", "content-encoding"])] = rng.choice(
            ["application/x-python-serialize", "application/x-yaml", "text/plain", "binary", None, 5])
    data = json.dumps(message).encode()
    if kind == 5:  # truncated
        data = data[: rng.randrange(len(data))]
    elif kind == 6:  # a byte flipped
        position = rng.randrange(len(data))
        data = data[:position] + bytes([rng.randrange(256)]) + data[position + 1:]
    elif kind == 7:  # deep nesting in the arguments
        depth = rng.choice([100, 1000, 100000])
        body = [[json.loads("[" * min(depth, 900) + "]" * min(depth, 900))], {}, {}]
        message["body"] = base64.b64encode(json.dumps(body).encode()).decode()
        message.setdefault("properties", {})["body_encoding"] = "base64"
        data = json.dumps(message).encode()
        if depth == 100000:
            data = b'{"body": ' + b"[" * depth + b"]" * depth + b"}"
    return data


def push_hostile(client, queue, spec):
    import glob
    import os
    import random

    rng = random.Random(spec.get("seed", 1))
    envelopes = []
    for path in sorted(glob.glob(os.path.join(spec["fixtures"], "*.json"))):
        with open(path) as handle:
            value = json.load(handle)
        if isinstance(value, dict) and "body" in value and "headers" in value:
            envelopes.append(value)
    count = spec.get("count", 200)
    for _ in range(count):
        client.lpush(queue, mutate(rng.choice(envelopes), rng))
    return count


def main():
    broker, backend, queue, scenario = sys.argv[1:5]
    spec = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    app = Celery("interop", broker=broker, backend=backend)
    app.conf.update(task_default_queue=queue, accept_content=["json", "pickle"], result_accept_content=["json"])
    options = dict(spec.get("options", {}))
    timeout = spec.get("timeout", 20)
    out = {}
    if scenario in ("call", "states", "send"):
        started = time.time()
        result = app.send_task(spec["task"], args=spec.get("args", []), kwargs=spec.get("kwargs", {}), **options)
        out["id"] = result.id
        if scenario == "send":
            print(json.dumps(out))
            return
        seen = []

        def on_message(meta):
            seen.append(meta["status"])

        wait_for(result, out, timeout, on_message=on_message if scenario == "states" else None)
        out["state"] = result.state
        out["elapsed"] = time.time() - started
        out["seen"] = seen
    elif scenario == "send_many":
        # Many messages from one process (each Python start costs a second of CPU on a busy machine).
        # "interval": seconds between two sends.
        out["ids"] = []
        for index, item in enumerate(spec["tasks"]):
            if index and spec.get("interval"):
                time.sleep(spec["interval"])
            out["ids"].append(app.send_task(item["task"], args=item.get("args", []), kwargs=item.get("kwargs", {}),
                                            **options).id)
    elif scenario == "get_many":
        out["values"] = []
        for task_id in spec["ids"]:
            value = {}
            wait_for(app.AsyncResult(task_id), value, timeout)
            out["values"].append(value.get("value"))
    elif scenario == "get":
        result = app.AsyncResult(spec["id"])
        wait_for(result, out, timeout)
        out["state"] = result.state
    elif scenario == "raw":
        redis.Redis.from_url(broker).lpush(queue, spec["payload"].encode("utf-8", "surrogateescape"))
    elif scenario == "pickle":
        result = app.send_task(spec["task"], args=spec.get("args", []), serializer="pickle")
        out["id"] = result.id
    elif scenario == "control":
        node = spec["node"]
        inspect = app.control.inspect(destination=[node], timeout=timeout)
        out["ping"] = app.control.ping(destination=[node], timeout=timeout)
        out["ping_elsewhere"] = app.control.ping(destination=["nobody@nowhere"], timeout=0.5)
        out["ping_glob"] = app.control.ping(pattern=node.split("@")[0] + "@*", matcher="glob", timeout=timeout)
        out["stats"] = inspect.stats()
        out["registered"] = inspect.registered()
        out["active_queues"] = inspect.active_queues()
        out["reserved"] = inspect.reserved()
        out["scheduled"] = inspect.scheduled()
        out["active"] = inspect.active()
        out["query_task"] = inspect.query_task(*spec.get("ids", []))
        out["conf"] = inspect.conf()
        out["time_limit"] = app.control.time_limit(
            "t.integration.tasks.sleeping", soft=0.3, destination=[node], reply=True, timeout=timeout)
        out["limited"] = {}
        wait_for(app.send_task("t.integration.tasks.sleeping", args=(5,)), out["limited"], timeout)
        out["unknown"] = app.control.broadcast("no_such_method", destination=[node], reply=True, timeout=timeout)
    elif scenario == "chord":
        from celery import chord

        header = [app.signature("t.integration.tasks.add", args=(i, i)) for i in range(spec.get("n", 3))]
        if spec.get("fail"):
            header.append(app.signature("t.integration.tasks.fail"))
        result = chord(header)(app.signature("t.integration.tasks.xsum"))
        out["id"] = result.id
        wait_for(result, out, timeout)
        body = app.AsyncResult(result.id)
        deadline = time.time() + timeout
        while body.state == "PENDING" and time.time() < deadline:
            time.sleep(0.05)
        out["body_state"] = body.state
        out["body_result"] = body.result if body.state == "SUCCESS" else type(body.result).__name__
        out["body_message"] = str(body.result) if body.state == "FAILURE" else None
    elif scenario == "events":
        import threading

        seen = []

        def capture():
            with app.connection() as connection:
                receiver = app.events.Receiver(connection, handlers={"*": seen.append})
                receiver.capture(limit=None, timeout=None, wakeup=False)

        threading.Thread(target=capture, daemon=True).start()
        time.sleep(1)
        out["value"] = app.send_task("t.integration.tasks.add", args=(2, 3)).get(timeout=timeout)
        time.sleep(spec.get("seconds", 3))
        events = list(seen)
        out["types"] = [event["type"] for event in events]
        out["succeeded"] = next((event for event in events if event["type"] == "task-succeeded"), None)
        out["hostnames"] = sorted({event["hostname"] for event in events})
    elif scenario == "hostile":
        out["pushed"] = push_hostile(redis.Redis.from_url(broker), queue, spec)
        wait_for(app.send_task("t.integration.tasks.add", args=(20, 22)), out, timeout)
    elif scenario == "revoke":
        app.control.revoke(spec["id"])
    elif scenario == "broadcast":
        # One remote-control command, as `celery control`/`inspect` send it: the replies as decoded.
        out["reply"] = app.control.broadcast(
            spec["command"], arguments=spec.get("arguments", {}), destination=[spec["node"]],
            reply=spec.get("reply", True), timeout=spec.get("timeout", 2))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
