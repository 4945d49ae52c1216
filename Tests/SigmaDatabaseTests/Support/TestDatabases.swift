import Foundation
import Logging
import PostgresKit

@testable import SigmaDatabase

/// Fresh Mexico and Argentina databases (schema + seed) for one test, removed afterwards.
enum TestDatabases {
    /// A configuration for the backend pointing at databases unique to this run.
    static func configuration(_ backend: TestBackend, token: String) -> DatabaseConfiguration {
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-db-test-\(token)").path
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return DatabaseConfiguration(
                engine: .sqlite, mexicoName: nil, argentinaName: nil, baseDirectory: directory,
                connectTimeout: .seconds(5), queryTimeout: .seconds(10)
            )
        case .postgresql:
            return DatabaseConfiguration(
                engine: .postgresql, mexicoName: "sigma_test_\(token)_mx", argentinaName: "sigma_test_\(token)_ar",
                user: TestBackend.pgUser, password: TestBackend.pgPassword, host: TestBackend.pgHost,
                port: TestBackend.pgPort, connectTimeout: .seconds(5), queryTimeout: .seconds(10)
            )
        }
    }

    /// Creates both databases with schema and seed, runs `body`, then drops them.
    static func with(
        _ backend: TestBackend, seed: Bool = true, logger: Logger = Logger(label: "sigma.test"),
        _ body: (DatabaseRouter) async throws -> Void
    ) async throws {
        let token = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)).lowercased()
        let configuration = configuration(backend, token: token)
        if backend == .postgresql {
            try await admin("CREATE DATABASE \"\(configuration.mexicoName)\"")
            try await admin("CREATE DATABASE \"\(configuration.argentinaName)\"")
        }
        let router = DatabaseRouter(configuration: configuration, logger: logger)
        do {
            try await SchemaInstaller.install(in: router.mexico, seed: seed)
            try await SchemaInstaller.install(in: router.argentina, seed: seed)
            try await body(router)
        } catch {
            await cleanUp(router, backend, configuration)
            throw error
        }
        await cleanUp(router, backend, configuration)
    }

    private static func cleanUp(
        _ router: DatabaseRouter, _ backend: TestBackend, _ configuration: DatabaseConfiguration
    ) async {
        await router.shutdown()
        switch backend {
        case .sqlite:
            try? FileManager.default.removeItem(atPath: configuration.baseDirectory)
        case .postgresql:
            try? await admin("DROP DATABASE IF EXISTS \"\(configuration.mexicoName)\" WITH (FORCE)")
            try? await admin("DROP DATABASE IF EXISTS \"\(configuration.argentinaName)\" WITH (FORCE)")
        }
    }

    private static func admin(_ sql: String) async throws {
        let connection = try await TestBackend.adminConnection().get()
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "sigma.test.admin"))
                .get()
        } catch {
            try? await connection.close().get()
            throw error
        }
        try await connection.close().get()
    }
}

/// Parses a seed timestamp.
func ts(_ text: String) -> Date {
    DjangoTimestamp.parseSQLite(text)!
}
