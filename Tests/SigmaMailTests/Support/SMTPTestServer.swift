import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An aiosmtpd server (`scripts/mail/smtp_test_server.py`) on a free loopback port, for one test.
final class SMTPTestServer {
    /// A message the server accepted.
    struct Received {
        var bytes: [UInt8]
        var mailFrom: String
        var recipients: [String]
    }

    private struct Envelope: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
    }

    let directory: TemporaryDirectory
    let port: Int
    private let process: Process

    /// The self-signed certificate (PEM) when started with TLS.
    var certificatePath: String { directory.path + "/cert.pem" }

    /// Starts the server with the script's options and waits (at most 20 s) until it listens.
    init(_ options: [String] = []) async throws {
        directory = try TemporaryDirectory()
        process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.python)
        process.arguments = [TestEnvironment.script("smtp_test_server.py"), "--dir", directory.path] + options
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let ready = directory.path + "/ready"
        let deadline = ContinuousClock.now + .seconds(20)
        var port: Int?
        while ContinuousClock.now < deadline, process.isRunning {
            if let text = try? String(contentsOfFile: ready, encoding: .utf8),
                let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                port = value
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let port else {
            process.terminate()
            directory.remove()
            throw TestServerError(message: "smtp_test_server.py did not start")
        }
        self.port = port
    }

    /// The accepted messages, in order.
    func received() throws -> [Received] {
        var result: [Received] = []
        var index = 1
        while FileManager.default.fileExists(atPath: "\(directory.path)/\(index).eml") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/\(index).eml"))
            let envelopeData = try Data(contentsOf: URL(fileURLWithPath: "\(directory.path)/\(index).json"))
            let envelope = try JSONDecoder().decode(Envelope.self, from: envelopeData)
            result.append(Received(bytes: Array(bytes), mailFrom: envelope.mail_from, recipients: envelope.rcpt_tos))
            index += 1
        }
        return result
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            while process.isRunning { usleep(20_000) }
        }
        directory.remove()
    }

    deinit { stop() }
}

struct TestServerError: Error {
    var message: String
}
