/// Base64 (RFC 4648) for MIME bodies: 76-character lines ending in CRLF (RFC 2045 §6.8).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The longest body line RFC 2045 allows for base64.
    static let lineLength = 76

    /// Encodes `bytes` without line breaks (for encoded-words).
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        appendEncoded(bytes, to: &out, lineLength: nil)
        return out
    }

    /// Appends the encoding of `bytes` to `output`, broken into lines of `lineLength` characters
    /// each ending in CRLF (the last line too) when `lineLength` is given.
    static func appendEncoded(_ bytes: [UInt8], to output: inout [UInt8], lineLength: Int?) {
        var column = 0
        var index = 0
        func put(_ byte: UInt8) {
            output.append(byte)
            column += 1
            if let lineLength, column == lineLength {
                output.append(0x0D)
                output.append(0x0A)
                column = 0
            }
        }
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            put(alphabet[Int(value >> 18 & 0x3F)])
            put(alphabet[Int(value >> 12 & 0x3F)])
            put(alphabet[Int(value >> 6 & 0x3F)])
            put(alphabet[Int(value & 0x3F)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let value = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            put(alphabet[Int(value >> 18 & 0x3F)])
            put(alphabet[Int(value >> 12 & 0x3F)])
            put(rest == 2 ? alphabet[Int(value >> 6 & 0x3F)] : UInt8(ascii: "="))
            put(UInt8(ascii: "="))
        }
        if lineLength != nil, column > 0 {
            output.append(0x0D)
            output.append(0x0A)
        }
    }
}
