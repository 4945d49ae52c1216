import DjangoTemplates
import Foundation

extension SigmaTaskConfiguration {
    /// Reads the configuration from the environment (the caller merges `.env` in first).
    ///
    /// | Key | Type | Default |
    /// |---|---|---|
    /// | `SIGMA_BASE_DIR` | path (Django's `BASE_DIR`) | the current directory |
    /// | `PRIMARY_MEDIA_ROOT` | path | `BASE_DIR/media` |
    /// | `ALTERNATE_MEDIA_ROOT` | path | `BASE_DIR/media` |
    /// | `SIGMA_TEMP_DIR` | path | `BASE_DIR/media/temp` |
    /// | `SIGMA_STATIC_ROOT` | path (Django's `STATIC_ROOT`) | `BASE_DIR/staticfiles` |
    /// | `SIGMA_STATICFILES_DIRS` | paths separated by `:` or `,` (Django's `STATICFILES_DIRS`) | `BASE_DIR/static` |
    /// | `SIGMA_TEMPLATE_DIRS` | paths separated by `:` (Django's `TEMPLATES["DIRS"]`) | `BASE_DIR/templates` |
    /// | `SIGMA_INSTALLED_APPS` | app names separated by `,` (their `templates/` folders are searched) | SIGMA's `INSTALLED_APPS` |
    /// | `SIGMA_TIME_ZONE` | Django's `TIME_ZONE` for the deployment's templates | `UTC` |
    /// | `SIGMA_USE_TZ` | Django's `USE_TZ` (`True`/`False`) | `True` |
    /// | `SIGMA_LANGUAGE_CODE` | Django's `LANGUAGE_CODE` | `es-mx` |
    /// | `SIGMA_STATIC_URL` | Django's `STATIC_URL` (`{% static %}`) | `/static/` |
    /// | `SIGMA_RETRY_COUNTDOWN` | seconds, decimal ≥ 0 | `60` |
    /// | `SIGMA_BLOCKING_THREADS` | integer ≥ 1 | number of CPUs, at most 4 |
    ///
    /// Relative paths are taken relative to `BASE_DIR`, as Django's `BASE_DIR / …` joins do.
    ///
    /// - Parameter environment: the variables.
    /// - Throws: ``SigmaTaskError`` for a malformed number.
    public init(environment: [String: String]) throws {
        func value(_ key: String) -> String? {
            guard let raw = environment[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        let base = value("SIGMA_BASE_DIR") ?? FileManager.default.currentDirectoryPath
        func path(_ key: String) -> String? {
            value(key).map { $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: base).appendingPathComponent($0).path }
        }
        let statics = value("SIGMA_STATICFILES_DIRS").map { list in
            list.split(whereSeparator: { $0 == ":" || $0 == "," }).map { item -> String in
                let text = item.trimmingCharacters(in: .whitespaces)
                return text.hasPrefix("/") ? text : URL(fileURLWithPath: base).appendingPathComponent(text).path
            }.filter { !$0.isEmpty }
        }
        var countdown = 60.0
        if let raw = value("SIGMA_RETRY_COUNTDOWN") {
            guard let number = Double(raw), number >= 0 else {
                throw SigmaTaskError.configuration(
                    "SIGMA_RETRY_COUNTDOWN must be a number of seconds ≥ 0, got '\(raw)'")
            }
            countdown = number
        }
        var threads = min(4, ProcessInfo.processInfo.activeProcessorCount)
        if let raw = value("SIGMA_BLOCKING_THREADS") {
            guard let number = Int(raw), number >= 1 else {
                throw SigmaTaskError.configuration("SIGMA_BLOCKING_THREADS must be an integer ≥ 1, got '\(raw)'")
            }
            threads = number
        }
        var templateEnvironment = environment
        templateEnvironment["SIGMA_BASE_DIR"] = base
        let templateFolders = DirectoryTemplateLoader(environment: templateEnvironment, workingDirectory: base).folders
        var settings = TemplateSettings()
        if let zone = value("SIGMA_TIME_ZONE") {
            guard TimeZone(identifier: zone) != nil else {
                throw SigmaTaskError.configuration("SIGMA_TIME_ZONE must be an IANA time zone, got '\(zone)'")
            }
            settings.timeZone = zone
        }
        if let raw = value("SIGMA_USE_TZ") {
            switch raw.lowercased() {
            case "true", "1", "yes", "on", "y", "t": settings.useTZ = true
            case "false", "0", "no", "off", "n", "f": settings.useTZ = false
            default: throw SigmaTaskError.configuration("SIGMA_USE_TZ must be True or False, got '\(raw)'")
            }
        }
        if let code = value("SIGMA_LANGUAGE_CODE") { settings.languageCode = code.lowercased() }
        if let url = value("SIGMA_STATIC_URL") { settings.staticURL = url }
        self.init(
            baseDirectory: base, primaryMediaRoot: path("PRIMARY_MEDIA_ROOT"),
            alternateMediaRoot: path("ALTERNATE_MEDIA_ROOT"), temporaryRoot: path("SIGMA_TEMP_DIR"),
            staticRoot: path("SIGMA_STATIC_ROOT"), staticDirectories: statics,
            templateFolders: templateFolders, templateSettings: settings, retryCountdown: countdown,
            blockingThreads: threads
        )
    }
}
