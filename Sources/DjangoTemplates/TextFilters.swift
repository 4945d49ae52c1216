import Foundation

/// The text work behind several filters, as Python and Django's `Truncator` do it.
enum TextFilters {
    /// `str.title()`, then Django's two fixes (`don'T` → `don't`, `1St` → `1st`).
    static func title(_ text: String) -> String {
        var out = ""
        var previousCased = false
        for character in text {
            let cased = character.isCased
            if cased {
                out +=
                    previousCased
                    ? character.lowercased()
                    : String(character).unicodeScalars.map { $0.properties.titlecaseMapping }.joined()
            } else {
                out.append(character)
            }
            previousCased = cased
        }
        var fixed = Array(out)
        var index = 1
        while index + 1 < fixed.count {
            if fixed[index] == "'" && fixed[index - 1].isLowercaseASCII && fixed[index + 1].isUppercaseASCII {
                fixed[index + 1] = Character(fixed[index + 1].lowercased())
            }
            index += 1
        }
        index = 0
        while index + 1 < fixed.count {
            if fixed[index].isASCII && fixed[index].isNumber && fixed[index + 1].isUppercaseASCII {
                fixed[index + 1] = Character(fixed[index + 1].lowercased())
            }
            index += 1
        }
        return String(fixed)
    }

    /// Python's `sequence[start:stop:step]`.
    static func slice<T>(_ items: [T], _ bits: [Int?]) -> [T] {
        let count = items.count
        let step = bits.count > 2 ? (bits[2] ?? 1) : 1
        guard step != 0 else { return items }
        func clamp(_ value: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
            guard var value else { return fallback }
            if value < 0 { value += count }
            return min(max(value, low), high)
        }
        if step > 0 {
            let start = clamp(bits.first ?? nil, 0, low: 0, high: count)
            let stop = clamp(bits.count > 1 ? bits[1] : nil, count, low: 0, high: count)
            return stride(from: start, to: stop, by: step).map { items[$0] }
        }
        let start = clamp(bits.first ?? nil, count - 1, low: -1, high: count - 1)
        let stop = clamp(bits.count > 1 ? bits[1] : nil, -1, low: -1, high: count - 1)
        return stride(from: start, to: stop, by: step).map { items[$0] }
    }

    /// `Truncator.chars` with Django's `…` (the ellipsis counts toward the length).
    static func truncateChars(_ text: String, _ length: Int) -> String {
        guard length > 0 else { return "" }
        let scalars = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
        let keep = length - 1
        var counted = 0
        var end: Int?
        for (index, scalar) in scalars.enumerated() {
            if scalar.properties.canonicalCombiningClass != .notReordered { continue }
            counted += 1
            if end == nil && counted > keep { end = index }
            if counted > length {
                var out = String.UnicodeScalarView(scalars[..<(end ?? 0)])
                out.append("…")
                return String(out)
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// `Truncator.words` with ` …`: words split at whitespace and joined by one space.
    static func truncateWords(_ text: String, _ length: Int) -> String {
        guard length > 0 else { return "" }
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard words.count > length else { return words.joined(separator: " ") }
        let kept = words.prefix(length).joined(separator: " ")
        return kept.hasSuffix(" …") ? kept : kept + " …"
    }

    /// `urllib.parse.quote(text, safe=safe)`: UTF-8, unreserved characters kept.
    static func quote(_ text: String, safe: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~".utf8)
        let kept = unreserved.union(safe.utf8)
        var out = ""
        for byte in text.utf8 {
            if kept.contains(byte) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

extension Character {
    var isLowercaseASCII: Bool { isASCII && isLowercase }
    var isUppercaseASCII: Bool { isASCII && isUppercase }
}
