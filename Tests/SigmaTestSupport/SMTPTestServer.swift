import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The aiosmtpd server of `scripts/mail/smtp_test_server.py` on a free loopback port, for one
/// test: every accepted message lands as `N.eml` (with its envelope in `N.json`) in a folder of
/// its own.
public final class SMTPTestServer: @unchecked Sendable {
    /// A message the server accepted.
    public struct Received: Sendable {
        public var bytes: [UInt8]
        public var mailFrom: String
        public var recipients: [String]
    }

    private struct Envelope: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
    }

    /// The server's folder.
    public let directory: String
    /// The port it listens on.
    public let port: Int
    private let process: Process

    /// The self-signed certificate (PEM) when started with TLS.
    public var certificatePath: String { directory + "/cert.pem" }

    /// Starts the server with the script's options and waits (at most 20 s) until it listens.
    public init(_ options: [String] = []) async throws {
        guard let python = TestEnvironment.python("celery-5.7") else {
            throw TestServerError("no .venv/celery-5.7 (scripts/setup-python.sh makes it)")
        }
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("sigma-smtp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = python
        process.arguments =
            [
                TestEnvironment.repositoryRoot.appendingPathComponent("scripts/mail/smtp_test_server.py").path, "--dir",
                directory,
            ]
            + options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        var found: Int?
        while ContinuousClock.now < deadline, process.isRunning {
            if let text = try? String(contentsOfFile: directory + "/ready", encoding: .utf8),
                let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                found = value
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let found else {
            process.terminate()
            try? FileManager.default.removeItem(atPath: directory)
            throw TestServerError("smtp_test_server.py did not start")
        }
        port = found
    }

    /// Paths of the accepted messages, in order.
    public func messages() -> [String] {
        var result: [String] = []
        var index = 1
        while FileManager.default.fileExists(atPath: "\(directory)/\(index).eml") {
            result.append("\(directory)/\(index).eml")
            index += 1
        }
        return result
    }

    /// The accepted messages with their SMTP envelopes, in order.
    public func received() throws -> [Received] {
        try messages().map { path in
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let envelopePath = String(path.dropLast(".eml".count)) + ".json"
            let envelope = try JSONDecoder().decode(
                Envelope.self, from: Data(contentsOf: URL(fileURLWithPath: envelopePath)))
            return Received(bytes: Array(bytes), mailFrom: envelope.mail_from, recipients: envelope.rcpt_tos)
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its folder.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            while process.isRunning { usleep(20_000) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }
}

/// A test server that could not be started.
public struct TestServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
