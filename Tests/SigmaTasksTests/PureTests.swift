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
