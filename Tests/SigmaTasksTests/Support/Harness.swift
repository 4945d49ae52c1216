import CeleryWorker
import Foundation
import Logging
import ServiceLifecycle
import SigmaDatabase
import SigmaMail
import SigmaTasks
import SigmaTestSupport

/// One end-to-end scenario: fresh country databases (schema + seed rows) on one engine, an SMTP
/// server, and sigma-worker running in this process on a queue of its own, fed by the real
/// Python Celery client through the test Redis.
final class Harness: @unchecked Sendable {
    static var python: URL { TestEnvironment.python("celery-5.7")! }

    static func script(_ relative: String) -> String {
        TestEnvironment.repositoryRoot.appendingPathComponent("scripts/\(relative)").path
    }

    /// Whether Redis and the Python environment are there.
    static var available: Bool { TestEnvironment.python("celery-5.7") != nil && TestEnvironment.redisAvailable }

    /// The images of seed order 1 (Mexico), as `tipo:id:name` for make_assets.py.
    static let seedImages: [String] = {
        let folder = "mexico/servicio_tecnico/imagenes/OS-001-2026"
        let rows = [
            (1, "ingreso"), (2, "ingreso"), (3, "ingreso"), (4, "diagnostico"), (5, "diagnostico"),
            (6, "autorizacion"), (7, "autorizacion"),
        ]
        return rows.map { "\($0.1):\($0.0):\(folder)/\($0.1)_\($0.0).jpg" }
            + ["ingreso:1:argentina/servicio_tecnico/imagenes/AR-OS-0001/ingreso_1.jpg"]
    }()

    /// Static images and photos, generated once per test process (read-only afterwards).
    static let assets: Result<String, HarnessError> = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-tasks-assets-\(getpid())")
            .path
        // One large photo (recompressed by the RHITSO rule), the rest small: debug builds are slow.
        var arguments = [
            script("demo/make_assets.py"), directory, directory + "/media", "--large-ids", "1", "--scale", "0.6",
        ]
        for image in seedImages { arguments += ["--image", image] }
        guard let result = try? ProcessRunner.runBlocking(python.path, arguments, timeout: 300), result.status == 0
        else {
            return .failure(HarnessError("make_assets.py failed"))
        }
        return .success(directory)
    }()

    let backend: Backend
    let queue: String
    let smtp: SMTPTestServer
    let base: String
    let databaseConfiguration: DatabaseConfiguration
    let brokerURL: String
    let backendURL: String

    private init(
        backend: Backend, smtp: SMTPTestServer, base: String, databaseConfiguration: DatabaseConfiguration,
        queue: String
    ) {
        self.backend = backend
        self.smtp = smtp
        self.base = base
        self.databaseConfiguration = databaseConfiguration
        self.queue = queue
        let redis = TestEnvironment.redisURL
        brokerURL = redis + "/4"
        backendURL = redis + "/5"
    }

    /// Runs `body` with a fresh scenario and tears everything down afterwards.
    ///
    /// - Parameters:
    ///   - prepare: runs on the scenario's `BASE_DIR` before the worker starts (to lay out a
    ///     deployment's templates, for example).
    ///   - logs: when given, the worker logs into it at info level.
    static func with(
        _ backend: Backend, smtpOptions: [String] = [], retryCountdown: Double = 1,
        prepare: (String) throws -> Void = { _ in }, logs: LogCapture? = nil, _ body: (Harness) async throws -> Void
    ) async throws {
        let assets = try Self.assets.get()
        let token = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12)).lowercased()
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-tasks-e2e-\(token)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try prepare(base)
        let databaseConfiguration: DatabaseConfiguration
        switch backend {
        case .sqlite:
            databaseConfiguration = DatabaseConfiguration(
                engine: .sqlite, mexicoName: nil, argentinaName: nil, baseDirectory: base, connectTimeout: .seconds(5),
                queryTimeout: .seconds(10))
        case .postgresql:
            databaseConfiguration = DatabaseConfiguration(
                engine: .postgresql, mexicoName: "sigma_tasks_\(token)_mx", argentinaName: "sigma_tasks_\(token)_ar",
                user: Backend.pgUser, password: Backend.pgPassword, host: Backend.pgHost, port: Backend.pgPort,
                connectTimeout: .seconds(5), queryTimeout: .seconds(10))
            try Backend.psql("postgres", "CREATE DATABASE \"\(databaseConfiguration.mexicoName)\"")
            try Backend.psql("postgres", "CREATE DATABASE \"\(databaseConfiguration.argentinaName)\"")
        }
        var logger = logs?.logger() ?? Logger(label: "sigma-tasks-test")
        logger.logLevel = logs == nil ? .warning : .info
        let smtp = try await SMTPTestServer(smtpOptions)
        let harness = Harness(
            backend: backend, smtp: smtp, base: base, databaseConfiguration: databaseConfiguration,
            queue: "sigma-test-\(token)")
        let router = DatabaseRouter(configuration: databaseConfiguration, logger: logger)
        var failure: (any Error)?
        do {
            try await SchemaInstaller.install(in: router.mexico)
            try await SchemaInstaller.install(in: router.argentina)
            let services = try SigmaServices(
                configuration: SigmaTaskConfiguration(
                    baseDirectory: base, primaryMediaRoot: base + "/media", alternateMediaRoot: assets + "/media",
                    staticDirectories: [assets + "/static"], retryCountdown: retryCountdown),
                databases: router,
                mailConfiguration: MailConfiguration(
                    host: "127.0.0.1", port: smtp.port, useTLS: false, timeout: .seconds(10),
                    defaultFromEmail: "SIGMA Pruebas <noreply@sigma.example>", localHostname: "sigma-test.local"),
                mail: MailConfiguration(
                    host: "127.0.0.1", port: smtp.port, useTLS: false, timeout: .seconds(10),
                    defaultFromEmail: "SIGMA Pruebas <noreply@sigma.example>", localHostname: "sigma-test.local"
                ).makeBackend(logger: logger))
            let registry = TaskRegistry()
            SigmaTasks.register(into: registry, services: services)
            var configuration = WorkerConfiguration(
                brokerURL: try RedisURL(parsing: harness.brokerURL),
                backendURL: try RedisURL(parsing: harness.backendURL),
                queues: [harness.queue], concurrency: 2, prefetchMultiplier: 1,
                hostname: "celery@\(harness.queue)")
            configuration.pollingInterval = 0.2
            configuration.shutdownTimeout = 10
            let (group, _) = WorkerApplication.build(
                configuration: configuration, registry: registry, logger: logger, handleSignals: false)
            let running = Task { try await group.run() }
            do {
                try await body(harness)
            } catch {
                failure = error
            }
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            await services.shutdown()
        } catch {
            failure = error
            await router.shutdown()
        }
        smtp.stop()
        try? FileManager.default.removeItem(atPath: base)
        if backend == .postgresql {
            _ = try? Backend.psql(
                "postgres", "DROP DATABASE IF EXISTS \"\(databaseConfiguration.mexicoName)\" WITH (FORCE)")
            _ = try? Backend.psql(
                "postgres", "DROP DATABASE IF EXISTS \"\(databaseConfiguration.argentinaName)\" WITH (FORCE)")
        }
        if let failure { throw failure }
    }

    private var celeryEnvironment: [String: String] {
        ["CELERY_BROKER_URL": brokerURL, "CELERY_RESULT_BACKEND": backendURL, "SIGMA_QUEUE": queue]
    }

    /// Enqueues a task with `.delay(**kwargs)` from Python; returns its id.
    func enqueue(_ task: String, _ kwargs: String) throws -> String {
        let result = try ProcessRunner.runBlocking(
            Self.python.path, [Self.script("sigma/enqueue.py"), "send", task, kwargs], environment: celeryEnvironment,
            timeout: 60)
        guard result.status == 0 else { throw HarnessError("enqueue failed: \(result.standardError)") }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `AsyncResult(id).get()` from Python: `{"id", "status", "result"}`.
    func result(_ id: String, timeout: Double = 90) throws -> [String: Any] {
        let result = try ProcessRunner.runBlocking(
            Self.python.path, [Self.script("sigma/enqueue.py"), "get", id, "\(timeout)"],
            environment: celeryEnvironment,
            timeout: timeout + 30)
        guard let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        else {
            throw HarnessError("no result for \(id): \(result.standardError)")
        }
        return object
    }

    /// The raw stored record (`celery-task-meta-<id>`), or nil (PENDING).
    func storedRecord(_ id: String) throws -> [String: Any]? {
        let result = try ProcessRunner.runBlocking(
            "/usr/bin/env", ["redis-cli", "-u", backendURL, "GET", "celery-task-meta-\(id)"], timeout: 10)
        let text = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// Statuses seen while polling until a final state (or the deadline).
    func watch(_ id: String, seconds: Double) async throws -> [String] {
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = try storedRecord(id)?["status"] as? String {
                if seen.last != status { seen.append(status) }
                if status == "SUCCESS" || status == "FAILURE" { break }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return seen
    }

    /// Runs a query on a country database (Mexico unless told); rows as `|`-joined text,
    /// multi-line values intact.
    func query(_ sql: String, in alias: DatabaseAlias = .mexico) throws -> [String] {
        switch backend {
        case .sqlite:
            let program = """
                import sqlite3, sys
                c = sqlite3.connect(sys.argv[1])
                rows = ["|".join("" if v is None else str(v) for v in row) for row in c.execute(sys.argv[2])]
                c.commit()
                sys.stdout.write("\\x1e".join(rows))
                """
            let result = try ProcessRunner.runBlocking(
                Self.python.path, ["-c", program, databaseConfiguration.sqlitePath(for: alias), sql], timeout: 30)
            guard result.status == 0 else { throw HarnessError("sqlite: \(result.standardError)") }
            return result.standardOutput.split(separator: "\u{1E}", omittingEmptySubsequences: true).map(String.init)
        case .postgresql:
            let result = try Backend.psql(
                databaseConfiguration.databaseName(for: alias), sql, recordSeparator: "\u{1E}")
            guard result.status == 0 else { throw HarnessError("psql: \(result.standardError)") }
            var text = result.standardOutput
            if text.hasSuffix("\n") { text.removeLast() }
            return text.split(separator: "\u{1E}", omittingEmptySubsequences: true).map(String.init)
        }
    }

    /// Makes every insert into the history table fail (a database failure after the e-mail).
    func blockHistoryInserts() throws {
        switch backend {
        case .sqlite:
            _ = try query(
                "CREATE TRIGGER sigma_test_block BEFORE INSERT ON servicio_tecnico_historialorden BEGIN SELECT RAISE(ABORT, 'bloqueado por la prueba'); END"
            )
        case .postgresql:
            _ = try query(
                """
                CREATE FUNCTION sigma_test_block() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'bloqueado por la prueba'; END $$;
                CREATE TRIGGER sigma_test_block BEFORE INSERT ON servicio_tecnico_historialorden FOR EACH ROW EXECUTE FUNCTION sigma_test_block();
                """)
        }
    }

    /// Removes ``blockHistoryInserts()``.
    func unblockHistoryInserts() throws {
        switch backend {
        case .sqlite: _ = try query("DROP TRIGGER sigma_test_block")
        case .postgresql: _ = try query("DROP TRIGGER sigma_test_block ON servicio_tecnico_historialorden")
        }
    }
}
