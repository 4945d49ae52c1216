import Foundation
import Synchronization

/// Django's `filesystem` and `app_directories` loaders together: each folder of `DIRS` in order,
/// then the `templates/` folder of each installed app in `INSTALLED_APPS` order; the first file
/// found wins. A parsed template is kept and parsed again only when its file's modification
/// time (or size) changes, so a render never parses an unchanged file.
public final class DirectoryTemplateLoader: TemplateLoader {
    /// The folders searched, in order.
    public let folders: [String]

    private struct Cached {
        var path: String
        var modified: Double
        var size: Int
        var template: Template
    }

    private let cache = Mutex<[String: Cached]>([:])

    public init(folders: [String]) { self.folders = folders }

    /// The search Django's settings describe: `DIRS` (default `<base>/templates`, as SIGMA's
    /// settings), then `<base>/<app>/templates` for each app (a dotted name is a package path).
    public convenience init(baseDirectory: String, dirs: [String]? = nil, installedApps: [String]) {
        let base = URL(fileURLWithPath: baseDirectory)
        let first = (dirs ?? [base.appendingPathComponent("templates").path]).map { folder in
            folder.hasPrefix("/") ? folder : base.appendingPathComponent(folder).path
        }
        let apps = installedApps.map {
            base.appendingPathComponent($0.replacingOccurrences(of: ".", with: "/")).appendingPathComponent("templates")
                .path
        }
        self.init(folders: first + apps)
    }

    /// The file a name resolves to, or nil (Django's `TemplateDoesNotExist`). A name that leaves
    /// its folder (`../`, an absolute path) resolves to nothing, as Django's `safe_join` refuses it.
    public func path(for name: String) -> String? {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else { return nil }
        for folder in folders {
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        return nil
    }

    public func template(named name: String) throws(TemplateSyntaxError) -> Template? {
        guard let path = path(for: name) else { return nil }
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
        let size = Int(status.st_size)
        if let cached = cache.withLock({ $0[name] }), cached.path == path, cached.modified == modified,
            cached.size == size
        {
            return cached.template
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let source = String(data: data, encoding: .utf8) else {
            throw TemplateSyntaxError(template: name, line: 1, "\(path) is not valid UTF-8")
        }
        let template = try Template(source: source, name: name, loader: self)
        cache.withLock { $0[name] = Cached(path: path, modified: modified, size: size, template: template) }
        return template
    }
}

extension DirectoryTemplateLoader {
    /// SIGMA's `INSTALLED_APPS` (64a1811), in order; Django's own apps and pip packages have no
    /// folder under `BASE_DIR`, so only SIGMA's apps are searched in practice.
    public static let sigmaInstalledApps = [
        "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
        "django.contrib.messages", "django.contrib.staticfiles", "axes", "inventario", "scorecard", "servicio_tecnico",
        "almacen", "django_celery_beat",
    ]

    /// The search from our settings, since the worker cannot read `settings.py`:
    /// `SIGMA_BASE_DIR` (Django's `BASE_DIR`; default the working directory), `SIGMA_TEMPLATE_DIRS`
    /// (`DIRS`, `:`-separated, relative to the base; default `templates`) and
    /// `SIGMA_INSTALLED_APPS` (comma-separated; default SIGMA's list).
    public convenience init(environment: [String: String], workingDirectory: String) {
        let base = environment["SIGMA_BASE_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? workingDirectory
        let dirs = environment["SIGMA_TEMPLATE_DIRS"].map {
            $0.split(separator: ":").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        let apps =
            environment["SIGMA_INSTALLED_APPS"].map {
                $0.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            } ?? Self.sigmaInstalledApps
        self.init(baseDirectory: base, dirs: dirs, installedApps: apps)
    }
}
