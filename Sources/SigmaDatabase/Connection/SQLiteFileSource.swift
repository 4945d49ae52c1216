import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// Opens SQLite connections to one database file the way Django does (foreign keys on), plus a
/// busy timeout so concurrent writers wait for each other instead of failing at once.
struct SQLiteFileSource: ConnectionPoolSource {
    /// The database file.
    let path: String
    /// How long a statement waits for a lock held by another connection.
    let busyTimeoutMilliseconds: Int64
    /// Threads that run the blocking SQLite calls.
    let threadPool: NIOThreadPool

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop)
            .flatMap { connection in
                connection.query("PRAGMA foreign_keys = ON").flatMap { _ in
                    connection.query("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)")
                }.map { _ in connection }
            }
    }
}
