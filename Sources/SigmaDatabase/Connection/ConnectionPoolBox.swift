@preconcurrency import AsyncKit
import Logging
import NIOCore
import PostgresKit
import SQLiteKit

/// One connection leased from a pool, of either engine.
enum LeasedConnection: @unchecked Sendable {
    // @unchecked: both connection classes are thread-safe (their I/O is confined to their event
    // loop, or serialised by SQLite's FULLMUTEX mode) but AsyncKit predates `Sendable`.
    case postgres(PostgresConnection)
    case sqlite(SQLiteConnection)

    /// The connection's event loop.
    var eventLoop: any EventLoop {
        switch self {
        case .postgres(let connection): connection.eventLoop
        case .sqlite(let connection): connection.eventLoop
        }
    }

    /// The SQLKit view of the connection; statements are not logged (they carry customer data).
    var sql: any SQLDatabase {
        switch self {
        case .postgres(let connection): connection.sql(queryLogLevel: nil)
        case .sqlite(let connection): connection.sql(queryLogLevel: nil)
        }
    }

    /// Closes the connection and waits until it is closed, so the pool discards it on release.
    func closeAndWait() async {
        switch self {
        case .postgres(let connection): try? await connection.close().get()
        case .sqlite(let connection): try? await connection.close().get()
        }
    }

    /// Closes the connection without waiting.
    func close() {
        switch self {
        case .postgres(let connection): connection.close().whenComplete { _ in }
        case .sqlite(let connection): connection.close().whenComplete { _ in }
        }
    }
}

/// The connection pool of one country database.
///
/// `@unchecked Sendable`: `EventLoopGroupConnectionPool` guards its own state (a lock for the
/// group, event-loop confinement for each loop's pool) but AsyncKit does not declare `Sendable`.
final class ConnectionPoolBox: @unchecked Sendable {
    private enum Pool {
        case postgres(EventLoopGroupConnectionPool<PostgresConnectionSource>)
        case sqlite(EventLoopGroupConnectionPool<SQLiteFileSource>)
    }

    private let pool: Pool

    /// Creates a PostgreSQL pool.
    init(
        postgres source: PostgresConnectionSource, maxPerEventLoop: Int, requestTimeout: Duration,
        logger: Logger, group: any EventLoopGroup
    ) {
        pool = .postgres(
            EventLoopGroupConnectionPool(
                source: source, maxConnectionsPerEventLoop: maxPerEventLoop,
                requestTimeout: requestTimeout.timeAmount, logger: logger, on: group
            ))
    }

    /// Creates a SQLite pool.
    init(
        sqlite source: SQLiteFileSource, maxPerEventLoop: Int, requestTimeout: Duration,
        logger: Logger, group: any EventLoopGroup
    ) {
        pool = .sqlite(
            EventLoopGroupConnectionPool(
                source: source, maxConnectionsPerEventLoop: maxPerEventLoop,
                requestTimeout: requestTimeout.timeAmount, logger: logger, on: group
            ))
    }

    /// Asks the pool for a connection (opening one if the pool has room).
    func request() -> EventLoopFuture<LeasedConnection> {
        switch pool {
        case .postgres(let pool): pool.requestConnection().map { .postgres($0) }
        case .sqlite(let pool): pool.requestConnection().map { .sqlite($0) }
        }
    }

    /// Gives a connection back.
    func release(_ connection: LeasedConnection) {
        switch (pool, connection) {
        case (.postgres(let pool), .postgres(let connection)): pool.releaseConnection(connection)
        case (.sqlite(let pool), .sqlite(let connection)): pool.releaseConnection(connection)
        default: connection.close()
        }
    }

    /// Closes every connection.
    func shutdown() async throws {
        switch pool {
        case .postgres(let pool): try await pool.shutdownAsync()
        case .sqlite(let pool): try await pool.shutdownAsync()
        }
    }
}

extension Duration {
    /// The same span as a NIO `TimeAmount`.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Whole milliseconds.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
