#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The local host name, for `Message-ID` and the SMTP `EHLO` greeting.
enum MailHost {
    /// The host name, reduced to letters, digits, `-` and `.`; `localhost.localdomain` when empty.
    static func name() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost.localdomain" }
        let raw = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let cleaned = String(
            raw.unicodeScalars.filter {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ".")
            }.map(Character.init))
        return cleaned.isEmpty ? "localhost.localdomain" : cleaned
    }
}
