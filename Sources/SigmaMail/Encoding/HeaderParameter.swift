/// MIME header parameters (`filename="…"`) with RFC 2231 encoding for non-ASCII values.
enum HeaderParameter {
    /// The longest value piece per RFC 2231 continuation line.
    private static let segmentLength = 45

    /// Tokens for `name=value`, each ending in `;` except the last: a single quoted parameter for
    /// printable ASCII; otherwise `name*=utf-8''%XX…`, split into `name*0*`, `name*1*`, … when long.
    static func tokens(name: String, value: String) -> [String] {
        let printableASCII = value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if printableASCII, value.utf8.count <= 900 {
            var quoted = "\""
            for character in value {
                if character == "\"" || character == "\\" { quoted += "\\" }
                quoted.append(character)
            }
            return ["\(name)=\(quoted)\""]
        }
        var segments: [String] = []
        var current = ""
        for scalar in value.unicodeScalars {
            var encoded = ""
            for byte in String(scalar).utf8 {
                if isAttributeChar(byte) {
                    encoded.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    encoded += "%" + Hex.byte(byte)
                }
            }
            if !current.isEmpty, current.utf8.count + encoded.utf8.count > segmentLength {
                segments.append(current)
                current = ""
            }
            current += encoded
        }
        segments.append(current)
        if segments.count == 1 {
            return ["\(name)*=utf-8''\(segments[0])"]
        }
        return segments.enumerated().map { index, segment in
            let prefix = index == 0 ? "utf-8''" : ""
            let separator = index == segments.count - 1 ? "" : ";"
            return "\(name)*\(index)*=\(prefix)\(segment)\(separator)"
        }
    }

    /// RFC 2231 `attribute-char`: printable ASCII except specials, `*`, `'`, `%` and space.
    private static func isAttributeChar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$&+-.^_`|~".utf8).contains(byte)
        }
    }
}
