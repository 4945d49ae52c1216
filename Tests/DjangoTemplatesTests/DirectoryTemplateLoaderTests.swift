import DjangoTemplates
import Foundation
import Testing

/// Template search as Django's loaders do it, on real folders: `DIRS` first, apps in order, the
/// first file wins, a changed file is parsed again and an unchanged one is not.
@Suite struct DirectoryTemplateLoaderTests {
    let base: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        let url = base.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    @Test func dirsComeBeforeAppsAndAppsKeepTheirOrder() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        try write("servicio_tecnico/templates/emails/a.html", "app a")
        try write("inventario/templates/emails/a.html", "other app a")
        try write("inventario/templates/emails/b.html", "other app b")
        let apps = ["inventario", "servicio_tecnico"]
        var loader = DirectoryTemplateLoader(baseDirectory: base.path, installedApps: apps)
        #expect(try loader.template(named: "emails/a.html")?.render([:]) == "other app a")
        loader = DirectoryTemplateLoader(baseDirectory: base.path, installedApps: apps.reversed())
        #expect(try loader.template(named: "emails/a.html")?.render([:]) == "app a")
        #expect(try loader.template(named: "emails/b.html")?.render([:]) == "other app b")
        try write("templates/emails/a.html", "project a")
        #expect(try loader.template(named: "emails/a.html")?.render([:]) == "project a")
        #expect(loader.path(for: "emails/a.html") == base.appendingPathComponent("templates/emails/a.html").path)
        #expect(try loader.template(named: "emails/none.html") == nil)
        #expect(loader.path(for: "../servicio_tecnico/templates/emails/a.html") == nil, "safe_join refuses it")
    }

    @Test func aChangedFileIsParsedAgainAndAnUnchangedOneIsNot() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        try write("templates/x.html", "uno {{ a }}")
        let loader = DirectoryTemplateLoader(folders: [base.appendingPathComponent("templates").path])
        let first = try #require(try loader.template(named: "x.html"))
        #expect(try loader.template(named: "x.html") === first)
        try write("templates/x.html", "dos {{ a }}!")
        let path = base.appendingPathComponent("templates/x.html").path
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: path)
        let second = try #require(try loader.template(named: "x.html"))
        #expect(second !== first)
        #expect(try second.render(["a": .int(2)]) == "dos 2!")
    }

    @Test func includesAndExtendsSearchTheSameFolders() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        try write("app/templates/base.html", "<{% block c %}{% endblock %}>{% include \"pie.html\" %}")
        try write("templates/pie.html", "pie")
        try write("app/templates/hijo.html", "{% extends \"base.html\" %}{% block c %}hijo{% endblock %}")
        try write("app/templates/roto.html", "{% include \"falta.html\" %}")
        let loader = DirectoryTemplateLoader(baseDirectory: base.path, installedApps: ["app"])
        #expect(try loader.template(named: "hijo.html")?.render([:]) == "<hijo>pie")
        let broken = try #require(try loader.template(named: "roto.html"))
        #expect(throws: TemplateSyntaxError.self) { try broken.render([:]) }
    }

    @Test func aBrokenTemplateNamesItsFileAndLine() throws {
        defer { try? FileManager.default.removeItem(at: base) }
        try write("templates/emails/roto.html", "<p>\n{% if a %}\nsin cerrar")
        let loader = DirectoryTemplateLoader(baseDirectory: base.path, installedApps: [])
        let error = #expect(throws: TemplateSyntaxError.self) { try loader.template(named: "emails/roto.html") }
        #expect(error?.template == "emails/roto.html" && error?.line == 2)
    }
}

extension DirectoryTemplateLoaderTests {
    @Test func theSearchComesFromOurSettingsWithSigmasDefaults() {
        defer { try? FileManager.default.removeItem(at: base) }
        let defaults = DirectoryTemplateLoader(environment: [:], workingDirectory: "/srv/sigma")
        #expect(defaults.folders.first == "/srv/sigma/templates")
        #expect(defaults.folders.contains("/srv/sigma/servicio_tecnico/templates"))
        #expect(defaults.folders.contains("/srv/sigma/django/contrib/admin/templates"))
        let configured = DirectoryTemplateLoader(
            environment: [
                "SIGMA_BASE_DIR": "/opt/app", "SIGMA_TEMPLATE_DIRS": "plantillas:/etc/sigma/templates",
                "SIGMA_INSTALLED_APPS": "servicio_tecnico, inventario",
            ], workingDirectory: "/srv/sigma")
        #expect(
            configured.folders == [
                "/opt/app/plantillas", "/etc/sigma/templates", "/opt/app/servicio_tecnico/templates",
                "/opt/app/inventario/templates",
            ])
    }
}
