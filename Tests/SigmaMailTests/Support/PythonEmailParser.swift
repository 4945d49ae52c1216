import Foundation
import Testing

/// What Python's `email` package (policy.default) reads from a message.
struct ParsedEmail: Decodable {
    struct Part: Decodable {
        var content_type: String
        var charset: String?
        var content_id: String?
        var disposition: String?
        var filename: String?
        var transfer_encoding: String?
        var payload: String

        /// The decoded payload bytes.
        var bytes: [UInt8] { Array(Data(base64Encoded: payload) ?? Data()) }
    }

    var subject: String?
    var from: String?
    var from_addresses: [String]
    var from_names: [String]
    var to: String?
    var to_addresses: [String]
    var cc: String?
    var cc_addresses: [String]
    var date: String?
    var date_utc: String?
    var message_id: String?
    var mime_version: String?
    var content_type: String
    var defects: [String]
    var parts: [Part]

    /// Writes `bytes` to a file and parses it with `scripts/mail/parse_message.py`.
    static func parse(_ bytes: [UInt8]) throws -> ParsedEmail {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/message.eml"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return try parse(file: file)
    }

    /// Parses an `.eml` file with Python.
    static func parse(file: String) throws -> ParsedEmail {
        let result = try TestEnvironment.run(
            TestEnvironment.python, [TestEnvironment.script("parse_message.py"), file])
        try #require(result.status == 0, "parse_message.py failed")
        return try JSONDecoder().decode(ParsedEmail.self, from: result.output)
    }
}
