"""A stand-in for SIGMA's Django side: the Celery app and the four task declarations, with
SIGMA's names, options and parameter lists, so `.delay(...)` produces the very messages SIGMA's
views produce. The bodies never run here (sigma-worker runs them). The parameter lists are
HEAD's (64a1811's plus the later keyword arguments with their defaults), so both call shapes
can be sent.

Settings come from the environment as in SIGMA's settings.py: CELERY_BROKER_URL,
CELERY_RESULT_BACKEND; SIGMA_QUEUE (tests only) changes the default queue.
"""
import os

from celery import Celery

app = Celery("inventario_calidad")
app.conf.update(
    broker_url=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0"),
    result_backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1"),
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    timezone="UTC",
    task_soft_time_limit=300,
    task_time_limit=600,
    result_expires=86400,
    task_default_queue=os.environ.get("SIGMA_QUEUE", "celery"),
)


def _never_here(*_args, **_kwargs):
    raise RuntimeError("SIGMA tasks run in sigma-worker, not in this process")


@app.task(bind=True, ignore_result=True, name="config.celery.debug_task")
def debug_task(self):
    _never_here()


@app.task(bind=True, max_retries=3, default_retry_delay=60, name="servicio_tecnico.enviar_correo_rhitso")
def enviar_correo_rhitso_task(self, orden_id, destinatarios_principales, copia_empleados, usuario_id=None,
                              asunto_correo="", db_alias="default"):
    _never_here()


@app.task(bind=True, max_retries=3, default_retry_delay=60, name="servicio_tecnico.enviar_diagnostico_cliente")
def enviar_diagnostico_cliente_task(self, orden_id, folio, componentes_data, imagenes_ids, destinatarios_copia,
                                    mensaje_personalizado, email_empleado, nombre_empleado, usuario_id=None,
                                    tipo_plantilla="estandar", db_alias="default"):
    _never_here()


@app.task(bind=True, max_retries=3, default_retry_delay=60, name="servicio_tecnico.enviar_imagenes_cliente")
def enviar_imagenes_cliente_task(self, orden_id, imagenes_ids, destinatarios_copia, mensaje_personalizado,
                                 usuario_id=None, modelo_ia_inspeccion="", db_alias="default"):
    _never_here()


TASKS = {
    "debug": debug_task,
    "rhitso": enviar_correo_rhitso_task,
    "diagnostico": enviar_diagnostico_cliente_task,
    "imagenes": enviar_imagenes_cliente_task,
}
