import DjangoTemplates
import Foundation
import Testing

@testable import SigmaTasks

/// The e-mail renderer on real folders, without a worker: which template an e-mail uses, the
/// search order, reloading, the clocks, and the errors that are never a fallback.
@Suite("E-mail templates: deployment search, fallback, reload and errors")
struct EmailTemplateTests {
    /// A scratch `BASE_DIR`.
    final class Project {
        let base: String

        init() throws {
            base =
                FileManager.default.temporaryDirectory.appendingPathComponent("sigma-templates-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: base) }

        func write(_ path: String, _ source: String) throws {
            let url = URL(fileURLWithPath: base).appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try source.write(to: url, atomically: false, encoding: .utf8)
        }

        func templates(_ environment: [String: String] = [:]) throws -> EmailTemplates {
            var variables = environment
            variables["SIGMA_BASE_DIR"] = base
            let configuration = try SigmaTaskConfiguration(environment: variables)
            return EmailTemplates(
                search: DirectoryTemplateLoader(folders: configuration.templateFolders),
                settings: configuration.templateSettings)
        }
    }

    /// 2026-03-05 14:07 UTC, 08:07 in Mexico City.
    static let intake: TemplateValue = .dateTime(1_772_719_620, naive: false)

    static func context(_ rendering: EmailRendering) -> [String: TemplateValue] {
        let detail: TemplateValue = .object(
            "LAPTOP HP Pavilion - S/N: 5CD",
            attributes: [
                ("tipo_equipo", .text("Laptop")), ("marca", .text("HP")), ("modelo", .text("Pavilion 15")),
                ("numero_serie", .text("5CD<1>")), ("orden_cliente", .text("OS-7")), ("tiene_cargador", .bool(true)),
                ("numero_serie_cargador", .text("CHG-1")),
            ])
        return [
            "orden": .object(
                "ORD-7 - Centro (En diagnóstico)",
                attributes: [
                    ("numero_orden_interno", .text("ORD-7")), ("fecha_ingreso", intake),
                    ("descripcion_rhitso", .text("No enciende & huele a quemado")), ("detalle_equipo", detail),
                ]),
            "detalle": detail, "folio": .text("DX-1"), "mensaje_personalizado": .text("Hola <b>\n\nAdiós"),
            "fecha_envio_texto": .text("05/03/2026"), "hora_envio_texto": .text("08:07"), "cantidad_imagenes": .int(2),
            "empresa_nombre": .text("SIC México"), "pais_nombre": .text("México"), "whatsapp_empleado": .text("52555"),
            "email_empleado": .text("e@x.mx"), "nombre_empleado": .text("Juan"), "fecha_actual": .text("05/03/2026"),
            "hora_actual": .text("14:07"), "hay_logo": .bool(true),
        ]
    }

    @Test func withoutDeploymentTemplatesEveryEmailUsesItsBuiltInWithTheCountrysClock() throws {
        let project = try Project()
        let templates = try project.templates()
        for email in EmailTemplate.allCases {
            var seen: EmailRendering?
            let body = try templates.render(email, countryTimeZone: "America/Mexico_City") { rendering in
                seen = rendering
                return Self.context(rendering)
            }
            #expect(body.source == .builtIn(name: email.name))
            #expect(seen?.isDeployment == false)
            #expect(seen?.settings.timeZone == "America/Mexico_City" && seen?.serverTimeZone == "America/Mexico_City")
            #expect(!body.html.contains("{{") && !body.html.contains("{%"))
        }
        let diagnostico = try templates.render(
            .diagnostico, countryTimeZone: "America/Mexico_City", values: Self.context)
        #expect(diagnostico.html.contains("<title>Diagnóstico - DX-1</title>"))
        #expect(diagnostico.html.contains("https://wa.me/52555") && diagnostico.html.contains("cid:logo_sic"))
        #expect(diagnostico.html.contains("archivos adjuntos") && diagnostico.html.contains("2 imágenes"))
        #expect(diagnostico.html.contains("05/03/2026 08:07"), "Fecha de Ingreso in Mexico City time")
        #expect(diagnostico.html.contains("<p>Hola &lt;b&gt;</p>\n\n<p>Adiós</p>"))
        #expect(diagnostico.html.contains("5CD&lt;1&gt;"))
        let rhitso = try templates.render(.rhitso, countryTimeZone: "America/Mexico_City", values: Self.context)
        #expect(rhitso.html.contains("No enciende &amp; huele a quemado") && rhitso.html.contains("CHG-1"))
        #expect(rhitso.html.contains("HP Pavilion 15") && rhitso.html.contains(">OS-7<"))
        let imagenes = try templates.render(.imagenes, countryTimeZone: "America/Mexico_City", values: Self.context)
        #expect(imagenes.html.contains("(S/N: CHG-1)") && imagenes.html.contains("fotografías adjuntas"))
    }

    @Test func aDeploymentTemplateReplacesOnlyItsOwnEmailAndUsesDjangosClock() throws {
        let project = try Project()
        try project.write(
            "servicio_tecnico/templates/servicio_tecnico/emails/diagnostico_cliente.html",
            "{{ orden.fecha_ingreso|date:\"d/m/Y H:i\" }} {{ folio }}")
        let templates = try project.templates()
        var seen: EmailRendering?
        let body = try templates.render(.diagnostico, countryTimeZone: "America/Mexico_City") { rendering in
            seen = rendering
            return Self.context(rendering)
        }
        #expect(body.html == "05/03/2026 14:07 DX-1", "UTC, as SIGMA's TIME_ZONE")
        #expect(
            body.source
                == .deployment(
                    path: project.base + "/servicio_tecnico/templates/servicio_tecnico/emails/diagnostico_cliente.html")
        )
        #expect(seen?.isDeployment == true && seen?.serverTimeZone == "UTC")
        #expect(
            try templates.render(.imagenes, countryTimeZone: "UTC", values: Self.context).source
                == .builtIn(name: EmailTemplate.imagenes.name))
        // Django's TIME_ZONE, when the deployment sets another.
        let local = try project.templates(["SIGMA_TIME_ZONE": "America/Mexico_City"])
        #expect(
            try local.render(.diagnostico, countryTimeZone: "UTC", values: Self.context).html == "05/03/2026 08:07 DX-1"
        )
    }

    @Test func dirsComeBeforeAppsAndAppsInInstalledOrder() throws {
        let project = try Project()
        let name = "servicio_tecnico/emails/rhitso_envio.html"
        try project.write("almacen/templates/" + name, "almacen")
        try project.write("servicio_tecnico/templates/" + name, "servicio_tecnico")
        #expect(
            try project.templates().render(.rhitso, countryTimeZone: "UTC", values: Self.context).html
                == "servicio_tecnico")
        let reordered = try project.templates(["SIGMA_INSTALLED_APPS": "almacen, servicio_tecnico"])
        #expect(try reordered.render(.rhitso, countryTimeZone: "UTC", values: Self.context).html == "almacen")
        try project.write("templates/" + name, "dirs")
        #expect(try project.templates().render(.rhitso, countryTimeZone: "UTC", values: Self.context).html == "dirs")
        try project.write("otra/" + name, "otra")
        let dirs = try project.templates(["SIGMA_TEMPLATE_DIRS": "otra:templates"])
        #expect(try dirs.render(.rhitso, countryTimeZone: "UTC", values: Self.context).html == "otra")
    }

    @Test func anEditedTemplateIsReloadedAndAnUnchangedOneIsNotParsedAgain() throws {
        let project = try Project()
        let path = "servicio_tecnico/templates/servicio_tecnico/emails/imagenes_cliente.html"
        try project.write(path, "uno {{ folio }}")
        let templates = try project.templates()
        #expect(try templates.render(.imagenes, countryTimeZone: "UTC", values: Self.context).html == "uno DX-1")
        let first = try templates.search.template(named: EmailTemplate.imagenes.name)
        #expect(try templates.search.template(named: EmailTemplate.imagenes.name) === first)
        try project.write(path, "dos {{ folio }}")
        let url = URL(fileURLWithPath: project.base).appendingPathComponent(path)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: url.path)
        #expect(try templates.render(.imagenes, countryTimeZone: "UTC", values: Self.context).html == "dos DX-1")
    }

    @Test func brokenAndIncompleteDeploymentTemplatesAreErrorsNotFallbacks() throws {
        let project = try Project()
        let folder = "servicio_tecnico/templates/servicio_tecnico/emails/"
        try project.write(folder + "rhitso_envio.html", "<p>\n{% if orden %}\n{{ folio|sin_filtro }}\n{% endif %}")
        try project.write(folder + "imagenes_cliente.html", "{% include \"servicio_tecnico/emails/falta.html\" %}")
        try project.write(folder + "diagnostico_cliente.html", "{% extends \"base_que_no_existe.html\" %}")
        let templates = try project.templates()
        let syntax = #expect(throws: EmailTemplateError.self) {
            try templates.render(.rhitso, countryTimeZone: "UTC", values: Self.context)
        }
        #expect(syntax?.typeName == "TemplateSyntaxError")
        #expect(syntax?.message == "Invalid filter: 'sin_filtro' (servicio_tecnico/emails/rhitso_envio.html, line 3)")
        #expect(syntax?.exceptionInfo.module == "django.template.exceptions")
        for email in [EmailTemplate.imagenes, .diagnostico] {
            let missing = #expect(throws: EmailTemplateError.self) {
                try templates.render(email, countryTimeZone: "UTC", values: Self.context)
            }
            #expect(missing?.typeName == "TemplateDoesNotExist", "\(email)")
        }
    }
}
