/// Parses kombu's JSON dialect: RFC 8259 plus Python's `NaN`, `Infinity` and `-Infinity`, and
/// integers of any size. Rejects what Python's `json.loads` rejects (raw control characters in
/// strings, trailing garbage, invalid UTF-8), and nesting deeper than `maximumDepth`.
public struct JSONParser: Sendable {
    /// The deepest nesting accepted; deeper input is refused instead of exhausting the stack.
    public var maximumDepth: Int

    /// Creates a parser.
    /// - Parameter maximumDepth: the deepest nesting accepted (Python's own limit is near 1000).
    public init(maximumDepth: Int = 512) {
        self.maximumDepth = maximumDepth
    }

    /// Parses a complete JSON text.
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text.
    ///   - field: the name of what is parsed, for error messages (`envelope`, `body`).
    public func parse(_ bytes: some Collection<UInt8>, field: String = "json") throws(CeleryWireError) -> JSONValue {
        let array = Array(bytes)
        let result: Result<JSONValue, CeleryWireError> = array.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer, maximumDepth: maximumDepth, field: field)
            do throws(CeleryWireError) {
                reader.skipWhitespace()
                let value = try reader.parseValue(depth: 0)
                reader.skipWhitespace()
                guard reader.index == buffer.count else { throw reader.error("extra data after the JSON value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses a JSON text given as a string.
    public func parse(_ text: String, field: String = "json") throws(CeleryWireError) -> JSONValue {
        try parse(Array(text.utf8), field: field)
    }
}

extension JSONParser {
    fileprivate struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let maximumDepth: Int
        let field: String
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int, field: String) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
            self.field = field
        }

        func error(_ message: String) -> CeleryWireError {
            CeleryWireError(.malformedJSON, field: field, expected: "JSON", message: "\(message) at byte \(index)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ literal: StaticString) throws(CeleryWireError) {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("truncated literal") }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != start[offset] {
                throw error("unexpected character")
            }
            index += count
        }

        mutating func parseValue(depth: Int) throws(CeleryWireError) -> JSONValue {
            guard depth <= maximumDepth else {
                throw CeleryWireError(
                    .tooLarge, field: field, expected: "at most \(maximumDepth) levels of nesting",
                    message: "JSON nested too deeply")
            }
            guard index < bytes.count else { throw error("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            case UInt8(ascii: "N"):
                try expect("NaN")
                return .double(.nan)
            case UInt8(ascii: "I"):
                try expect("Infinity")
                return .double(.infinity)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try parseNumber()
            default:
                throw error("unexpected character")
            }
        }

        mutating func parseObject(depth: Int) throws(CeleryWireError) -> JSONValue {
            index += 1
            var object = JSONObject()
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a string key")
                }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                object.appendParsed(key, value)
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                index += 1
                return .object(object)
            }
        }

        mutating func parseArray(depth: Int) throws(CeleryWireError) -> JSONValue {
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                index += 1
                return .array(elements)
            }
        }

        mutating func parseNumber() throws(CeleryWireError) -> JSONValue {
            let start = index
            if bytes[index] == UInt8(ascii: "-") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
                    try expect("Infinity")
                    return .double(-.infinity)
                }
            }
            let digitsStart = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            let integerDigits = index - digitsStart
            guard integerDigits > 0 else { throw error("expected a digit") }
            guard !(integerDigits > 1 && bytes[digitsStart] == 0x30) else { throw error("leading zero in a number") }
            var isInteger = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                let fractionStart = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                guard index > fractionStart else { throw error("expected a digit after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                let exponentStart = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                guard index > exponentStart else { throw error("expected a digit in the exponent") }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if isInteger {
                if let value = Int64(text) { return .int(value) }
                return .bigInt(text)
            }
            guard let value = Double(text) else { throw error("invalid number") }
            return .double(value)
        }

        mutating func parseString() throws(CeleryWireError) -> String {
            index += 1
            let start = index
            var ascii = true
            // Fast path: no escapes. ASCII needs no validation (the common case: Python writes
            // JSON with ensure_ascii); other bytes must be valid UTF-8.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    if ascii { return String(decoding: slice, as: UTF8.self) }
                    guard let text = String(validating: slice, as: UTF8.self) else { throw error("invalid UTF-8") }
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character in a string") }
                if byte >= 0x80 { ascii = false }
                index += 1
            }
            var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let text = String(validating: scalars, as: UTF8.self) else { throw error("invalid UTF-8") }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw error("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append(0x22)
                    case UInt8(ascii: "\\"): scalars.append(0x5C)
                    case UInt8(ascii: "/"): scalars.append(0x2F)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try parseHex4()
                        if (0xD800...0xDBFF).contains(code), index + 6 <= bytes.count,
                            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                        {
                            let saved = index
                            index += 2
                            let low = try parseHex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                index = saved
                            }
                        }
                        // Python allows lone surrogates; a Swift string cannot hold them.
                        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                        scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
                    default:
                        throw error("invalid escape")
                    }
                default:
                    if byte < 0x20 { throw error("control character in a string") }
                    scalars.append(byte)
                    index += 1
                }
            }
            throw error("unterminated string")
        }

        mutating func parseHex4() throws(CeleryWireError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw error("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}
