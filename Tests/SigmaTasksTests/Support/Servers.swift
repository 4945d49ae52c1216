import Foundation
import SigmaTestSupport

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
        let result = try ProcessRunner.runBlocking(
            Harness.python.path, [Harness.script("mail/parse_message.py"), path], timeout: 60)
        guard result.status == 0 else { throw HarnessError("parse_message.py failed: \(result.standardError)") }
        return try JSONDecoder().decode(ParsedMail.self, from: Data(result.standardOutput.utf8))
    }

    /// The text of a PDF part, via `pdftotext`.
    static func pdfText(_ data: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-\(UUID().uuidString).pdf")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ProcessRunner.runBlocking(
            "/usr/bin/env", ["pdftotext", "-layout", file.path, "-"], timeout: 30)
        return result.standardOutput
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
