#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DatabaseConfiguration {
    /// Reads the configuration from environment variables, spelled as SIGMA's Django settings.
    ///
    /// | Key | Type | Default |
    /// |---|---|---|
    /// | `DB_ENGINE` | string; contains `sqlite3` → SQLite | `django.db.backends.postgresql` |
    /// | `DB_NAME` | string (SQLite: path joined to the base dir) | `inventario_mexico` / `db.sqlite3` |
    /// | `DB_NAME_AR` | string (SQLite: path joined to the base dir) | `inventario_argentina` / `db_argentina.sqlite3` |
    /// | `DB_USER` | string | `django_user` |
    /// | `DB_PASSWORD` | string (secret, never logged) | empty |
    /// | `DB_HOST` | string; empty → `localhost` | `localhost` |
    /// | `DB_PORT` | integer; empty → 5432 | `5432` |
    /// | `SIGMA_BASE_DIR` | path (Django's `BASE_DIR`) | the current directory |
    /// | `SIGMA_DB_CONNECT_TIMEOUT` | seconds, integer | `10` |
    /// | `SIGMA_DB_QUERY_TIMEOUT` | seconds, integer | `30` |
    /// | `SIGMA_DB_POOL_SIZE` | connections per event loop, integer ≥ 1 | `2` |
    ///
    /// The caller merges `.env` values into `environment` first (real variables win).
    ///
    /// - Parameter environment: the variables; defaults to the process environment.
    /// - Throws: ``SigmaDatabaseError`` with code `invalidConfiguration` for a non-numeric number.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let engine = DatabaseEngine(djangoEngine: environment["DB_ENGINE"] ?? "django.db.backends.postgresql")
        let host = environment["DB_HOST"] ?? ""
        self.init(
            engine: engine,
            mexicoName: environment["DB_NAME"],
            argentinaName: environment["DB_NAME_AR"],
            user: environment["DB_USER"] ?? "django_user",
            password: environment["DB_PASSWORD"] ?? "",
            host: host.isEmpty ? "localhost" : host,
            port: try Self.integer(environment, "DB_PORT", default: 5432, minimum: 1),
            baseDirectory: environment["SIGMA_BASE_DIR"] ?? FileManager.default.currentDirectoryPath,
            connectTimeout: .seconds(
                try Self.integer(environment, "SIGMA_DB_CONNECT_TIMEOUT", default: 10, minimum: 1)),
            queryTimeout: .seconds(try Self.integer(environment, "SIGMA_DB_QUERY_TIMEOUT", default: 30, minimum: 1)),
            maxConnectionsPerEventLoop: try Self.integer(environment, "SIGMA_DB_POOL_SIZE", default: 2, minimum: 1)
        )
    }

    private static func integer(_ environment: [String: String], _ key: String, default value: Int, minimum: Int) throws
        -> Int
    {
        guard let text = environment[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return value }
        guard let number = Int(text), number >= minimum else {
            throw SigmaDatabaseError(
                code: .invalidConfiguration,
                message: "\(key) must be an integer ≥ \(minimum), got '\(text)'"
            )
        }
        return number
    }
}
