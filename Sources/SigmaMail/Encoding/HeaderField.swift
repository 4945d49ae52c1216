/// Building header fields: injection checks, RFC 5322 folding, RFC 2047 for unstructured text.
enum HeaderField {
    /// Lines are folded to stay within this many characters where the content allows it.
    static let preferredLineLength = 78

    /// Throws ``MailError/Code/headerInjection`` when `value` contains CR, LF or NUL.
    /// - Parameters:
    ///   - value: A header value or address as given by the caller.
    ///   - field: The header or item the value is for, named in the error (the value is not).
    static func requireSingleLine(_ value: String, field: String) throws {
        for scalar in value.unicodeScalars where scalar == "\r" || scalar == "\n" || scalar == "\0" {
            throw MailError(.headerInjection, "\(field) contains a line break or NUL character")
        }
    }

    /// Joins `tokens` with single spaces into `Name: value`, folding (CRLF + space) before a
    /// token when the line would pass 78 characters. Unfolding restores the original spacing.
    /// The result ends with CRLF.
    static func folded(_ name: String, _ tokens: [String]) -> String {
        var out = ""
        var line = name + ":"
        var lineHasToken = false
        for token in tokens {
            if lineHasToken, !token.isEmpty, line.utf8.count + 1 + token.utf8.count > preferredLineLength {
                out += line + "\r\n"
                line = " " + token
            } else {
                line += " " + token
            }
            lineHasToken = true
        }
        return out + line + "\r\n"
    }

    /// An unstructured header (Subject): plain folded ASCII when the text is printable ASCII and
    /// cannot be mistaken for an encoded-word, otherwise RFC 2047 encoded-words.
    static func unstructured(_ name: String, _ value: String) -> String {
        let words = value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let plain =
            value.unicodeScalars.allSatisfy { ($0.value >= 0x20 && $0.value < 0x7F) || $0 == "\t" }
            && !value.contains("=?")
            && words.allSatisfy { $0.utf8.count <= 900 }
            && value.first != " " && value.last != " "
        if plain {
            return folded(name, words)
        }
        let first = preferredLineLength - name.utf8.count - 2
        return folded(name, EncodedWord.encode(value, firstWordLimit: first))
    }
}
