/// Python's `repr()` of JSON-decoded values, for `argsrepr` / `kwargsrepr` and event fields.
public enum PythonRepr {
    /// The repr of one value.
    public static func repr(_ value: JSONValue) -> String {
        var output = ""
        write(value, into: &output)
        return output
    }

    /// The repr of an args tuple: `(2, 3)`, `(7,)`, `()`.
    public static func tuple(_ elements: [JSONValue]) -> String {
        if elements.count == 1 { return "(" + repr(elements[0]) + ",)" }
        return "(" + elements.map(repr).joined(separator: ", ") + ")"
    }

    /// The repr of a kwargs dict.
    public static func dict(_ object: JSONObject) -> String {
        repr(.object(object))
    }

    /// Truncates a repr the way Celery does for headers (1024 characters).
    public static func truncated(_ text: String, limit: Int = 1024) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 3)) + "..."
    }

    private static func write(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null: output += "None"
        case .bool(let flag): output += flag ? "True" : "False"
        case .int(let number): output += String(number)
        case .bigInt(let digits): output += digits
        case .double(let number):
            if number.isNaN {
                output += "nan"
            } else if number.isInfinite {
                output += number < 0 ? "-inf" : "inf"
            } else {
                output += JSONSerializer.pythonFloat(number)
            }
        case .string(let text): output += string(text)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += ", " }
                write(element, into: &output)
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { output += ", " }
                output += string(member.key)
                output += ": "
                write(member.value, into: &output)
            }
            output += "}"
        }
    }

    /// Python's string repr: single quotes unless the text has a single quote and no double quote.
    public static func string(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var output = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if Character(scalar) == quote {
                    output += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    output += "\\x" + pad(hex: scalar.value, 2)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output.append(quote)
        return output
    }

    private static func pad(hex value: UInt32, _ width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
