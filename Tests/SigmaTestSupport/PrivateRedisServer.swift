import Foundation

/// A `redis-server` of a test's own on a loopback port (append-only, fsync on every write, so
/// what it held survives a SIGKILL and a restart in the same folder): for tests that kill Redis
/// under a running worker or beat without touching the shared test server.
public final class PrivateRedisServer: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private var process: Process?

    public init(port: Int) throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(port)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// `redis://127.0.0.1:<port>/<db>`.
    public func url(db: Int = 0) -> String { "redis://127.0.0.1:\(port)/\(db)" }

    /// Starts the server and waits (up to 10 s) until it answers PING.
    /// - Returns: whether it answered.
    @discardableResult
    public func start() async throws -> Bool {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        child.arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path, "--appendonly", "yes",
            "--appendfsync", "always", "--save", "", "--logfile", directory.appendingPathComponent("log").path,
        ]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        process = child
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let reply = try? await ProcessRunner.run(
                "/usr/bin/env", ["redis-cli", "-p", "\(port)", "PING"], timeout: 5)
            if reply?.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "PONG" { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// SIGKILL, waiting for the process to end.
    public func kill() {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }
}
