import Foundation

/// Maps Unicode text to WinAnsiEncoding (Windows-1252) bytes, the encoding of the standard fonts.
public enum WinAnsi {
    /// The byte written for characters WinAnsiEncoding cannot represent (emoji, CJK, …).
    public static let replacement: UInt8 = 0x3F  // "?"

    private static let specials: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86,
        0x2021: 0x87, 0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C,
        0x017D: 0x8E, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95,
        0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B,
        0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// Encodes `text` (composed to NFC first); tabs and line breaks become spaces, and each
    /// unmappable character becomes one `?`.
    public static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let source = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
        for character in source {
            // One output byte per user-perceived character, so "👍🏽" is one "?" and "\r\n" one space.
            guard let scalar = character.unicodeScalars.first else { continue }
            bytes.append(map(scalar.value) ?? replacement)
        }
        return bytes
    }

    private static func map(_ value: UInt32) -> UInt8? {
        switch value {
        case 0x09, 0x0A, 0x0D: return 0x20
        case 0x20...0x7E, 0xA0...0xFF: return UInt8(value)
        default: return specials[value]
        }
    }
}
