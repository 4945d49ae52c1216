#!/usr/bin/env python3
"""The e-mail the Python worker would send for a SIGMA task, built independently of sigma-worker.

It reads the order's rows from the database, builds the template context the way SIGMA's
``servicio_tecnico/tasks.py`` builds it, renders the deployment's template with real Django 5.2
(``render_to_string`` with the filesystem loader over the same folders), and composes the
message with Django's ``EmailMessage`` as the task does. The attachments (PDF, photos, logo and
icons) and the sending time come from the message sigma-worker delivered, since they are not
what this compares. Prints the bytes Django's SMTP backend would send.

Usage (the Django environment, .venv/django-5.2):
  django_reference.py --task rhitso|diagnostico|imagenes --kwargs JSON --received FILE.eml
                      --template-dir DIR [--template-dir DIR ...] --from-email SETTING
                      (--sqlite PATH | --postgres CONNINFO)
"""
import argparse
import datetime
import email
import email.policy
import email.utils
import json
import sqlite3
import sys
import types
from zoneinfo import ZoneInfo

import django
from django.conf import settings

def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", required=True, choices=["rhitso", "diagnostico", "imagenes"])
    parser.add_argument("--kwargs", required=True)
    parser.add_argument("--received", required=True)
    parser.add_argument("--template-dir", action="append", required=True)
    parser.add_argument("--from-email", required=True)
    parser.add_argument("--sqlite")
    parser.add_argument("--postgres")
    return parser.parse_args()


class Database:
    """Rows as dicts, from SQLite or PostgreSQL."""

    def __init__(self, args):
        if args.sqlite:
            self.connection = sqlite3.connect(args.sqlite)
            self.connection.row_factory = sqlite3.Row
            self.mark = "?"
        else:
            import psycopg
            from psycopg.rows import dict_row

            self.connection = psycopg.connect(args.postgres, row_factory=dict_row)
            self.mark = "%s"

    def one(self, sql, *params):
        rows = self.all(sql, *params)
        return rows[0] if rows else None

    def all(self, sql, *params):
        cursor = self.connection.execute(sql.replace("?", self.mark), params)
        return [dict(row) for row in cursor.fetchall()]


def aware(value):
    """A stored timestamp as Django returns it under USE_TZ: an aware datetime in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def as_bool(value):
    return bool(value)


def load_order(db, orden_id):
    row = db.one("SELECT * FROM servicio_tecnico_ordenservicio WHERE id = ?", orden_id)
    detail = db.one("SELECT * FROM servicio_tecnico_detalleequipo WHERE orden_id = ?", orden_id)
    branch = db.one("SELECT * FROM inventario_sucursal WHERE id = ?", row["sucursal_id"])
    for key in ("fecha_ingreso", "fecha_actualizacion", "fecha_finalizacion", "fecha_entrega"):
        row[key] = aware(row[key])
    for key in ("es_reingreso", "es_candidato_rhitso", "requiere_factura", "factura_emitida"):
        row[key] = as_bool(row[key])
    detail["tiene_cargador"] = as_bool(detail["tiene_cargador"])
    detail["equipo_enciende"] = as_bool(detail["equipo_enciende"])
    detalle = types.SimpleNamespace(**detail)
    orden = types.SimpleNamespace(**row)
    orden.detalle_equipo = detalle
    orden.sucursal = types.SimpleNamespace(**branch)
    return orden, detalle


def whatsapp(db, usuario_id):
    """`codigo_telefonico + numero_whatsapp` of the user's employee (Mexico: 52), or ''."""
    if not usuario_id:
        return ""
    employee = db.one("SELECT numero_whatsapp FROM inventario_empleado WHERE user_id = ?", usuario_id)
    if employee and employee["numero_whatsapp"]:
        return "52" + employee["numero_whatsapp"]
    return ""


def context_for(task, kwargs, db, received, from_email):
    orden, detalle = load_order(db, kwargs["orden_id"])
    now = email.utils.parsedate_to_datetime(received["Date"]).astimezone(datetime.timezone.utc)
    if task == "rhitso":
        return {
            "orden": orden,
            "fecha_actual": now.strftime("%d/%m/%Y"),
            "hora_actual": now.strftime("%H:%M"),
            "agente_nombre": "Equipo de Soporte Técnico",
            "agente_celular": "55-35-45-81-92",
            "agente_correo": from_email,
        }
    local = now.astimezone(ZoneInfo("America/Mexico_City"))
    photos = [
        part for part in received.get_payload()[1:]
        if part.get_content_type() == "image/jpeg" and part["Content-ID"] is None
    ]
    context = {
        "orden": orden,
        "detalle": detalle,
        "mensaje_personalizado": kwargs.get("mensaje_personalizado", ""),
        "fecha_envio_texto": local.strftime("%d/%m/%Y"),
        "hora_envio_texto": local.strftime("%H:%M"),
        "cantidad_imagenes": len(photos),
        "empresa_nombre": "SIC México",
        "pais_nombre": "México",
        "whatsapp_empleado": whatsapp(db, kwargs.get("usuario_id")),
    }
    if task == "diagnostico":
        names = []
        for component in kwargs.get("componentes_data", []):
            name = component.get("componente_db", "")
            if component.get("seleccionado", False) and name and name not in names:
                if db.one("SELECT id FROM scorecard_componenteequipo WHERE nombre = ?", name):
                    names.append(name)
        context.update({
            "folio": kwargs["folio"],
            "componentes_seleccionados": names,
            "piezas_creadas": len(names),
            "email_empleado": kwargs.get("email_empleado", ""),
            "nombre_empleado": kwargs.get("nombre_empleado", ""),
        })
    return context, orden, detalle


def main():
    args = parse_args()
    settings.configure(
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": args.template_dir}],
        TIME_ZONE="UTC",
        USE_TZ=True,
        LANGUAGE_CODE="es-mx",
        USE_I18N=True,
        DEFAULT_CHARSET="utf-8",
        DEFAULT_FROM_EMAIL=args.from_email,
        STATIC_URL="/static/",
        INSTALLED_APPS=[],
    )
    django.setup()
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from email.mime.base import MIMEBase
    from email import encoders

    kwargs = json.loads(args.kwargs)
    with open(args.received, "rb") as handle:
        received = email.message_from_binary_file(handle, policy=email.policy.default)
    db = Database(args)
    built = context_for(args.task, kwargs, db, received, args.from_email)
    address = args.from_email.split("<")[1].split(">")[0] if "<" in args.from_email else args.from_email
    if args.task == "rhitso":
        context = built
        orden = context["orden"]
        visible = orden.detalle_equipo.orden_cliente or orden.numero_orden_interno
        subject = f"🔧ENVIO DE EQUIPO RHITSO - {visible}"
        sender = f"RHITSO System <{address}>"
        to = kwargs["destinatarios_principales"]
        cc = kwargs["copia_empleados"]
    else:
        context, orden, detalle = built
        sender = f"Servicio Técnico System <{address}>"
        to = [detalle.email_cliente]
        cc = kwargs.get("destinatarios_copia")
        if args.task == "diagnostico":
            subject = f"DIAGNOSTICO FOLIO {kwargs['folio']}"
        else:
            subject = f"📸 Fotografías de ingreso - Orden {detalle.orden_cliente or orden.numero_orden_interno}"
    names = {
        "rhitso": "servicio_tecnico/emails/rhitso_envio.html",
        "diagnostico": "servicio_tecnico/emails/diagnostico_cliente.html",
        "imagenes": "servicio_tecnico/emails/imagenes_cliente.html",
    }
    html = render_to_string(names[args.task], context)
    message = EmailMessage(subject=subject, body=html, from_email=sender, to=to, cc=cc if cc else None)
    message.content_subtype = "html"
    for part in received.get_payload()[1:]:
        data = part.get_payload(decode=True)
        if part["Content-ID"] is not None:
            inline = MIMEBase(part.get_content_maintype(), part.get_content_subtype())
            inline.set_payload(data)
            encoders.encode_base64(inline)
            inline.add_header("Content-ID", part["Content-ID"])
            inline.add_header("Content-Disposition", "inline", filename=part.get_filename())
            message.attach(inline)
        else:
            message.attach(part.get_filename(), data, part.get_content_type())
    sys.stdout.buffer.write(message.message().as_bytes(linesep="\r\n"))


if __name__ == "__main__":
    main()
