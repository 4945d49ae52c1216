import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit

/// One country's database: a connection pool plus the way to run a task's statements on it.
public final class CountryDatabase: Sendable {
    /// Which country database this is.
    public let alias: DatabaseAlias
    /// PostgreSQL or SQLite.
    public let engine: DatabaseEngine
    /// `host:port/name` or the SQLite path, for messages.
    public let location: String
    private let pool: ConnectionPoolBox
    private let connectTimeout: Duration
    private let queryTimeout: Duration
    private let logger: Logger

    /// Creates the pool of one country database; no connection is opened until first use.
    ///
    /// - Parameters:
    ///   - alias: the country database.
    ///   - configuration: where the databases are.
    ///   - logger: receives this layer's own messages (never a password or a statement).
    ///   - eventLoopGroup: the loops the connections run on.
    public init(
        alias: DatabaseAlias,
        configuration: DatabaseConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.alias = alias
        self.engine = configuration.engine
        self.location = configuration.location(for: alias)
        self.connectTimeout = configuration.connectTimeout
        self.queryTimeout = configuration.queryTimeout
        var logger = logger
        logger[metadataKey: "db.alias"] = .string(alias.rawValue)
        self.logger = logger
        // The pool and drivers log raw error dumps; keep them out of the application's log.
        var quiet = Logger(label: "sigma.database.pool")
        quiet.logLevel = .critical
        switch configuration.engine {
        case .postgresql:
            var core = PostgresConnection.Configuration(
                host: configuration.host, port: configuration.port, username: configuration.user,
                password: configuration.password.isEmpty ? nil : configuration.password,
                database: configuration.databaseName(for: alias), tls: .disable
            )
            core.options.connectTimeout = configuration.connectTimeout.timeAmount
            core.options.additionalStartupParameters = [
                ("TimeZone", "UTC"),
                ("statement_timeout", "\(configuration.queryTimeout.milliseconds)"),
                ("application_name", "sigma-worker"),
            ]
            pool = ConnectionPoolBox(
                postgres: PostgresConnectionSource(sqlConfiguration: .init(coreConfiguration: core)),
                maxPerEventLoop: configuration.maxConnectionsPerEventLoop,
                requestTimeout: configuration.connectTimeout, logger: quiet, group: eventLoopGroup
            )
        case .sqlite:
            pool = ConnectionPoolBox(
                sqlite: SQLiteFileSource(
                    path: configuration.sqlitePath(for: alias),
                    busyTimeoutMilliseconds: configuration.queryTimeout.milliseconds,
                    threadPool: .singleton
                ),
                maxPerEventLoop: configuration.maxConnectionsPerEventLoop,
                requestTimeout: configuration.connectTimeout, logger: quiet, group: eventLoopGroup
            )
        }
    }

    /// Runs `body` with one connection in autocommit mode (each statement commits on its own).
    ///
    /// - Parameter body: the statements to run.
    /// - Returns: what `body` returns.
    /// - Throws: ``SigmaDatabaseError`` for database failures, or what `body` throws.
    public func withSession<Result>(_ body: (DatabaseSession) async throws -> Result) async throws -> Result {
        let connection = try await lease()
        let session = session(on: connection)
        let result: Result
        do {
            result = try await body(session)
        } catch {
            await giveBack(connection, health: session.health)
            throw error
        }
        await giveBack(connection, health: session.health)
        return result
    }

    /// Runs `body` inside one transaction: everything it writes commits together, or nothing does.
    ///
    /// An error thrown by `body` (or by a statement, or by `COMMIT` such as a deferred foreign
    /// key) rolls the transaction back and is rethrown.
    ///
    /// - Parameter body: the statements to run.
    /// - Returns: what `body` returns.
    /// - Throws: ``SigmaDatabaseError`` for database failures, or what `body` throws.
    public func transaction<Result>(_ body: (DatabaseSession) async throws -> Result) async throws -> Result {
        let connection = try await lease()
        let session = session(on: connection)
        let result: Result
        do {
            try await session.execute(engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")
            result = try await body(session)
            try await session.execute("COMMIT")
        } catch {
            await rollBack(session)
            await giveBack(connection, health: session.health)
            throw error
        }
        await giveBack(connection, health: session.health)
        return result
    }

    /// Ends a failed transaction; a connection whose rollback fails is never reused.
    private func rollBack(_ session: DatabaseSession) async {
        guard !session.health.isPoisoned else { return }
        do {
            // After a failed COMMIT SQLite keeps the transaction open; PostgreSQL has already
            // ended it and only warns here.
            try await session.execute("ROLLBACK")
        } catch {
            logger.warning(
                "Rollback failed; discarding the connection",
                metadata: ["db.location": .string(location), "error": .string(ErrorDescriber.reason(error))]
            )
            session.health.poison()
        }
    }

    /// Returns a connection to the pool, or closes it first when it is unusable.
    private func giveBack(_ connection: LeasedConnection, health: ConnectionHealth) async {
        if health.isPoisoned { await connection.closeAndWait() }
        pool.release(connection)
    }

    /// Closes every pooled connection. Call once, when the worker stops.
    public func shutdown() async {
        do {
            try await pool.shutdown()
        } catch {
            logger.warning("Database pool shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    private func session(on connection: LeasedConnection) -> DatabaseSession {
        DatabaseSession(
            alias: alias, engine: engine, location: location, connection: connection, timeout: queryTimeout,
            health: ConnectionHealth()
        )
    }

    private func lease() async throws -> LeasedConnection {
        do {
            // The pool bounds the wait itself; the outer deadline also covers a stuck handshake.
            return try await pool.request().get(within: connectTimeout + .seconds(2))
        } catch {
            let failure = ErrorDescriber.connectionError(error, alias: alias, location: location, engine: engine)
            logger.error(
                "Cannot connect to the database",
                metadata: [
                    "db.location": .string(location), "error.code": .string(failure.code.rawValue),
                    "error": .string(failure.message),
                ]
            )
            throw failure
        }
    }
}
