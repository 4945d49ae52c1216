import Foundation
import SigmaTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The aiosmtpd server of scripts/mail/smtp_test_server.py on a free port, for one test.
final class SMTPServer: @unchecked Sendable {
    let directory: String
    let port: Int
    private let process: Process

    /// Starts the server with the script's options and waits until it listens (at most 20 s).
    init(_ options: [String] = []) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-smtp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = Harness.python
        process.arguments = [Harness.script("mail/smtp_test_server.py"), "--dir", directory] + options
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
            throw HarnessError("smtp_test_server.py did not start")
        }
        port = found
    }

    /// Paths of the accepted messages, in order.
    func messages() -> [String] {
        var result: [String] = []
        var index = 1
        while FileManager.default.fileExists(atPath: "\(directory)/\(index).eml") {
            result.append("\(directory)/\(index).eml")
            index += 1
        }
        return result
    }

    /// Stops the server and removes its folder.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// An e-mail as Python's `email` package reads it (scripts/mail/parse_message.py).
struct ParsedMail: Decodable {
    struct Part: Decodable {
        var content_type: String
        var content_id: String?
        var disposition: String?
        var filename: String?
        var payload: String

        var data: Data { Data(base64Encoded: payload) ?? Data() }
    }

    var subject: String?
    var from_addresses: [String]
    var from_names: [String]
    var to_addresses: [String]
    var cc_addresses: [String]?
    var parts: [Part]

    static func parse(_ path: String) throws -> ParsedMail {
        let result = try ProcessRunner.runBlocking(Harness.python.path, [Harness.script("mail/parse_message.py"), path], timeout: 60)
        guard result.status == 0 else { throw HarnessError("parse_message.py failed: \(result.standardError)") }
        return try JSONDecoder().decode(ParsedMail.self, from: Data(result.standardOutput.utf8))
    }

    /// The text of a PDF part, via `pdftotext`.
    static func pdfText(_ data: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-\(UUID().uuidString).pdf")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ProcessRunner.runBlocking("/usr/bin/env", ["pdftotext", "-layout", file.path, "-"], timeout: 30)
        return result.standardOutput
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
