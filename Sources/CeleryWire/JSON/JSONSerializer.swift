/// Writes JSON the way Python's `json.dumps` does by default, which is what kombu and Celery
/// write: `", "` and `": "` separators, non-ASCII escaped as `\uXXXX`, `NaN` and `Infinity` as
/// bare tokens, floats in their shortest round-trip form.
public struct JSONSerializer: Sendable {
    /// Creates a serializer.
    public init() {}

    /// Serializes a value to UTF-8 bytes.
    public func serialize(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output)
        return output
    }

    /// Serializes a value to a string.
    public func string(_ value: JSONValue) -> String {
        String(decoding: serialize(value), as: UTF8.self)
    }

    /// Appends the serialization of a value to a buffer.
    public func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        case .bigInt(let digits): output.append(contentsOf: digits.utf8)
        case .double(let number): output.append(contentsOf: Self.pythonFloat(number).utf8)
        case .string(let text): Self.writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(contentsOf: ", ".utf8) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (position, member) in object.members.enumerated() {
                if position > 0 { output.append(contentsOf: ", ".utf8) }
                Self.writeString(member.key, into: &output)
                output.append(contentsOf: ": ".utf8)
                write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Python's `repr(float)`: shortest round-trip digits, `NaN`, `Infinity`, `-Infinity`.
    public static func pythonFloat(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        // Swift's description is the shortest round-trip form, like Python's repr; Python keeps
        // positional notation up to 1e16 and writes exponents with at least two digits.
        var text = number.description
        if let e = text.firstIndex(of: "e") {
            let mantissa = text[..<e]
            var exponent = String(text[text.index(after: e)...])
            var sign = "+"
            if exponent.hasPrefix("-") {
                sign = "-"
                exponent.removeFirst()
            } else if exponent.hasPrefix("+") {
                exponent.removeFirst()
            }
            if exponent.count < 2 { exponent = "0" + exponent }
            let exponentValue = Int(exponent) ?? 0
            if sign == "+" && exponentValue < 16 {
                // Python prints e.g. 1e+15 as 1000000000000000.0.
                text = String(format: number)
            } else {
                text = mantissa + "e" + sign + exponent
            }
        }
        return text
    }

    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Fast path: printable ASCII without quote or backslash is written as it is.
        var text = text
        let plain = text.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte > 0x7E || byte == 0x22 || byte == 0x5C { return false }
            output.append(contentsOf: utf8)
            return true
        }
        if plain {
            output.append(UInt8(ascii: "\""))
            return
        }
        for unit in text.utf16 {
            switch unit {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x20...0x7E: output.append(UInt8(unit))
            default:
                output.append(contentsOf: [0x5C, UInt8(ascii: "u")])
                output.append(hexDigit(unit >> 12))
                output.append(hexDigit(unit >> 8))
                output.append(hexDigit(unit >> 4))
                output.append(hexDigit(unit))
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt16) -> UInt8 {
        let nibble = UInt8(value & 0xF)
        return nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10
    }
}

extension String {
    /// Positional notation for a double Swift would print with an exponent below 1e16.
    fileprivate init(format number: Double) {
        let integral = number.rounded(.towardZero)
        if integral == number, abs(number) < 1e16 {
            self = String(Int64(number)) + ".0"
        } else {
            self = number.description
        }
    }
}
