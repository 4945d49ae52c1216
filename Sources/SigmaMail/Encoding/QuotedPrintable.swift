/// Quoted-printable (RFC 2045 §6.7) for text bodies.
///
/// Line breaks of the input (CRLF, LF or a lone CR) become CRLF hard breaks; every output line is
/// at most 76 characters, long lines are split with `=` soft breaks that never cut an `=XX`
/// escape; `=`, control characters, bytes ≥ 0x7F and white space at the end of a line are escaped.
enum QuotedPrintable {
    /// The longest encoded line, soft-break `=` included.
    static let lineLength = 76

    /// Appends the encoding of `text` (UTF-8) to `output`. The output always ends with CRLF: text
    /// that does not end with a line break gains one (the canonical form of a MIME text part).
    static func appendEncoded(_ text: String, to output: inout [UInt8]) {
        let bytes = Array(text.utf8)
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x0D || byte == 0x0A else {
                index += 1
                continue
            }
            appendLine(bytes[lineStart..<index], to: &output)
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            index += 1
            lineStart = index
        }
        if lineStart < bytes.count || bytes.isEmpty {
            appendLine(bytes[lineStart..<bytes.count], to: &output)
        }
    }

    private static func appendLine(_ line: ArraySlice<UInt8>, to output: inout [UInt8]) {
        var column = 0
        var position = line.startIndex
        while position < line.endIndex {
            let byte = line[position]
            let isLast = position == line.index(before: line.endIndex)
            let literal: Bool
            switch byte {
            case 0x20, 0x09: literal = !isLast
            case 0x3D: literal = false
            case 0x21...0x7E: literal = true
            default: literal = false
            }
            let width = literal ? 1 : 3
            let room = isLast ? lineLength : lineLength - 1
            if column + width > room {
                output.append(UInt8(ascii: "="))
                output.append(0x0D)
                output.append(0x0A)
                column = 0
            }
            if literal {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "="))
                Hex.append(byte, to: &output)
            }
            column += width
            position += 1
        }
        output.append(0x0D)
        output.append(0x0A)
    }
}
