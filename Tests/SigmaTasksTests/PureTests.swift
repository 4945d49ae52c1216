import CeleryWire
import CeleryWorker
import Foundation
import SigmaDatabase
import Testing

@testable import SigmaTasks

@Suite("Media and static files")
struct FileTests {
    @Test func countryPrefixIsAddedOnlyWhenMissing() {
        #expect(MediaStorage.prefixed("mexico/a/b.jpg", mediaSubdir: "mexico") == "mexico/a/b.jpg")
        #expect(
            MediaStorage.prefixed("servicio_tecnico/b.jpg", mediaSubdir: "mexico") == "mexico/servicio_tecnico/b.jpg")
        #expect(MediaStorage.prefixed("argentina/b.jpg", mediaSubdir: "mexico") == "mexico/argentina/b.jpg")
    }

    @Test func namesEscapingTheRootAreRefused() throws {
        #expect(throws: SigmaTaskError.self) { try MediaStorage.safeJoin(root: "/srv/media", name: "../etc/passwd") }
        #expect(throws: SigmaTaskError.self) { try MediaStorage.safeJoin(root: "/srv/media", name: "/etc/passwd") }
        #expect(throws: SigmaTaskError.self) { try MediaStorage.safeJoin(root: "/srv/media", name: "mexico/../../x") }
        #expect(
            try MediaStorage.safeJoin(root: "/srv/media", name: "mexico/./a/../b.jpg").path == "/srv/media/mexico/b.jpg"
        )
    }

    @Test func primaryRootThenAlternate() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-media-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let primary = base.appendingPathComponent("primary")
        let alternate = base.appendingPathComponent("alternate")
        for (root, name) in [(primary, "mexico/x/a.jpg"), (alternate, "mexico/x/a.jpg"), (alternate, "mexico/x/b.jpg")]
        {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([1]).write(to: url)
        }
        let storage = MediaStorage(primaryRoot: primary.path, alternateRoot: alternate.path)
        #expect(
            try storage.locate("x/a.jpg", mediaSubdir: "mexico")?.path
                == primary.appendingPathComponent("mexico/x/a.jpg").path)
        #expect(
            try storage.locate("mexico/x/b.jpg", mediaSubdir: "mexico")?.path
                == alternate.appendingPathComponent("mexico/x/b.jpg").path)
        #expect(try storage.locate("mexico/x/c.jpg", mediaSubdir: "mexico") == nil)
    }

    @Test func attachmentNamesForceJPG() {
        #expect(
            CustomerEmail.attachmentName(prefix: "ingreso", id: 2, storedName: "mexico/x/ingreso_1739999999002.png")
                == "ingreso_2_ingreso_1739999999002.jpg")
        #expect(CustomerEmail.attachmentName(prefix: "ingreso", id: 3, storedName: "a/b.jpeg") == "ingreso_3_b.jpg")
        #expect(
            CustomerEmail.attachmentName(prefix: "diagnostico", id: 4, storedName: "a/B.JPG") == "diagnostico_4_B.JPG")
        #expect(CustomerEmail.attachmentName(prefix: "ingreso", id: 5, storedName: "a/noext") == "ingreso_5_noext.jpg")
    }
}

@Suite("Templates and text")
struct TemplateTests {
    @Test func escapingMatchesDjango() {
        #expect(HTMLText.escape(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;")
    }

    @Test func linebreaksMatchesDjango() {
        #expect(HTMLText.linebreaks("uno\ndos\n\ntres") == "<p>uno<br>dos</p>\n\n<p>tres</p>")
        #expect(HTMLText.linebreaks("a\r\n\r\n\r\nb <c>") == "<p>a</p>\n\n<p>b &lt;c&gt;</p>")
    }

    @Test func everyBuiltInTemplateRenders() throws {
        let templates = EmailTemplates()
        let base: [String: Any] = [
            "orden": ["numero": "OS-1", "orden_cliente": "OS-1"],
            "equipo": [
                "tipo": "Laptop", "marca": "HP", "modelo": "X", "numero_serie": "S1",
                "fecha_ingreso": "01/01/2026 10:00", "tiene_cargador": true, "serie_cargador": "C1", "cargador": "C1",
            ] as [String: Any],
            "mensaje_html": "<p>hola</p>", "cantidad_imagenes": 2, "varias_imagenes": true, "total_adjuntos": 3,
            "varios_adjuntos": true, "empresa_nombre": "SIC México", "pais_nombre": "México",
            "whatsapp_empleado": "52555",
            "email_empleado": "e@x", "nombre_empleado": "Juan", "fecha_envio": "02/01/2026", "hora_envio": "09:30",
            "hay_logo": true, "folio": "F-1", "descripcion_falla": "No enciende",
        ]
        let diagnostico = try templates.render("diagnostico_cliente.html", context: base)
        #expect(diagnostico.contains("<title>Diagnóstico - F-1</title>"))
        #expect(diagnostico.contains("https://wa.me/52555") && diagnostico.contains("cid:logo_sic"))
        #expect(diagnostico.contains("archivos adjuntos") && diagnostico.contains("2 imágenes"))
        #expect(diagnostico.contains("Enviado el 02/01/2026 a las 09:30"))
        var single = base
        single["whatsapp_empleado"] = ""
        single["varios_adjuntos"] = false
        single["cantidad_imagenes"] = 0
        single["total_adjuntos"] = 1
        single["nombre_empleado"] = ""
        let plain = try templates.render("diagnostico_cliente.html", context: single)
        #expect(
            !plain.contains("wa.me") && plain.contains("archivo adjunto a este correo")
                && plain.contains("su responsable de seguimiento"))
        let imagenes = try templates.render("imagenes_cliente.html", context: base)
        #expect(
            imagenes.contains("FOTOGRAFÍAS DE INGRESO") && imagenes.contains("(S/N: C1)")
                && imagenes.contains("fotografías adjuntas"))
        let rhitso = try templates.render("rhitso_envio.html", context: base)
        #expect(
            rhitso.contains("ENVÍO RHITSO") && rhitso.contains("No enciende") && rhitso.contains("cis_mex@sic.com.mx"))
    }

    @Test func overrideFolderWins() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Orden {{ orden.numero }}".write(
            to: folder.appendingPathComponent("rhitso_envio.html"), atomically: true, encoding: .utf8)
        let html = try EmailTemplates(overrideDirectory: folder.path).render(
            "rhitso_envio.html", context: ["orden": ["numero": "7"]])
        #expect(html == "Orden 7")
    }
}

@Suite("Arguments and configuration")
struct ArgumentTests {
    @Test func componentDefaults() {
        let entry = DiagnosticoTask.component(["componente_db": "RAM"])
        #expect(entry.componenteDB == "RAM" && entry.dpn == "" && !entry.seleccionado && entry.esNecesaria)
    }

    @Test func bothCallShapesBind() throws {
        let old = try RhitsoTask.signature.bind(
            args: [],
            kwargs: ["orden_id": 1, "destinatarios_principales": ["a@b"], "copia_empleados": [], "usuario_id": 7])
        #expect(old["db_alias"] == "default")
        let head = try ImagenesTask.signature.bind(
            args: [],
            kwargs: [
                "orden_id": 1, "imagenes_ids": ["1"], "destinatarios_copia": [], "mensaje_personalizado": "",
                "usuario_id": nil, "modelo_ia_inspeccion": "", "db_alias": "argentina", "futuro": 1,
            ])
        #expect(head["db_alias"] == "argentina")
        let positional = try DiagnosticoTask.signature.bind(
            args: [1, "F", [], [], [], "", "", ""], kwargs: JSONObject())
        #expect(positional["folio"] == "F")
        #expect(throws: TaskFailure.self) { try ImagenesTask.signature.bind(args: [], kwargs: ["orden_id": 1]) }
    }

    @Test func environmentKeys() throws {
        let configuration = try SigmaTaskConfiguration(environment: [
            "SIGMA_BASE_DIR": "/srv/sigma", "PRIMARY_MEDIA_ROOT": "/mnt/a", "SIGMA_STATICFILES_DIRS": "static:/opt/s",
            "SIGMA_RETRY_COUNTDOWN": "2.5",
        ])
        #expect(configuration.primaryMediaRoot == "/mnt/a")
        #expect(configuration.alternateMediaRoot == "/srv/sigma/media")
        #expect(configuration.staticDirectories == ["/srv/sigma/static", "/opt/s"])
        #expect(configuration.temporaryRoot == "/srv/sigma/media/temp")
        #expect(configuration.retryCountdown == 2.5)
        #expect(throws: SigmaTaskError.self) {
            try SigmaTaskConfiguration(environment: ["SIGMA_RETRY_COUNTDOWN": "soon"])
        }
    }
}
