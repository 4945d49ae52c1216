/// Header text exactly as Django's `EmailMessage` writes it: Python's `email.header.Header`
/// (RFC 2047 encoded-words for non-ASCII text, split to fit 78 columns) followed by the
/// `compat32` policy's folding at 78 columns when the message is generated.
///
/// Django encodes a value once when it is set (`Header(value, "utf-8").encode()` for non-ASCII
/// text, `Header(value).encode()` for an ASCII subject) and the generator folds the result again,
/// so the same two passes are made here; the tests compare the output with Python's.
enum PythonHeader {
    /// `Header(text, "utf-8").encode()`: encoded-words of at most 78 columns joined by `"\n "`,
    /// quoted-printable or base64 for the whole text, whichever is shorter (Python's `SHORTEST`).
    static func encodedUTF8(_ text: String) -> String {
        var formatter = Formatter(headerLength: 0, maxLength: 78)
        formatter.feedEncoded(fws: "", text)
        formatter.addTransition()
        return formatter.finished(lineSeparator: "\n")
    }

    /// `Header(text).encode()` for ASCII text: split on white space to fit 78 columns.
    static func encodedASCII(_ text: String) -> String {
        fold(text, headerLength: 0, maxLength: 78, lineSeparator: "\n")
    }

    /// The header line as the `compat32` generator writes it: `Name: value`, folded at 78
    /// columns (the first line shorter by `Name: `), ending with CRLF.
    static func line(_ name: String, _ value: String) -> String {
        name + ": " + fold(value, headerLength: name.unicodeScalars.count + 2, maxLength: 78, lineSeparator: "\r\n")
            + "\r\n"
    }

    /// `Header(value, header_name=…).encode(maxlinelen:, linesep:)` for ASCII text: line breaks
    /// already in the value are kept, each line is split again where it is too long.
    private static func fold(_ value: String, headerLength: Int, maxLength: Int, lineSeparator: String) -> String {
        var formatter = Formatter(headerLength: headerLength, maxLength: maxLength)
        let lines = value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        formatter.feedASCII(fws: "", lines.first ?? "")
        for line in lines.dropFirst() {
            formatter.newline()
            let stripped = line.drop(while: { $0 == " " || $0 == "\t" })
            formatter.feedASCII(fws: String(line.prefix(line.count - stripped.count)), String(stripped))
        }
        if lines.count > 1 { formatter.newline() }
        formatter.addTransition()
        return formatter.finished(lineSeparator: lineSeparator)
    }

    /// Python's `_ValueFormatter`: lines under construction, each a list of (folding white
    /// space, text) chunks.
    struct Formatter {
        private let maxLength: Int
        private var lines: [String] = []
        private var chunks: [(fws: String, text: String)] = []
        /// The columns the header name takes on the first line (zero once a line is finished).
        private var initialSize: Int
        private static let splitCharacters: [Unicode.Scalar] = [";", ",", " ", "\t"]

        init(headerLength: Int, maxLength: Int) {
            self.maxLength = maxLength
            self.initialSize = headerLength
        }

        private var length: Int {
            chunks.reduce(initialSize) { $0 + $1.fws.unicodeScalars.count + $1.text.unicodeScalars.count }
        }

        private var text: String { chunks.map { $0.fws + $0.text }.joined() }

        private mutating func popChunk() -> (fws: String, text: String) {
            chunks.popLast() ?? ("", "")
        }

        private mutating func reset(_ start: [(fws: String, text: String)] = []) {
            chunks = start
            initialSize = 0
        }

        mutating func addTransition() { chunks.append((" ", "")) }

        mutating func newline() {
            let end = popChunk()
            if end != (" ", "") { chunks.append(end) }
            if length > 0 {
                let current = text
                let onlySpace =
                    initialSize == 0
                    && (chunks.isEmpty
                        || (!current.isEmpty && current.unicodeScalars.allSatisfy { $0.properties.isWhitespace }))
                if onlySpace, !lines.isEmpty {
                    lines[lines.count - 1] += current
                } else {
                    lines.append(current)
                }
            }
            reset()
        }

        mutating func finished(lineSeparator: String) -> String {
            newline()
            return lines.joined(separator: lineSeparator)
        }

        /// Splits ASCII text into (white space, word) chunks.
        mutating func feedASCII(fws: String, _ string: String) {
            var parts: [String] = []
            var word = ""
            var space = ""
            for scalar in (fws + string).unicodeScalars {
                if scalar == " " || scalar == "\t" {
                    space.unicodeScalars.append(scalar)
                } else {
                    if !space.isEmpty {
                        parts.append(word)
                        parts.append(space)
                        word = ""
                        space = ""
                    }
                    word.unicodeScalars.append(scalar)
                }
            }
            if !space.isEmpty {
                parts.append(word)
                parts.append(space)
                word = ""
            }
            parts.append(word)
            if !parts[0].isEmpty { parts.insert("", at: 0) } else { parts.removeFirst() }
            var index = 0
            while index + 1 < parts.count {
                appendChunk(fws: parts[index], parts[index + 1])
                index += 2
            }
        }

        /// Encodes UTF-8 text as encoded-words that fit the room left on each line.
        mutating func feedEncoded(fws: String, _ string: String) {
            var encoded = EncodedWords.lines(string, firstRoom: maxLength - length, nextRoom: maxLength - 1)
            guard !encoded.isEmpty else { return }
            let first = encoded.removeFirst()
            if let first { appendChunk(fws: fws, first) }
            guard let last = encoded.popLast() else { return }
            newline()
            chunks.append((" ", last ?? ""))
            for line in encoded { lines.append(" " + (line ?? "")) }
        }

        private mutating func appendChunk(fws: String, _ string: String) {
            chunks.append((fws, string))
            guard length > maxLength else { return }
            var splitAt: Int?
            search: for character in Self.splitCharacters {
                var index = chunks.count - 1
                while index > 0 {
                    if character == " " || character == "\t", chunks[index].fws.unicodeScalars.first == character {
                        splitAt = index
                        break search
                    }
                    if chunks[index - 1].text.unicodeScalars.last == character {
                        splitAt = index
                        break search
                    }
                    index -= 1
                }
            }
            guard let splitAt else {
                var (fws, part) = popChunk()
                if initialSize > 0 {
                    newline()
                    if fws.isEmpty { fws = " " }
                }
                chunks.append((fws, part))
                return
            }
            let remainder = Array(chunks[splitAt...])
            chunks.removeSubrange(splitAt...)
            lines.append(text)
            reset(remainder)
        }
    }
}

/// Python's `Charset("utf-8").header_encode_lines`: the text cut into encoded-words, each as long
/// as the room on its line allows, all Q or all B (whichever encodes the whole text shorter).
enum EncodedWords {
    private static let overhead = "=?utf-8?q??=".utf8.count

    /// The words; a nil first word means not even one character fitted on the first line.
    static func lines(_ text: String, firstRoom: Int, nextRoom: Int) -> [String?] {
        let all = Array(text.utf8)
        let useQ = qLength(all[...]) <= bLength(all.count)
        func length(_ bytes: [UInt8]) -> Int { useQ ? qLength(bytes[...]) : bLength(bytes.count) }
        var result: [String?] = []
        var current: [UInt8] = []
        var room = firstRoom - overhead
        for scalar in text.unicodeScalars {
            let encoded = Array(String(scalar).utf8)
            if length(current + encoded) > room {
                if result.isEmpty, current.isEmpty {
                    result.append(nil)
                } else {
                    result.append(word(current, q: useQ))
                }
                current = encoded
                room = nextRoom - overhead
            } else {
                current += encoded
            }
        }
        result.append(word(current, q: useQ))
        return result
    }

    /// Bytes Python's header Q encoding writes as themselves.
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
        guard !bytes.isEmpty else { return "" }
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
