import Foundation
import SigmaTestSupport

/// The built `sigma-worker` binary run as a separate process, as an operator runs it, with its
/// log in a file of its own: for the tests that send it signals or kill its Redis.
final class WorkerProcess: @unchecked Sendable {
    let process = Process()
    let log: URL
    let queue: String

    static var binary: URL { TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/sigma-worker") }

    /// Starts `sigma-worker worker --include-test-tasks -Q <queue>` with the given extra arguments and variables.
    init(
        queue: String = "proc-\(UUID().uuidString.prefix(8))", arguments: [String] = [],
        environment: [String: String] = [:], broker: String = WorkerHarness.brokerURL,
        backend: String = WorkerHarness.backendURL
    ) throws {
        self.queue = queue
        log = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString).log")
        process.executableURL = Self.binary
        process.arguments =
            [
                "worker", "--include-test-tasks", "--without-sigma-tasks", "-Q", queue, "-c", "2", "--loglevel", "INFO",
                "--logfile", log.path, "-n", "\(queue)@localhost",
            ] + arguments
        process.environment =
            [
                "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": backend, "PATH": "/usr/bin:/bin",
                "CELERY_TASK_DEFAULT_QUEUE": queue,
            ].merging(environment) { $1 }
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: log)
    }

    var pid: Int32 { process.processIdentifier }

    /// The log so far.
    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// How many times a text appears in the log.
    func count(_ text: String) -> Int { logText.components(separatedBy: text).count - 1 }

    /// Waits until the log holds `text` `times` times.
    func waitForLog(_ text: String, times: Int = 1, timeout: Double = 20) async throws -> Bool {
        try await WorkerHarness.wait(timeout: timeout) { self.count(text) >= times }
    }

    /// Sends a signal.
    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits for the process to exit. - Returns: the seconds it took, or nil when it still runs.
    func waitForExit(timeout: Double) async throws -> Double? {
        let started = Date()
        let exited = try await WorkerHarness.wait(timeout: timeout) { !self.process.isRunning }
        return exited ? Date().timeIntervalSince(started) : nil
    }
}
