/// Quoted-printable bodies exactly as Python's `email.quoprimime.body_encode` writes them (the
/// encoding Django gives an HTML part with a line over 998 octets).
///
/// `=`, control characters and bytes ≥ 0x7F become `=XX`; lines are cut at 76 columns with `=`
/// soft breaks that never split an escape; white space ending a line is escaped; line breaks of
/// the input (CRLF, LF or a lone CR) become CRLF, and a final line break is kept.
enum QuotedPrintable {
    /// The longest encoded line, soft-break `=` included.
    static let lineLength = 76

    /// Appends the encoding of `text` (UTF-8) to `output`.
    static func appendEncoded(_ text: String, to output: inout [UInt8]) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return }
        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                lines.append(line)
                line = []
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            } else if isLiteral(byte) {
                line.append(byte)
            } else {
                line.append(UInt8(ascii: "="))
                Hex.append(byte, to: &line)
            }
            index += 1
        }
        if !line.isEmpty { lines.append(line) }
        let endsWithBreak = bytes.last == 0x0D || bytes.last == 0x0A
        var pieces: [ArraySlice<UInt8>] = []
        for line in lines { wrap(line, into: &pieces) }
        if endsWithBreak { pieces.append([]) }
        for (position, piece) in pieces.enumerated() {
            if position > 0 {
                output.append(0x0D)
                output.append(0x0A)
            }
            output += piece
        }
    }

    /// One input line (already escaped) as output lines of at most 76 columns.
    private static func wrap(_ line: [UInt8], into pieces: inout [ArraySlice<UInt8>]) {
        let equals = UInt8(ascii: "=")
        var start = 0
        let lastStart = line.count - 1 - lineLength
        while start <= lastStart {
            let stop = start + lineLength - 1
            if line[stop - 2] == equals {
                pieces.append(line[start..<(stop - 1)])
                start = stop - 2
            } else if line[stop - 1] == equals {
                pieces.append(line[start..<stop])
                start = stop - 1
            } else {
                pieces.append(line[start..<stop] + [equals])
                start = stop
            }
        }
        guard let last = line.last, last == 0x20 || last == 0x09 else {
            pieces.append(line[start...])
            return
        }
        let room = start - lastStart
        let escaped = Array("=\(Hex.byte(last))".utf8)
        let body = line[start..<(line.count - 1)]
        if room >= 3 {
            pieces.append(body + escaped)
        } else if room == 2 {
            pieces.append(body + [last, equals])
            pieces.append([])
        } else {
            pieces.append(body + [equals])
            pieces.append(escaped[...])
        }
    }

    /// The bytes Python's body encoding keeps as they are.
    private static func isLiteral(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "=")) || byte == 0x09
    }
}
