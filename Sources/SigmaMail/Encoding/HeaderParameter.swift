/// A MIME header parameter (`filename=…`) as Python's `email.message._formatparam` writes it,
/// which is what Django's attachments carry.
enum HeaderParameter {
    /// `name="value"` for ASCII (backslash and quote escaped), `name*=utf-8''%XX…` (RFC 2231,
    /// percent-encoding all but letters, digits and `_.-~`) otherwise.
    static func formatted(name: String, value: String) -> String {
        if value.unicodeScalars.allSatisfy(\.isASCII) {
            let quoted = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\(name)=\"\(quoted)\""
        }
        var encoded = ""
        for byte in value.utf8 {
            if isUnreserved(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + Hex.byte(byte)
            }
        }
        return "\(name)*=utf-8''\(encoded)"
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
