import Foundation

/// A value carried by kombu's typed JSON extension, `{"__type__": T, "__value__": V}`
/// (kombu ≥ 5.3), or by the older plain-string conventions of kombu < 5.3.
public enum KombuTypedValue: Sendable, Hashable {
    case datetime(ISODateTime)
    case date(year: Int, month: Int, day: Int)
    case time(hour: Int, minute: Int, second: Int, microsecond: Int, utcOffset: Int?)
    /// A `Decimal`, kept as its exact text.
    case decimal(String)
    case uuid(UUID)
    case bytes([UInt8])

    /// The marker names kombu defines; any other makes Python reject the whole message.
    public static let markerNames: Set<String> = ["datetime", "date", "time", "decimal", "uuid", "bytes", "base64"]

    /// Reads a marker object, or returns nil when `object` is not exactly a marker.
    /// - Throws: `CeleryWireError.unsupportedTypeMarker` for an unknown type or a bad value.
    public init?(marker object: JSONObject, field: String = "value") throws(CeleryWireError) {
        guard object.count == 2, let type = object["__type__"], let value = object["__value__"] else { return nil }
        guard let typeName = type.stringValue else {
            throw CeleryWireError(
                .unsupportedTypeMarker, field: field, expected: "a string __type__", message: "bad marker")
        }
        func bad(_ expected: String) -> CeleryWireError {
            CeleryWireError(
                .unsupportedTypeMarker, field: field, expected: expected,
                message: "invalid value for __type__ \(typeName)")
        }
        switch typeName {
        case "datetime":
            guard let text = value.stringValue, let parsed = ISODateTime.parse(text) else { throw bad("ISO datetime") }
            self = .datetime(parsed)
        case "date":
            guard let text = value.stringValue, text.utf8.count == 10, let parsed = ISODateTime.parse(text) else {
                throw bad("ISO date")
            }
            self = .date(year: parsed.year, month: parsed.month, day: parsed.day)
        case "time":
            guard let text = value.stringValue, let parsed = ISODateTime.parse("2000-01-01T" + text) else {
                throw bad("ISO time")
            }
            self = .time(
                hour: parsed.hour, minute: parsed.minute, second: parsed.second,
                microsecond: parsed.microsecond, utcOffset: parsed.utcOffset)
        case "decimal":
            guard let text = value.stringValue, Self.isDecimalText(text) else { throw bad("decimal text") }
            self = .decimal(text)
        case "uuid":
            guard let hex = value.objectValue?["hex"]?.stringValue, let uuid = Self.uuid(hex: hex) else {
                throw bad("{\"hex\": 32 hex digits}")
            }
            self = .uuid(uuid)
        case "bytes":
            guard let text = value.stringValue else { throw bad("string") }
            self = .bytes(Array(text.utf8))
        case "base64":
            guard let text = value.stringValue, let data = Data(base64Encoded: text) else { throw bad("base64") }
            self = .bytes(Array(data))
        default:
            throw CeleryWireError(
                .unsupportedTypeMarker, field: field, expected: "one of \(Self.markerNames.sorted())",
                message: "unsupported __type__ \(typeName)")
        }
    }

    /// The marker kombu ≥ 5.3 writes for this value.
    public var jsonValue: JSONValue {
        func marker(_ type: String, _ value: JSONValue) -> JSONValue {
            .object(JSONObject([("__type__", .string(type)), ("__value__", value)]))
        }
        switch self {
        case .datetime(let value): return marker("datetime", .string(value.isoFormat()))
        case .date(let y, let m, let d): return marker("date", .string("\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"))
        case .time(let h, let m, let s, let micro, let offset):
            var text = "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2))"
            if micro != 0 { text += ".\(pad(micro, 6))" }
            if let offset { text += ISODateTime.formatOffset(offset) }
            return marker("time", .string(text))
        case .decimal(let text): return marker("decimal", .string(text))
        case .uuid(let uuid):
            let hex = uuid.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            return marker("uuid", .object(JSONObject([("hex", .string(hex))])))
        case .bytes(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) { return marker("bytes", .string(text)) }
            return marker("base64", .string(Data(bytes).base64EncodedString()))
        }
    }

    /// Checks every marker inside a value, as kombu's decoder does: an unknown `__type__`
    /// or a malformed marker makes the whole message undecodable.
    public static func validateMarkers(in value: JSONValue, field: String) throws(CeleryWireError) {
        switch value {
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                try validateMarkers(in: element, field: "\(field)[\(index)]")
            }
        case .object(let object):
            if object.count == 2, object["__type__"] != nil, object["__value__"] != nil {
                _ = try KombuTypedValue(marker: object, field: field)
                return
            }
            for member in object.members {
                try validateMarkers(in: member.value, field: "\(field).\(member.key)")
            }
        default:
            return
        }
    }

    static func isDecimalText(_ text: String) -> Bool {
        if ["NaN", "sNaN", "Infinity", "-Infinity", "Inf", "-Inf"].contains(text) { return true }
        return Double(text) != nil
    }

    static func uuid(hex: String) -> UUID? {
        let digits = Array(hex.lowercased().utf8)
        guard digits.count == 32, digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        var text = String(decoding: digits, as: UTF8.self)
        for position in [8, 13, 18, 23] {
            text.insert("-", at: text.index(text.startIndex, offsetBy: position))
        }
        return UUID(uuidString: text)
    }
}

extension JSONValue {
    /// The typed value of a kombu marker, or of a legacy plain string (kombu < 5.3 sends
    /// datetimes, dates, times, decimals and UUIDs as strings), when it reads as `kind`.
    public func kombuValue(as kind: KombuTypedValue.Kind) -> KombuTypedValue? {
        if let object = objectValue, let typed = try? KombuTypedValue(marker: object) {
            switch (kind, typed) {
            case (.datetime, .datetime), (.date, .date), (.time, .time), (.decimal, .decimal),
                (.uuid, .uuid), (.bytes, .bytes):
                return typed
            case (.date, .datetime(let value)):
                return .date(year: value.year, month: value.month, day: value.day)
            default:
                return nil
            }
        }
        switch (kind, self) {
        case (.decimal, .int(let number)): return .decimal(String(number))
        case (.decimal, .double(let number)): return .decimal(String(number))
        case (_, .string(let text)):
            switch kind {
            case .datetime: return ISODateTime.parse(text).map { .datetime($0) }
            case .date:
                return ISODateTime.parse(text).map { .date(year: $0.year, month: $0.month, day: $0.day) }
            case .time:
                return ISODateTime.parse("2000-01-01T" + text).map {
                    .time(
                        hour: $0.hour, minute: $0.minute, second: $0.second, microsecond: $0.microsecond,
                        utcOffset: $0.utcOffset)
                }
            case .decimal: return KombuTypedValue.isDecimalText(text) ? .decimal(text) : nil
            case .uuid: return UUID(uuidString: text).map { .uuid($0) }
            case .bytes: return .bytes(Array(text.utf8))
            }
        default:
            return nil
        }
    }
}

extension KombuTypedValue {
    /// The kinds a caller may ask `JSONValue.kombuValue(as:)` for.
    public enum Kind: Sendable {
        case datetime, date, time, decimal, uuid, bytes
    }
}
