import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import Synchronization
import Testing

@testable import SigmaDatabase

/// The engines every behaviour test runs against.
enum TestBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgresql

    var description: String { rawValue }

    /// `SIGMA_TEST_PG_*` with the defaults of scripts/services/postgres.sh.
    static let pgHost = ProcessInfo.processInfo.environment["SIGMA_TEST_PG_HOST"] ?? "127.0.0.1"
    static let pgPort = Int(ProcessInfo.processInfo.environment["SIGMA_TEST_PG_PORT"] ?? "") ?? 54329
    static let pgUser = ProcessInfo.processInfo.environment["SIGMA_TEST_PG_USER"] ?? "sigma"
    static let pgPassword = ProcessInfo.processInfo.environment["SIGMA_TEST_PG_PASSWORD"] ?? "sigma-test-pw"

    /// Whether the test PostgreSQL server answers with the test credentials (checked once).
    static let postgresReachable: Bool = {
        do {
            let connection = try adminConnection().wait()
            try? connection.close().wait()
            return true
        } catch {
            return false
        }
    }()

    /// Why the PostgreSQL half is disabled, when it is.
    static let postgresSkipReason: Comment = """
        PostgreSQL test server not reachable at \(pgHost):\(pgPort) as \(pgUser); \
        start it with scripts/services/postgres.sh start
        """

    static func adminConnection() -> EventLoopFuture<PostgresConnection> {
        var configuration = PostgresConnection.Configuration(
            host: pgHost, port: pgPort, username: pgUser, password: pgPassword, database: "postgres", tls: .disable
        )
        configuration.options.connectTimeout = .seconds(5)
        return PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0,
            logger: Logger(label: "sigma.test.admin")
        )
    }
}

/// Captures log lines so tests can assert what reached the log.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger writing into this capture at trace level.
    func logger(_ label: String = "sigma.test") -> Logger {
        Logger(label: label) { _ in CapturingHandler(capture: self) }
    }

    private struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(merged)")
        }
    }
}
