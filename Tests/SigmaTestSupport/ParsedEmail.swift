import Foundation

/// What Python's `email` package (policy.default) reads from a message, as
/// `scripts/mail/parse_message.py` prints it.
public struct ParsedEmail: Decodable, Sendable {
    /// One leaf part.
    public struct Part: Decodable, Sendable {
        public var content_type: String
        public var charset: String?
        public var content_id: String?
        public var disposition: String?
        public var filename: String?
        public var transfer_encoding: String?
        public var payload: String

        /// The decoded payload.
        public var data: Data { Data(base64Encoded: payload) ?? Data() }
        /// The decoded payload bytes.
        public var bytes: [UInt8] { Array(data) }
    }

    public var subject: String?
    public var from: String?
    public var from_addresses: [String]
    public var from_names: [String]
    public var to: String?
    public var to_addresses: [String]
    public var cc: String?
    public var cc_addresses: [String]
    public var date: String?
    public var date_utc: String?
    public var message_id: String?
    public var mime_version: String?
    public var content_type: String
    public var defects: [String]
    public var parts: [Part]

    /// Writes `bytes` to a temporary file and parses it.
    public static func parse(_ bytes: [UInt8]) throws -> ParsedEmail {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-\(UUID().uuidString).eml")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try parse(file: file.path)
    }

    /// Parses an `.eml` file with Python (the Celery 5.7 environment of scripts/setup-python.sh).
    public static func parse(file: String) throws -> ParsedEmail {
        guard let python = TestEnvironment.python("celery-5.7") else {
            throw TestServerError("no .venv/celery-5.7 (scripts/setup-python.sh makes it)")
        }
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/mail/parse_message.py").path
        let result = try ProcessRunner.runBlocking(python.path, [script, file], timeout: 60)
        guard result.status == 0 else { throw TestServerError("parse_message.py failed: \(result.standardError)") }
        return try JSONDecoder().decode(ParsedEmail.self, from: Data(result.standardOutput.utf8))
    }

    /// The text of a PDF, via `pdftotext -layout`.
    public static func pdfText(_ data: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-\(UUID().uuidString).pdf")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try ProcessRunner.runBlocking("/usr/bin/env", ["pdftotext", "-layout", file.path, "-"], timeout: 30)
            .standardOutput
    }
}
