import Foundation

/// A `.env` file in python-decouple's format: `KEY=VALUE` lines, split at the first `=`, key and
/// value trimmed, one pair of matching surrounding quotes removed; blank lines, `#` lines and
/// lines without `=` ignored. No inline comments, `export`, interpolation or escapes.
public struct DotEnvFile: Sendable {
    /// The pairs in file order (a repeated key keeps its last value).
    public var values: [String: String]

    /// Parses file contents.
    public init(contents: String) {
        var values: [String: String] = [:]
        for rawLine in contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "'" || first == "\"", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        self.values = values
    }

    /// Reads a file; nil when it does not exist.
    public init?(path: String) {
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        self.init(contents: contents)
    }

    /// Finds `settings.ini`'s sibling `.env` the way decouple does: in `directory`, then each parent.
    public static func find(from directory: String) -> String? {
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            let candidate = url.appendingPathComponent(".env").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
    }

    /// The environment a Django process would see: real variables win over the file.
    public static func merged(file: DotEnvFile?, environment: [String: String]) -> [String: String] {
        (file?.values ?? [:]).merging(environment) { _, real in real }
    }

    /// decouple's `cast=bool`: `y, yes, t, true, on, 1` / `n, no, f, false, off, 0`, empty = false.
    public static func bool(_ text: String?) -> Bool? {
        guard let text else { return nil }
        switch text.lowercased() {
        case "y", "yes", "t", "true", "on", "1": return true
        case "n", "no", "f", "false", "off", "0", "": return false
        default: return nil
        }
    }
}
