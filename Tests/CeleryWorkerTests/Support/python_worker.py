"""A real Python Celery worker app for the mixed-fleet tests (run with `celery -A python_worker worker`).

Environment: SIGMA_BROKER, SIGMA_BACKEND, SIGMA_QUEUE, SIGMA_VISIBILITY (seconds).
"""
import os

from celery import Celery

app = Celery(
    "python_worker", broker=os.environ["SIGMA_BROKER"], backend=os.environ["SIGMA_BACKEND"]
)
app.conf.update(
    task_default_queue=os.environ["SIGMA_QUEUE"],
    broker_transport_options={"visibility_timeout": float(os.environ.get("SIGMA_VISIBILITY", "3600"))},
)


@app.task(name="t.integration.tasks.add")
def add(x, y, z=None):
    return x + y + (z or 0)


@app.task(name="t.integration.tasks.sleeping")
def sleeping(seconds, **_):
    # As Celery's own integration task: sleeps, returns None.
    import time

    time.sleep(float(seconds))
