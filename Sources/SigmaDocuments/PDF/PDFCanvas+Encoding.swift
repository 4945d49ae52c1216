extension PDFCanvas {
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { content.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        content.append(contentsOf: text.utf8)
    }

    mutating func appendInt(_ value: Int) {
        PDFNumber.appendInt(value, to: &content)
    }

    /// Writes a number with at most 4 decimals and no trailing zeros.
    mutating func appendNumber(_ value: Double) {
        PDFNumber.append(value, to: &content)
    }

    mutating func appendColor(_ color: PDFColor) {
        appendNumber(color.red); append(" "); appendNumber(color.green); append(" "); appendNumber(color.blue)
    }

    /// Writes a literal string `( … )`, escaping the delimiters and backslash.
    mutating func appendString(_ bytes: [UInt8]) {
        content.append(0x28)
        for byte in bytes {
            switch byte {
            case 0x28, 0x29, 0x5C:
                content.append(0x5C)
                content.append(byte)
            default:
                content.append(byte)
            }
        }
        content.append(0x29)
    }
}

/// Fast, locale-independent number formatting for PDF operands.
enum PDFNumber {
    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(0x2D)
            appendInt(-value, to: &out)
            return
        }
        if value < 10 {
            out.append(0x30 + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[count] = 0x30 + UInt8(v % 10)
                v /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
        }
    }

    static func append(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(0x30)
            return
        }
        let scaled = (abs(value) * 10_000).rounded()
        var whole = Int(scaled) / 10_000
        var fraction = Int(scaled) % 10_000
        if value < 0 && scaled != 0 { out.append(0x2D) }
        if fraction == 0 {
            appendInt(whole, to: &out)
            return
        }
        if fraction >= 10_000 { whole += 1; fraction -= 10_000 }
        appendInt(whole, to: &out)
        out.append(0x2E)
        var divisor = 1000
        while fraction > 0 {
            out.append(0x30 + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        }
    }
}
