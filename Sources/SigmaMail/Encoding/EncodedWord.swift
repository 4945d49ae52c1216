/// RFC 2047 encoded-words (`=?utf-8?q?…?=` / `=?utf-8?b?…?=`) for non-ASCII header text.
///
/// Text is split into words of at most 75 characters on Unicode scalar boundaries, so no word
/// ends inside a UTF-8 sequence. Q or B is chosen for the whole text, whichever is shorter
/// (as Python's `email` package does). Decoders drop the white space between adjacent
/// encoded-words, so the words may be joined by spaces or folds without changing the text.
enum EncodedWord {
    /// The longest encoded-word RFC 2047 allows.
    static let maximumLength = 75

    private static let overhead = "=?utf-8?q??=".utf8.count

    /// Encodes `text` as encoded-words.
    /// - Parameters:
    ///   - text: Any text; empty text gives no words.
    ///   - firstWordLimit: A smaller limit for the first word (so it fits beside the header name).
    static func encode(_ text: String, firstWordLimit: Int = maximumLength) -> [String] {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return [] }
        let bytes = Array(text.utf8)
        let useQ = qLength(bytes[...]) <= bLength(bytes.count)
        var words: [String] = []
        var current: [UInt8] = []
        var limit = max(firstWordLimit, overhead + 12)
        for scalar in scalars {
            let encoded = Array(String(scalar).utf8)
            let candidate = current + encoded
            let length = overhead + (useQ ? qLength(candidate[...]) : bLength(candidate.count))
            if length > limit, !current.isEmpty {
                words.append(word(current, q: useQ))
                current = encoded
                limit = maximumLength
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { words.append(word(current, q: useQ)) }
        return words
    }

    /// `true` for bytes that Q encoding writes literally; this set is safe in both `text` and
    /// `phrase` positions (Subject and display names).
    static func isQLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }

    private static func qLength(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ((isQLiteral($1) || $1 == 0x20) ? 1 : 3) }
    }

    private static func bLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    private static func word(_ bytes: [UInt8], q: Bool) -> String {
        if q {
            var out = "=?utf-8?q?"
            for byte in bytes {
                if isQLiteral(byte) {
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                } else if byte == 0x20 {
                    out += "_"
                } else {
                    out += "=" + Hex.byte(byte)
                }
            }
            return out + "?="
        }
        return "=?utf-8?b?" + String(decoding: Base64.encode(bytes), as: UTF8.self) + "?="
    }
}
