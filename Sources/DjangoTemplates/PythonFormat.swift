import CeleryWire
import Foundation

/// Python's text forms of values, byte for byte: `repr(float)`, `repr(str)`, `str(datetime)`.
enum PythonFormat {
    /// The shortest round-trip digits of a finite double and its decimal exponent:
    /// `value = ±d.ddd × 10^exponent`.
    static func decompose(_ value: Double) -> (negative: Bool, digits: [Character], exponent: Int) {
        let text = "\(value.magnitude)"  // Swift prints the shortest round-trip digits too
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts.first.map(String.init) ?? "0"
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = Array(whole + fraction)
        var point = whole.count + exponent  // digits before the decimal point
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        if digits == ["0"] { point = 1 }
        return (value.sign == .minus, digits, point - 1)
    }

    /// `repr(float)`: `1.0`, `0.1`, `1e-05`, `1e+16`, `inf`, `nan`.
    static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let (negative, digits, exponent) = decompose(value)
        let sign = negative ? "-" : ""
        if exponent < -4 || exponent >= 16 {
            let rest = digits.dropFirst()
            let mantissa = String(digits[0]) + (rest.isEmpty ? "" : "." + String(rest))
            let magnitude = abs(exponent)
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + String(digits) }
        let whole = digits.count > exponent + 1 ? digits[..<(exponent + 1)] : ArraySlice(digits)
        let integer = String(whole) + String(repeating: "0", count: max(0, exponent + 1 - digits.count))
        let fraction = digits.count > exponent + 1 ? String(digits[(exponent + 1)...]) : "0"
        return sign + integer + "." + fraction
    }

    /// `repr(str)`: single quotes unless the text holds one and no double quote.
    static func repr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + String(quote)
    }

    /// `str(datetime)`: `2024-01-05 10:30:00+00:00` (aware, in UTC) or without the offset (naive).
    static func isoDateTime(_ seconds: Double, naive: Bool) -> String {
        ISODateTime(unixTime: seconds, utcOffset: naive ? nil : 0).isoFormat(separator: " ")
    }
}
