/// How to reach SIGMA's country databases, as Django's `DATABASES` setting describes them.
///
/// PostgreSQL: every country database lives on one server with one user. SQLite: one file per
/// country, relative to ``baseDirectory``. Reading it from the environment:
/// ``init(environment:)`` in `DatabaseConfiguration+Environment.swift`.
public struct DatabaseConfiguration: Sendable {
    /// PostgreSQL or SQLite.
    public var engine: DatabaseEngine
    /// `DB_NAME`: the Mexico (`default`) database name, or its SQLite file.
    public var mexicoName: String
    /// `DB_NAME_AR`: the Argentina database name, or its SQLite file.
    public var argentinaName: String
    /// `DB_USER` (PostgreSQL only).
    public var user: String
    /// `DB_PASSWORD` (PostgreSQL only). Never logged, never in an error message.
    public var password: String
    /// `DB_HOST` (PostgreSQL only).
    public var host: String
    /// `DB_PORT` (PostgreSQL only).
    public var port: Int
    /// Django's `BASE_DIR`: SQLite paths are joined to it (an absolute name replaces it).
    public var baseDirectory: String
    /// Bound on opening a connection (Django uses `connect_timeout=10`).
    public var connectTimeout: Duration
    /// Bound on every statement (server side on PostgreSQL, plus a client-side deadline).
    public var queryTimeout: Duration
    /// Most connections one country database's pool opens per event loop.
    public var maxConnectionsPerEventLoop: Int

    /// Creates a configuration; every default is Django's PostgreSQL default.
    ///
    /// - Parameters:
    ///   - engine: PostgreSQL or SQLite.
    ///   - mexicoName: `DB_NAME`; `nil` picks the engine's default.
    ///   - argentinaName: `DB_NAME_AR`; `nil` picks the engine's default.
    ///   - user: `DB_USER`.
    ///   - password: `DB_PASSWORD`.
    ///   - host: `DB_HOST`.
    ///   - port: `DB_PORT`.
    ///   - baseDirectory: `BASE_DIR` for SQLite files.
    ///   - connectTimeout: bound on opening a connection.
    ///   - queryTimeout: bound on every statement.
    ///   - maxConnectionsPerEventLoop: pool size per event loop.
    public init(
        engine: DatabaseEngine = .postgresql,
        mexicoName: String? = nil,
        argentinaName: String? = nil,
        user: String = "django_user",
        password: String = "",
        host: String = "localhost",
        port: Int = 5432,
        baseDirectory: String = ".",
        connectTimeout: Duration = .seconds(10),
        queryTimeout: Duration = .seconds(30),
        maxConnectionsPerEventLoop: Int = 2
    ) {
        self.engine = engine
        self.mexicoName = mexicoName ?? (engine == .sqlite ? "db.sqlite3" : "inventario_mexico")
        self.argentinaName = argentinaName ?? (engine == .sqlite ? "db_argentina.sqlite3" : "inventario_argentina")
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.baseDirectory = baseDirectory
        self.connectTimeout = connectTimeout
        self.queryTimeout = queryTimeout
        self.maxConnectionsPerEventLoop = maxConnectionsPerEventLoop
    }

    /// The database name (PostgreSQL) or file name as configured (SQLite) of a country database.
    ///
    /// - Parameter alias: the country database.
    public func databaseName(for alias: DatabaseAlias) -> String {
        alias == .argentina ? argentinaName : mexicoName
    }

    /// The SQLite file of a country database: `BASE_DIR / name` with pathlib semantics.
    ///
    /// - Parameter alias: the country database.
    public func sqlitePath(for alias: DatabaseAlias) -> String {
        Self.joinPath(baseDirectory, databaseName(for: alias))
    }

    /// Where a country database lives, for messages: `host:port/name` or the SQLite path.
    ///
    /// - Parameter alias: the country database.
    public func location(for alias: DatabaseAlias) -> String {
        switch engine {
        case .postgresql: "\(host):\(port)/\(databaseName(for: alias))"
        case .sqlite: sqlitePath(for: alias)
        }
    }

    /// Python's `pathlib.Path(base) / name`: an absolute `name` replaces `base`.
    ///
    /// - Parameters:
    ///   - base: the base directory.
    ///   - name: a relative or absolute path.
    static func joinPath(_ base: String, _ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if base.isEmpty { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }
}

extension DatabaseConfiguration: CustomStringConvertible {
    /// A description without the password.
    public var description: String {
        switch engine {
        case .postgresql:
            "postgresql://\(user)@\(host):\(port) (mexico: \(mexicoName), argentina: \(argentinaName))"
        case .sqlite:
            "sqlite (mexico: \(sqlitePath(for: .mexico)), argentina: \(sqlitePath(for: .argentina)))"
        }
    }
}

extension DatabaseConfiguration: CustomDebugStringConvertible, CustomReflectable {
    /// The same password-free text as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the password, so `dump` and `String(reflecting:)` cannot leak it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "engine": engine, "mexicoName": mexicoName, "argentinaName": argentinaName, "user": user,
                "password": password.isEmpty ? "" : "<redacted>", "host": host, "port": port,
                "baseDirectory": baseDirectory, "connectTimeout": connectTimeout, "queryTimeout": queryTimeout,
                "maxConnectionsPerEventLoop": maxConnectionsPerEventLoop,
            ])
    }
}
