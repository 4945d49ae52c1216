import CeleryTestTasks
import CeleryWire
import CeleryWorker
import Foundation
import Logging
import ServiceLifecycle
import SigmaTestSupport

/// An in-process worker on its own queue of the test Redis, plus the Python client to drive it.
final class WorkerHarness: Sendable {
    let queue: String
    let configuration: WorkerConfiguration
    let worker: WorkerRuntime
    let group: ServiceGroup
    let running: Task<Void, any Error>

    static var brokerURL: String { TestEnvironment.redisURL + "/0" }
    static var backendURL: String { TestEnvironment.redisURL + "/1" }

    static let logger: Logger = {
        let level: Logger.Level = ProcessInfo.processInfo.environment["SIGMA_TEST_LOG"] == nil ? .error : .debug
        var logger = Logger(label: "test-worker") { _ in CeleryLogHandler(level: level) }
        logger.logLevel = level
        return logger
    }()

    init(
        queue: String = "test-\(UUID().uuidString.prefix(8))", broker: String = WorkerHarness.brokerURL,
        configure: (inout WorkerConfiguration) -> Void = { _ in }
    ) throws {
        var configuration = WorkerConfiguration(
            brokerURL: try RedisURL(parsing: broker), backendURL: try RedisURL(parsing: Self.backendURL),
            queues: [queue], concurrency: 4, hostname: "sigma-test@localhost")
        configuration.shutdownTimeout = 10
        // As the client's app (task_default_queue): callbacks and chord bodies go there.
        configuration.defaultQueue = queue
        configure(&configuration)
        self.queue = queue
        self.configuration = configuration
        let registry = TaskRegistry()
        IntegrationTasks.register(into: registry)
        (group, worker) = WorkerApplication.build(
            configuration: configuration, registry: registry, logger: Self.logger, handleSignals: false)
        let group = self.group
        running = Task { try await group.run() }
    }

    /// Warm shutdown, waiting for the worker to finish.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Runs the Python client (Celery 5.7 unless told otherwise) and returns its JSON output.
    func client(
        _ scenario: String, _ spec: [String: Any] = [:], python environment: String = "celery-5.7",
        broker: String? = nil
    ) async throws -> [String: Any] {
        try await Self.client(scenario, spec, queue: queue, python: environment, broker: broker ?? Self.brokerURL)
    }

    static func client(
        _ scenario: String, _ spec: [String: Any], queue: String, python environment: String = "celery-5.7",
        broker: String = WorkerHarness.brokerURL
    ) async throws -> [String: Any] {
        guard let python = TestEnvironment.python(environment) else { throw HarnessError("no \(environment)") }
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/CeleryWorkerTests/Support/client.py")
        let argument = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let result = try await ProcessRunner.run(
            python.path, [script.path, broker, backendURL, queue, scenario, argument], timeout: 60)
        guard result.status == 0 else { throw HarnessError("client failed: \(result.standardError)") }
        let line = result.standardOutput.split(separator: "\n").last.map(String.init) ?? "{}"
        return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    /// Runs redis-cli against the test server (or another) and returns its output.
    static func redis(_ arguments: [String], url: String = WorkerHarness.brokerURL) async throws -> String {
        try await ProcessRunner.run("/usr/bin/env", ["redis-cli", "-u", url] + arguments, timeout: 10).standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits (bounded) until a condition holds.
    static func wait(timeout: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return false
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
