/// The e-mail templates compiled into the binary, in Django's template language, rendered by
/// ``EmailTemplates`` when the deployment has no template of that name. They take the context
/// SIGMA's tasks pass (`orden`, `detalle`, `folio`, `mensaje_personalizado`, …) plus `hay_logo`,
/// with every date in the order's country time (DECISIONS #10).
enum BuiltInTemplates {
    static let all: [String: String] = [
        EmailTemplate.rhitso.name: rhitso,
        "base_cliente.html": customerBase,
        EmailTemplate.diagnostico.name: diagnostico,
        EmailTemplate.imagenes.name: imagenes,
    ]

    /// RHITSO lab e-mail (§7.2). Context: `orden` (with `detalle_equipo`), `fecha_actual`,
    /// `hora_actual`.
    static let rhitso = """
        <!DOCTYPE html>
        <html lang="es">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Envío de Equipo RHITSO</title>
        <style>
          body { margin: 0; padding: 24px 0; background: #eef1f4; font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #2d3436; }
          .card { max-width: 700px; margin: 0 auto; background: #ffffff; border-radius: 10px; overflow: hidden; box-shadow: 0 2px 10px rgba(0,0,0,.08); }
          .top { background: linear-gradient(135deg, #2c3e50 0%, #3498db 100%); color: #ffffff; text-align: center; padding: 28px 20px; }
          .top h1 { margin: 0; font-size: 26px; letter-spacing: 1px; }
          .top p { margin: 6px 0 0; opacity: .9; }
          .body { padding: 24px 28px; }
          .intro { background: #f6f8fa; border-left: 4px solid #3498db; padding: 14px 16px; margin: 16px 0; }
          .box { border: 1px solid #dfe6e9; border-radius: 8px; padding: 16px; margin: 18px 0; }
          .box h2 { margin: 0 0 12px; font-size: 16px; color: #2c3e50; }
          .grid { display: table; width: 100%; }
          .cell { display: inline-block; width: 47%; vertical-align: top; margin: 0 1% 12px; }
          .wide { width: 96%; }
          .label { font-size: 12px; color: #636e72; text-transform: uppercase; }
          .value { font-size: 15px; font-weight: 600; }
          .order { color: #c0392b; font-weight: 700; }
          .files { background: #fffbe6; border: 1px solid #f6e58d; border-radius: 8px; padding: 14px 18px; }
          .bottom { background: linear-gradient(135deg, #2c3e50 0%, #1e272e 100%); color: #ffffff; text-align: center; padding: 20px; font-size: 13px; }
          .bottom p { margin: 4px 0; }
          @media (max-width: 600px) { .cell { display: block; width: 100%; margin: 0 0 12px; } }
        </style>
        </head>
        <body>
        <div class="card">
          <div class="top">
            <h1>🔧 ENVÍO RHITSO</h1>
            <p>Reparaciones Especializadas</p>
          </div>
          <div class="body">
            <p>Hola, equipo RHITSO 👋</p>
            <div class="intro">
              <p><strong>Les enviamos un equipo para que lo revisen con su servicio especializado.</strong></p>
              <p>En este correo van adjuntos el formato con los datos técnicos y las fotografías del equipo.</p>
            </div>
            <div class="box">
              <h2>📋 INFORMACIÓN DEL EQUIPO</h2>
              <div class="grid">
                <div class="cell"><div class="label">🎯 Orden</div><div class="value order">{% if orden.detalle_equipo.orden_cliente %}{{ orden.detalle_equipo.orden_cliente }}{% else %}{{ orden.numero_orden_interno }}{% endif %}</div></div>
                <div class="cell"><div class="label">🔢 Número de Serie</div><div class="value">{{ orden.detalle_equipo.numero_serie|default:"N/A" }}</div></div>
                <div class="cell"><div class="label">💻 Modelo</div><div class="value">{{ orden.detalle_equipo.marca }} {{ orden.detalle_equipo.modelo }}</div></div>
                <div class="cell"><div class="label">⚡ Cargador</div><div class="value">{{ orden.detalle_equipo.numero_serie_cargador|default:"SIN CARGADOR" }}</div></div>
                <div class="cell wide"><div class="label">🔍 Descripción de la Falla</div><div class="value">{{ orden.descripcion_rhitso|default:"No especificado" }}</div></div>
              </div>
            </div>
            <div class="box">
              <h2>📞 INFORMACIÓN DE CONTACTO</h2>
              <div class="grid">
                <div class="cell"><div class="label">Agente</div><div class="value">Alejandro García</div></div>
                <div class="cell"><div class="label">Celular</div><div class="value">55-35-45-81-92</div></div>
                <div class="cell wide"><div class="label">Correo</div><div class="value">cis_mex@sic.com.mx</div></div>
              </div>
            </div>
            <div class="files">
              <p><strong>📎 Archivos adjuntos:</strong></p>
              <ul>
                <li>Formato RHITSO con la información del equipo (PDF)</li>
                <li>Fotografías de evidencia del estado del equipo</li>
                <li>Imágenes de autorización y contraseñas (dentro del PDF)</li>
              </ul>
            </div>
          </div>
          <div class="bottom">
            <p>Quedamos atentos a sus comentarios. Saludos cordiales,</p>
            <p><strong>Equipo de Soporte Técnico</strong></p>
            <p>SIC Comercialización y Servicios</p>
            <p>México</p>
            <p>Enviado el {{ fecha_actual }} a las {{ hora_actual }}</p>
          </div>
        </div>
        </body>
        </html>
        """

    /// Frame shared by the two customer e-mails (§7.3, §7.4): header with logo, footer with the
    /// "do not reply" notice, social links and the sending time.
    static let customerBase = """
        <!DOCTYPE html>
        <html lang="es">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{% block title %}{% endblock %}</title>
        <style>
          body { margin: 0; padding: 24px 0; background: #f1f4f8; font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #263238; }
          .card { max-width: 700px; margin: 0 auto; background: #ffffff; border-radius: 10px; overflow: hidden; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
          .top { background: linear-gradient(180deg, #ffffff 0%, #e3f2fd 55%, #90caf9 100%); color: #051d63; text-align: center; padding: 24px 20px; }
          .top img { max-width: 180px; height: auto; }
          .top h1 { margin: 12px 0 4px; font-size: 24px; }
          .top p { margin: 0; font-size: 15px; }
          .body { padding: 24px 28px; line-height: 1.5; }
          .box { border: 1px solid #dde3ea; border-radius: 8px; padding: 16px; margin: 18px 0; }
          .box h2 { margin: 0 0 10px; font-size: 16px; color: #051d63; }
          .row { padding: 4px 0; }
          .row .label { color: #546e7a; }
          .highlight { color: #1565c0; font-weight: 700; }
          .message { background: #fff8e1; border-left: 4px solid #ffb300; }
          .files { background: #e8f5e9; border-color: #a5d6a7; text-align: center; }
          .files .count { font-size: 36px; font-weight: 700; color: #2e7d32; }
          .notes { background: #f5f7fa; }
          .thanks { text-align: center; font-weight: 600; margin: 22px 0 8px; }
          .bottom { background: linear-gradient(135deg, #2c3e50 0%, #34495e 100%); color: #ffffff; text-align: center; padding: 22px 20px; font-size: 13px; }
          .bottom p { margin: 5px 0; }
          .bottom a { color: #ffffff; }
          .warning { border-top: 1px solid rgba(255,255,255,.3); margin-top: 12px; padding-top: 12px; }
          .social a { display: inline-block; margin: 4px; padding: 6px 12px; border-radius: 16px; background: rgba(255,255,255,.15); text-decoration: none; }
          .social img { width: 18px; height: 18px; vertical-align: middle; margin-right: 4px; }
        </style>
        </head>
        <body>
        <div class="card">
          <div class="top">
            {% if hay_logo %}<img src="cid:logo_sic" alt="{{ empresa_nombre }}">{% endif %}
            <h1>{% block header_title %}{% endblock %}</h1>
            <p>{% block header_subtitle %}{% endblock %}</p>
          </div>
          <div class="body">
            {% block content %}{% endblock %}
            <p class="thanks">¡Gracias por confiar en nosotros!</p>
          </div>
          <div class="bottom">
            <p><strong>Sistema de Servicio Técnico</strong></p>
            {% block footer_contact %}{% endblock %}
            <p class="warning">⚠️ IMPORTANTE: este correo se generó automáticamente y el buzón no se revisa.</p>
            <p>Por favor no responda a este mensaje. Para cualquier duda comuníquese directamente con
              {% block footer_reply %}su responsable de seguimiento{% endblock %}.</p>
            <p>{{ empresa_nombre }} · {{ pais_nombre }}</p>
            <p class="social">Síguenos:
              <a href="https://sicfix.mx/"><img src="cid:icon_link" alt="">Web</a>
              <a href="https://www.instagram.com/sic_mexico/?hl=es"><img src="cid:icon_instagram" alt="">Instagram</a>
              <a href="https://www.facebook.com/LatAmSic"><img src="cid:icon_facebook" alt="">Facebook</a>
              {% if whatsapp_empleado %}<a href="https://wa.me/{{ whatsapp_empleado }}"><img src="cid:icon_whatsapp" alt="">WhatsApp</a>{% endif %}
            </p>
            <p>📅 Enviado el {{ fecha_envio_texto }} a las {{ hora_envio_texto }}</p>
          </div>
        </div>
        </body>
        </html>
        """

    /// Diagnosis e-mail to the customer (§7.3). Context: `orden`, `detalle`, `folio`,
    /// `mensaje_personalizado`, `cantidad_imagenes`, `empresa_nombre`, `pais_nombre`,
    /// `email_empleado`, `nombre_empleado`, `whatsapp_empleado`, `fecha_envio_texto`,
    /// `hora_envio_texto`, `hay_logo`.
    static let diagnostico = """
        {% extends "base_cliente.html" %}
        {% block title %}Diagnóstico - {{ folio }}{% endblock %}
        {% block header_title %}📋 DIAGNÓSTICO DE EQUIPO{% endblock %}
        {% block header_subtitle %}Folio: {{ folio }}{% endblock %}
        {% block content %}
            <p>Estimado usuario:</p>
            <p>En <strong>{{ empresa_nombre }}</strong> le compartimos el diagnóstico que nuestro ingeniero realizó a su equipo; lo encontrará en el documento adjunto. Ya estamos preparando la cotización correspondiente.</p>
            <p>Como no contamos con piezas en existencia, consultaremos con nuestros proveedores la disponibilidad, el tiempo de entrega y el costo de lo necesario, y le enviaremos la cotización por este mismo medio en un plazo de <strong>1 a 6 días hábiles</strong>.</p>
            <p>Le agradecemos su preferencia.</p>
            <div class="box">
              <h2>📋 INFORMACIÓN DE SU EQUIPO</h2>
              <div class="row"><span class="label">📑 Folio Diagnóstico:</span> <span class="highlight">{{ folio }}</span></div>
              <div class="row"><span class="label">🎯 Número de Orden:</span> <span class="highlight">{% if detalle.orden_cliente %}{{ detalle.orden_cliente }}{% else %}{{ orden.numero_orden_interno }}{% endif %}</span></div>
              <div class="row"><span class="label">💻 Equipo:</span> {{ detalle.tipo_equipo }} {{ detalle.marca }}{% if detalle.modelo %} {{ detalle.modelo }}{% endif %}</div>
              <div class="row"><span class="label">🔢 Número de Serie:</span> {{ detalle.numero_serie }}</div>
              <div class="row"><span class="label">📅 Fecha de Ingreso:</span> {{ orden.fecha_ingreso|date:"d/m/Y H:i" }}</div>
            </div>
            {% if mensaje_personalizado %}
            <div class="box message">
              <h2>💬 Mensaje Adicional</h2>
              {{ mensaje_personalizado|linebreaks }}
            </div>
            {% endif %}
            <div class="box files">
              <div class="count">{{ cantidad_imagenes|add:1 }}</div>
              <p>archivo{{ cantidad_imagenes|add:1|pluralize }} adjunto{{ cantidad_imagenes|add:1|pluralize }} a este correo</p>
              <p>📄 1 PDF — el diagnóstico completo con las observaciones técnicas</p>
              {% if cantidad_imagenes %}<p>📸 {{ cantidad_imagenes }} {% if cantidad_imagenes == 1 %}imagen{% else %}imágenes{% endif %} — fotografías tomadas durante el diagnóstico</p>{% endif %}
            </div>
            <div class="box notes">
              <h2>ℹ️ Información Importante</h2>
              <ul>
                <li>El PDF adjunto contiene el diagnóstico detallado de su equipo.</li>
                <li>La cotización de las piezas necesarias le llegará por este mismo medio.</li>
                <li>El tiempo estimado para la cotización es de 1 a 6 días hábiles.</li>
                <li>Si tiene cualquier duda, estamos para ayudarle.</li>
              </ul>
            </div>
        {% endblock %}
        {% block footer_contact %}{% if email_empleado %}<p>✉️ Contacto: {{ email_empleado }}</p>{% endif %}{% endblock %}
        {% block footer_reply %}{% if nombre_empleado %}<strong>{{ nombre_empleado }}</strong>{% if email_empleado %} (<a href="mailto:{{ email_empleado }}">{{ email_empleado }}</a>){% endif %}{% else %}su responsable de seguimiento{% endif %}{% endblock %}
        """

    /// Intake photos e-mail to the customer (§7.4). Context: `orden`, `detalle`,
    /// `mensaje_personalizado`, `cantidad_imagenes`, `empresa_nombre`, `pais_nombre`,
    /// `whatsapp_empleado`, `fecha_envio_texto`, `hora_envio_texto`, `hay_logo`.
    static let imagenes = """
        {% extends "base_cliente.html" %}
        {% block title %}Fotografías de Ingreso - {{ detalle.orden_cliente }}{% endblock %}
        {% block header_title %}📸 FOTOGRAFÍAS DE INGRESO{% endblock %}
        {% block header_subtitle %}Registro de Estado del Equipo{% endblock %}
        {% block content %}
            <p>Estimado/a cliente,</p>
            <p>Hemos recibido su equipo y documentamos con las fotografías adjuntas el estado en que llegó a nuestro centro de servicio.</p>
            <div class="box">
              <h2>📋 INFORMACIÓN DE SU EQUIPO</h2>
              <div class="row"><span class="label">🎯 Número de Orden:</span> <span class="highlight">{% if detalle.orden_cliente %}{{ detalle.orden_cliente }}{% else %}{{ orden.numero_orden_interno }}{% endif %}</span></div>
              <div class="row"><span class="label">💻 Equipo:</span> {{ detalle.tipo_equipo }} {{ detalle.marca }}{% if detalle.modelo %} {{ detalle.modelo }}{% endif %}</div>
              <div class="row"><span class="label">🔢 Número de Serie:</span> {{ detalle.numero_serie }}</div>
              <div class="row"><span class="label">📅 Fecha de Ingreso:</span> {{ orden.fecha_ingreso|date:"d/m/Y H:i" }}</div>
              <div class="row"><span class="label">🔌 Cargador:</span> {% if detalle.tiene_cargador %}✅ Incluido{% if detalle.numero_serie_cargador %} (S/N: {{ detalle.numero_serie_cargador }}){% endif %}{% else %}❌ No incluido{% endif %}</div>
            </div>
            {% if mensaje_personalizado %}
            <div class="box message">
              <h2>💬 Mensaje Adicional</h2>
              {{ mensaje_personalizado|linebreaks }}
            </div>
            {% endif %}
            <div class="box files">
              <h2>📎 IMÁGENES ADJUNTAS</h2>
              <div class="count">{{ cantidad_imagenes }}</div>
              <p>fotografía{{ cantidad_imagenes|pluralize }} adjunta{{ cantidad_imagenes|pluralize }} a este correo</p>
            </div>
            <div class="box notes">
              <h2>ℹ️ Información Importante</h2>
              <ul>
                <li>Las fotografías muestran cómo llegó su equipo a nuestras instalaciones.</li>
                <li>Forman parte del registro de ingreso de su orden de servicio.</li>
                <li>Si tiene alguna pregunta sobre ellas, con gusto le atendemos.</li>
                <li>Le mantendremos informado sobre el avance de su equipo.</li>
              </ul>
            </div>
        {% endblock %}
        """
}
