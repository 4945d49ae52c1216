import SQLKit
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One connection of one country database, with the reads and writes SIGMA's tasks perform.
///
/// Obtain it from ``CountryDatabase/withSession(_:)`` (autocommit) or
/// ``CountryDatabase/transaction(_:)`` (all writes atomic); do not keep it past the closure.
/// Every statement is parameterized and bounded by the configured query timeout.
public struct DatabaseSession: Sendable {
    /// Which country database this session talks to.
    public let alias: DatabaseAlias
    /// PostgreSQL or SQLite; decides how timestamps and booleans are stored.
    public let engine: DatabaseEngine
    /// `host:port/name` or the SQLite path, for messages.
    public let location: String
    let connection: LeasedConnection
    let timeout: Duration
    /// Set when the connection must not go back to the pool (a statement overran its deadline,
    /// a rollback failed).
    let health: ConnectionHealth

    /// Runs one statement and collects its rows.
    ///
    /// - Parameter query: the statement; values must be interpolated with `\(bind:)`.
    /// - Returns: the rows, each wrapped for engine-aware decoding.
    func rows(_ query: SQLQueryString) async throws -> [RowReader] {
        let sql = connection.sql
        let collected = Mutex<[any SQLRow]>([])
        do {
            try await sql.execute(sql: query) { row in collected.withLock { $0.append(row) } }
                .get(within: timeout)
        } catch let error as DeadlineExceeded {
            // A statement past its deadline leaves the connection busy: never reuse it.
            health.poison()
            throw ErrorDescriber.statementError(error, alias: alias, location: location)
        } catch {
            throw ErrorDescriber.statementError(error, alias: alias, location: location)
        }
        return collected.withLock { $0 }.map { RowReader(row: $0, engine: engine, session: self) }
    }

    /// Runs one statement whose rows (if any) are not needed.
    ///
    /// - Parameter query: the statement; values must be interpolated with `\(bind:)`.
    func execute(_ query: SQLQueryString) async throws {
        _ = try await rows(query)
    }

    /// The bind value Django would store for a timestamp: `timestamptz` on PostgreSQL, UTC text
    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` on SQLite.
    ///
    /// - Parameter date: the instant.
    func timestamp(_ date: Date) -> any Encodable & Sendable {
        switch engine {
        case .postgresql: PostgresTimestamp(date)
        case .sqlite: DjangoTimestamp.sqliteText(date)
        }
    }

    /// The bind value of an optional timestamp.
    ///
    /// - Parameter date: the instant or `nil` for NULL.
    func timestamp(_ date: Date?) -> any Encodable & Sendable {
        guard let date else { return String?.none }
        return timestamp(date)
    }

    /// Wraps a decoding failure with the session's alias and location.
    func decodingError(_ message: String) -> SigmaDatabaseError {
        SigmaDatabaseError(
            code: .decodingFailed, message: "\(message) on database '\(alias.rawValue)' at \(location)",
            alias: alias.rawValue, location: location
        )
    }
}
