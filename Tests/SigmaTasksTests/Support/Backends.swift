import Foundation
import SigmaDatabase
import SigmaTestSupport
import Testing

/// The database engines the end-to-end behaviours run against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    static let pgHost = ProcessInfo.processInfo.environment["SIGMA_TEST_PG_HOST"] ?? "127.0.0.1"
    static let pgPort = Int(ProcessInfo.processInfo.environment["SIGMA_TEST_PG_PORT"] ?? "") ?? 54329
    static let pgUser = ProcessInfo.processInfo.environment["SIGMA_TEST_PG_USER"] ?? "sigma"
    static let pgPassword = ProcessInfo.processInfo.environment["SIGMA_TEST_PG_PASSWORD"] ?? "sigma-test-pw"

    /// Whether the test PostgreSQL (scripts/services/postgres.sh) answers.
    static let postgresAvailable: Bool = {
        guard let result = try? psql("postgres", "SELECT 1", timeout: 5) else { return false }
        return result.status == 0
    }()

    /// Runs SQL with the `psql` client.
    @discardableResult
    static func psql(
        _ database: String, _ sql: String, recordSeparator: String = "\n", timeout: TimeInterval = 30
    ) throws -> ProcessRunner.Result {
        try ProcessRunner.runBlocking(
            "/usr/bin/env",
            [
                "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pgHost, "-p", "\(pgPort)", "-U", pgUser, "-d",
                database, "-At",
                "-R", recordSeparator, "-c", sql,
            ],
            environment: ["PGPASSWORD": pgPassword, "PGCONNECT_TIMEOUT": "5"], timeout: timeout)
    }
}
