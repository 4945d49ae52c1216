import Foundation
import SigmaDatabase
import SigmaTasks
import SigmaTestSupport
import Testing

/// A deployment's own Django templates, rendered by the three tasks: the delivered messages are
/// the ones Django's `EmailMessage` builds from the same templates and rows
/// (`scripts/mail/django_reference.py`, real Django 5.2, a context built the way SIGMA's
/// `tasks.py` builds it), the fallback is per file and logged, and a broken template retries and
/// fails as under the Python worker.
extension EndToEndTests {
    /// Serialized with the other end-to-end scenarios (each runs a worker and Python clients).
    @Suite(
        .serialized,
        .enabled(if: Harness.available, "needs the test Redis and .venv/celery-5.7 (scripts/test.sh starts them)"),
        .enabled(
            if: SigmaTestSupport.TestEnvironment.python("django-5.2") != nil,
            "needs .venv/django-5.2 (scripts/setup-python.sh)")
    )
    struct DeploymentTemplateTests {}
}

extension EndToEndTests.DeploymentTemplateTests {
    /// A template set written for this test, laid out as a Django project: a layout in `DIRS`
    /// (`BASE_DIR/templates`), the e-mails and a partial in the app's `templates/` folder.
    static let templates: [String: String] = [
        "templates/correo/base.html": """
        {% load static %}<!DOCTYPE html>
        <html lang="es"><head><meta charset="utf-8"><title>{% block titulo %}Aviso{% endblock %}</title>
        <link rel="icon" href="{% static 'img/icono.png' %}"></head>
        <body>
        {# encabezado común #}
        <header>{% block encabezado %}{% endblock %}</header>
        {% block cuerpo %}{% endblock %}
        <footer>{% spaceless %}<p> {{ empresa_nombre|default:"SIC" }} </p> <p>{% now "Y" %}</p>{% endspaceless %}</footer>
        </body></html>

        """,
        "servicio_tecnico/templates/servicio_tecnico/emails/partes/equipo.html": """
        <table>
        {% with d=orden.detalle_equipo %}<tr><td>Equipo</td><td>{{ d.tipo_equipo|upper }} {{ d.marca|title }} {{ d.modelo|default:"(sin modelo)" }}</td></tr>
        <tr><td>Serie</td><td>{{ d.numero_serie|default_if_none:"-" }}</td></tr>
        <tr><td>Cargador</td><td>{{ d.tiene_cargador|yesno:"sí,no" }}{% if d.numero_serie_cargador %} ({{ d.numero_serie_cargador|truncatechars:12 }}){% endif %}</td></tr>{% endwith %}
        <tr><td>Ingreso</td><td>{{ orden.fecha_ingreso|date:"d/m/Y H:i" }} · {{ orden.fecha_ingreso|date:"l j \\d\\e F \\d\\e Y, P" }}</td></tr>
        <tr><td>Sucursal</td><td>{{ orden.sucursal.nombre }}</td></tr>
        </table>
        """,
        "servicio_tecnico/templates/servicio_tecnico/emails/rhitso_envio.html": """
        {% extends "correo/base.html" %}
        {% block titulo %}RHITSO {{ orden.numero_orden_interno }}{% endblock %}
        {% block encabezado %}<h1>Envío a laboratorio — {% firstof orden.detalle_equipo.orden_cliente orden.numero_orden_interno %}</h1>{% endblock %}
        {% block cuerpo %}
        <p>Falla: {{ orden.descripcion_rhitso|default:"No especificado"|linebreaksbr }}</p>
        {% include "servicio_tecnico/emails/partes/equipo.html" %}
        <p>Contacto: {{ agente_nombre }} · {{ agente_celular }} · {{ agente_correo }}</p>
        <p>Enviado el {{ fecha_actual }} a las {{ hora_actual }} (UTC)</p>
        {% endblock %}
        """,
        "servicio_tecnico/templates/servicio_tecnico/emails/diagnostico_cliente.html": """
        {% extends "correo/base.html" %}
        {% block titulo %}Diagnóstico {{ folio }}{% endblock %}
        {% block encabezado %}<img src="cid:logo_sic" alt="{{ empresa_nombre }}"><h1>Diagnóstico {{ folio }}</h1>{% endblock %}
        {% block cuerpo %}
        <p>Orden {% if detalle.orden_cliente %}{{ detalle.orden_cliente }}{% else %}{{ orden.numero_orden_interno }}{% endif %}, {{ pais_nombre }}</p>
        {% include "servicio_tecnico/emails/partes/equipo.html" %}
        {% if mensaje_personalizado %}<div class="nota">{{ mensaje_personalizado|linebreaks }}</div>{% endif %}
        <p>{{ cantidad_imagenes|add:1 }} archivo{{ cantidad_imagenes|add:1|pluralize }} adjunto{{ cantidad_imagenes|add:1|pluralize }}; {{ cantidad_imagenes }} imagen{{ cantidad_imagenes|pluralize:"es" }}.</p>
        <ul>{% for nombre in componentes_seleccionados %}<li class="{% cycle 'par' 'impar' %}">{{ forloop.counter }}. {{ nombre }}</li>{% empty %}<li>Sin piezas</li>{% endfor %}</ul>
        <p>Piezas: {{ piezas_creadas }} ({{ componentes_seleccionados|length }}) {{ componentes_seleccionados|join:", " }}</p>
        {% if nombre_empleado and email_empleado %}<p>Atiende {{ nombre_empleado }} (<a href="mailto:{{ email_empleado|urlencode }}">{{ email_empleado }}</a>)</p>{% endif %}
        {% if whatsapp_empleado %}<a href="https://wa.me/{{ whatsapp_empleado }}">WhatsApp</a>{% endif %}
        {% autoescape off %}<!-- {{ empresa_nombre }} -->{% endautoescape %}
        <p>📅 {{ fecha_envio_texto }} {{ hora_envio_texto }}</p>
        {% endblock %}
        """,
        "servicio_tecnico/templates/servicio_tecnico/emails/imagenes_cliente.html": """
        {% extends "correo/base.html" %}
        {% block titulo %}Fotografías - {{ detalle.orden_cliente }}{% endblock %}
        {% block cuerpo %}
        <p>Estimado/a cliente: recibimos su {{ detalle.tipo_equipo|lower }} {{ detalle.marca }}{% if detalle.modelo %} {{ detalle.modelo }}{% endif %}.</p>
        {% include "servicio_tecnico/emails/partes/equipo.html" %}
        {% if mensaje_personalizado %}{{ mensaje_personalizado|linebreaks }}{% endif %}
        <p>{{ cantidad_imagenes }} fotografía{{ cantidad_imagenes|pluralize }} · {% if cantidad_imagenes > 3 %}varias{% else %}pocas{% endif %}</p>
        <p>{{ empresa_nombre }} — {{ pais_nombre }} — {{ fecha_envio_texto }} a las {{ hora_envio_texto }}</p>
        {% endblock %}
        """,
    ]

    static func install(_ base: String, only names: [String]? = nil, overrides: [String: String] = [:]) throws {
        let emails = Set(EmailTemplate.allCases.map(\.rawValue))
        for (path, source) in templates.merging(overrides, uniquingKeysWith: { $1 }) {
            let file = URL(fileURLWithPath: path).lastPathComponent
            if let names, emails.contains(file), !names.contains(file) { continue }
            let url = URL(fileURLWithPath: base).appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// Waits until at least `seconds` are left in the current minute, so that the minute the
    /// worker renders and the minute of the message's `Date` are the same.
    static func awaitEarlyInMinute(_ seconds: Int = 25) async throws {
        while 60 - Calendar(identifier: .gregorian).component(.second, from: Date()) < seconds {
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// Django's message for a delivered one.
    static func django(_ h: Harness, task: String, kwargs: String, received: String) throws -> [UInt8] {
        var arguments = [
            SigmaTestSupport.TestEnvironment.repositoryRoot.appendingPathComponent("scripts/mail/django_reference.py")
                .path,
            "--task", task, "--kwargs", kwargs, "--received", received, "--template-dir", h.base + "/templates",
            "--template-dir", h.base + "/servicio_tecnico/templates", "--from-email",
            "SIGMA Pruebas <noreply@sigma.example>",
        ]
        switch h.backend {
        case .sqlite:
            arguments += ["--sqlite", h.databaseConfiguration.sqlitePath(for: .mexico)]
        case .postgresql:
            arguments += [
                "--postgres",
                "host=\(Backend.pgHost) port=\(Backend.pgPort) user=\(Backend.pgUser) password=\(Backend.pgPassword) dbname=\(h.databaseConfiguration.mexicoName)",
            ]
        }
        let result = try ProcessRunner.runBlocking(
            SigmaTestSupport.TestEnvironment.python("django-5.2")!.path, arguments, timeout: 120)
        guard result.status == 0 else { throw HarnessError("django_reference.py failed: \(result.standardError)") }
        return Array(result.standardOutput.utf8)
    }

    /// The parts of a message (headers and body each), with its boundary, `Date` and
    /// `Message-ID` replaced by markers.
    static func parts(_ bytes: [UInt8]) -> [String] {
        var text = String(decoding: bytes, as: UTF8.self)
        if let match = text.firstMatch(of: /boundary="([^"]+)"/) {
            text = text.replacingOccurrences(of: String(match.1), with: "BOUNDARY")
        }
        text.replace(/\r\nDate: [^\r]*\r\n/, with: "\r\nDate: DATE\r\n")
        text.replace(/\r\nMessage-ID: <[^>]*>\r\n/, with: "\r\nMessage-ID: <ID>\r\n")
        return text.components(separatedBy: "--BOUNDARY")
    }

    static func expectSame(_ ours: [UInt8], _ django: [UInt8], _ label: String) {
        let mine = parts(ours)
        let theirs = parts(django)
        #expect(mine.count == theirs.count, "\(label): \(mine.count) parts against Django's \(theirs.count)")
        for (index, (a, b)) in zip(mine, theirs).enumerated() where a != b {
            let left = a.components(separatedBy: "\r\n")
            let right = b.components(separatedBy: "\r\n")
            let common = min(left.count, right.count)
            let line = (0..<common).first { left[$0] != right[$0] } ?? common
            Issue.record(
                """
                \(label), part \(index), line \(line + 1):
                  Django: \(line < right.count ? right[line].debugDescription : "<end>")
                  ours:   \(line < left.count ? left[line].debugDescription : "<end>")
                """)
        }
    }

    @Test(.timeLimit(.minutes(5)), arguments: Backend.allCases)
    func theDeliveredMessagesAreTheOnesDjangoBuilds(backend: Backend) async throws {
        if backend == .postgresql, !Backend.postgresAvailable { return }
        let logs = LogCapture()
        try await Harness.with(backend, prepare: { try Self.install($0) }, logs: logs) { h in
            let tasks = [
                ("imagenes", EndToEnd.imagenesKwargs), ("diagnostico", EndToEnd.diagnosticoKwargs),
                ("rhitso", EndToEnd.rhitsoKwargs),
            ]
            for (index, (task, kwargs)) in tasks.enumerated() {
                try await Self.awaitEarlyInMinute()
                let id = try h.enqueue(task, kwargs)
                let outcome = try h.result(id)
                #expect(outcome["status"] as? String == "SUCCESS", "\(task): \(outcome)")
                let messages = h.smtp.messages()
                try #require(messages.count == index + 1)
                let received = messages[index]
                let ours = Array(try Data(contentsOf: URL(fileURLWithPath: received)))
                let django = try Self.django(h, task: task, kwargs: kwargs, received: received)
                Self.expectSame(ours, django, "\(task) on \(backend)")
                #expect(try ParsedEmail.parse(ours).parts[0].transfer_encoding == "8bit")
            }
            let rendered = logs.all.filter { $0.contains("Plantilla del correo:") }
            #expect(rendered.count == 3)
            for name in ["imagenes_cliente.html", "diagnostico_cliente.html", "rhitso_envio.html"] {
                #expect(
                    rendered.contains {
                        $0.contains(h.base + "/servicio_tecnico/templates/servicio_tecnico/emails/" + name)
                    },
                    "no 'rendered from' line for \(name): \(rendered)")
            }
            for line in rendered { print("render: \(line)") }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func eachEmailFallsBackOnItsOwnAndTheLogNamesTheFile() async throws {
        let logs = LogCapture()
        try await Harness.with(.sqlite, prepare: { try Self.install($0, only: ["rhitso_envio.html"]) }, logs: logs) {
            h in
            let rhitso = try h.enqueue("rhitso", EndToEnd.rhitsoKwargs)
            let outcome = try h.result(rhitso)
            #expect(outcome["status"] as? String == "SUCCESS", "\(outcome)")
            let imagenes = try h.enqueue("imagenes", EndToEnd.imagenesKwargs)
            #expect(try h.result(imagenes)["status"] as? String == "SUCCESS")
            let messages = h.smtp.messages()
            try #require(messages.count == 2)
            let deployment = String(decoding: try ParsedEmail.parse(file: messages[0]).parts[0].data, as: UTF8.self)
            #expect(deployment.contains("Envío a laboratorio — OS-001-2026"))
            let builtIn = String(decoding: try ParsedEmail.parse(file: messages[1]).parts[0].data, as: UTF8.self)
            #expect(builtIn.contains("FOTOGRAFÍAS DE INGRESO") && !builtIn.contains("Estimado/a cliente: recibimos"))
            let lines = logs.all.filter { $0.contains("Plantilla del correo:") }
            #expect(
                lines.contains {
                    $0.contains("[RHITSO]")
                        && $0.contains(h.base + "/servicio_tecnico/templates/servicio_tecnico/emails/rhitso_envio.html")
                }, "\(lines)")
            #expect(
                lines.contains {
                    $0.contains("[IMAGENES]") && $0.contains("built-in servicio_tecnico/emails/imagenes_cliente.html")
                }, "\(lines)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aBrokenTemplateRetriesThreeTimesThenFailsAndSendsNothing() async throws {
        let broken = """
            <p>{{ orden.numero_orden_interno }}</p>
            {% if orden.descripcion_rhitso %}
            <p>{{ orden.descripcion_rhitso|no_such_filter }}</p>
            {% endif %}
            """
        let logs = LogCapture()
        try await Harness.with(
            .sqlite, retryCountdown: 1,
            prepare: {
                try Self.install(
                    $0, only: ["rhitso_envio.html"],
                    overrides: ["servicio_tecnico/templates/servicio_tecnico/emails/rhitso_envio.html": broken])
            }, logs: logs
        ) { h in
            let id = try h.enqueue("rhitso", EndToEnd.rhitsoKwargs)
            let seen = try await h.watch(id, seconds: 60)
            #expect(seen.first == "RETRY")
            #expect(seen.last == "FAILURE")
            let record = try #require(try h.storedRecord(id))
            let exception = try #require(record["result"] as? [String: Any])
            #expect(exception["exc_type"] as? String == "TemplateSyntaxError")
            #expect(exception["exc_module"] as? String == "django.template.exceptions")
            let message = (exception["exc_message"] as? [Any])?.first as? String ?? ""
            #expect(message.contains("Invalid filter: 'no_such_filter'"), "\(message)")
            #expect(message.contains("servicio_tecnico/emails/rhitso_envio.html, line 3"), "\(message)")
            // Four runs: the first and three retries, each ending in the task's error line.
            let runs = logs.all.filter { $0.contains("[RHITSO] Error en tarea de correo para Orden ID 1") }
            #expect(runs.count == 4, "\(runs)")
            #expect(h.smtp.messages().isEmpty)
            // No history row: the e-mail was never sent.
            #expect(try h.query("SELECT COUNT(*) FROM servicio_tecnico_historialorden WHERE orden_id = 1") == ["1"])
        }
    }

    /// A SIGMA checkout's own templates (`SIGMA_CHECKOUT`, e.g. SIGMA 64a1811 exported to a
    /// folder; never part of this repository): the three e-mails come out as Django sends them.
    @Test(
        .timeLimit(.minutes(5)),
        .enabled(
            if: ProcessInfo.processInfo.environment["SIGMA_CHECKOUT"] != nil,
            "set SIGMA_CHECKOUT to a SIGMA checkout to compare its own templates"))
    func aSigmaCheckoutsTemplatesGiveDjangosMessages() async throws {
        let checkout = ProcessInfo.processInfo.environment["SIGMA_CHECKOUT"]!
        let logs = LogCapture()
        let copy: (String) throws -> Void = { base in
            for folder in ["templates", "servicio_tecnico/templates"] {
                let source = URL(fileURLWithPath: checkout).appendingPathComponent(folder)
                guard FileManager.default.fileExists(atPath: source.path) else { continue }
                let target = URL(fileURLWithPath: base).appendingPathComponent(folder)
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: source, to: target)
            }
        }
        try await Harness.with(.sqlite, prepare: copy, logs: logs) { h in
            let tasks = [
                ("imagenes", EndToEnd.imagenesKwargs), ("diagnostico", EndToEnd.diagnosticoKwargs),
                ("rhitso", EndToEnd.rhitsoKwargs),
            ]
            for (index, (task, kwargs)) in tasks.enumerated() {
                try await Self.awaitEarlyInMinute()
                let id = try h.enqueue(task, kwargs)
                let outcome = try h.result(id)
                #expect(outcome["status"] as? String == "SUCCESS", "\(task): \(outcome)")
                let messages = h.smtp.messages()
                try #require(messages.count == index + 1)
                let ours = Array(try Data(contentsOf: URL(fileURLWithPath: messages[index])))
                let django = try Self.django(h, task: task, kwargs: kwargs, received: messages[index])
                Self.expectSame(ours, django, "SIGMA's \(task)")
            }
            for line in logs.all where line.contains("Plantilla del correo:") { print("render: \(line)") }
        }
    }
}
