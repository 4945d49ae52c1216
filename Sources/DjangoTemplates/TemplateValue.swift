import Foundation

/// A value in a template context, with Python's semantics where Django relies on them: truth,
/// `str()`, equality and ordering across int and float, and HTML safety (`mark_safe`).
public indirect enum TemplateValue: Sendable, Hashable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    /// Text; `safe` is Django's `SafeString` (never escaped again).
    case string(String, safe: Bool)
    case list([TemplateValue])
    /// A dict or an object: lookups by key or attribute are the same here. Keys keep their order.
    case dictionary([(key: String, value: TemplateValue)])
    /// An aware date-time (seconds since the epoch, UTC) or a naive one (`naive`: wall-clock
    /// seconds, no zone).
    case dateTime(Double, naive: Bool)
    /// A calendar date (days shown as given: year, month, day).
    case date(year: Int, month: Int, day: Int)
    /// An object such as a Django model instance: `str()` is `text`, lookups find its attributes
    /// (no dict methods), and it is always true.
    case object(String, attributes: [(key: String, value: TemplateValue)])

    /// Plain text (not safe).
    public static func text(_ value: String) -> TemplateValue { .string(value, safe: false) }

    /// Python's truth value.
    public var isTrue: Bool {
        switch self {
        case .none: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .double(let value): return value != 0
        case .string(let value, _): return !value.isEmpty
        case .list(let items): return !items.isEmpty
        case .dictionary(let entries): return !entries.isEmpty
        case .dateTime, .date, .object: return true
        }
    }

    /// Whether this is a `SafeString`.
    public var isSafe: Bool {
        if case .string(_, let safe) = self { return safe }
        return false
    }

    /// Python's `str()`.
    public var pythonString: String {
        switch self {
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return PythonFormat.repr(value)
        case .string(let value, _): return value
        case .list(let items): return "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            return "{" + entries.map { PythonFormat.repr($0.key) + ": " + $0.value.pythonRepr }.joined(separator: ", ")
                + "}"
        case .dateTime(let seconds, let naive):
            return PythonFormat.isoDateTime(seconds, naive: naive)
        case .date(let year, let month, let day):
            return String(format: "%04d-%02d-%02d", year, month, day)
        case .object(let text, _):
            return text
        }
    }

    /// Python's `repr()`.
    public var pythonRepr: String {
        if case .string(let value, _) = self { return PythonFormat.repr(value) }
        return pythonString
    }

    /// A number as a double, for comparisons (bools count as 0 and 1, as in Python).
    var number: Double? {
        switch self {
        case .bool(let value): return value ? 1 : 0
        case .int(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// Python's `==`.
    public func pythonEquals(_ other: TemplateValue) -> Bool {
        if let left = number, let right = other.number { return left == right }
        switch (self, other) {
        case (.none, .none): return true
        case (.string(let left, _), .string(let right, _)): return left == right
        case (.list(let left), .list(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.pythonEquals($1) }
        case (.dictionary(let left), .dictionary(let right)):
            return left.count == right.count
                && left.allSatisfy { entry in
                    right.first { $0.key == entry.key }?.value.pythonEquals(entry.value) ?? false
                }
        case (.dateTime(let left, let leftNaive), .dateTime(let right, let rightNaive)):
            return left == right && leftNaive == rightNaive
        case (.date(let y1, let m1, let d1), .date(let y2, let m2, let d2)): return (y1, m1, d1) == (y2, m2, d2)
        case (.object, .object): return self == other
        default: return false
        }
    }

    /// Python's `<`; nil when Python would raise TypeError (Django's `if` then counts it false).
    public func pythonLess(_ other: TemplateValue) -> Bool? {
        if let left = number, let right = other.number { return left < right }
        switch (self, other) {
        case (.string(let left, _), .string(let right, _)):
            return Array(left.unicodeScalars.map(\.value)).lexicographicallyPrecedes(right.unicodeScalars.map(\.value))
        case (.list(let left), .list(let right)):
            for (a, b) in zip(left, right) where !a.pythonEquals(b) { return a.pythonLess(b) }
            return left.count < right.count
        case (.dateTime(let left, let leftNaive), .dateTime(let right, let rightNaive)) where leftNaive == rightNaive:
            return left < right
        case (.date(let y1, let m1, let d1), .date(let y2, let m2, let d2)): return (y1, m1, d1) < (y2, m2, d2)
        default: return nil
        }
    }

    /// The value under a key or attribute name (dict, object), an index (list, string), or nil.
    func lookup(_ bit: String) -> TemplateValue? {
        switch self {
        case .dictionary(let entries):
            if let found = entries.first(where: { $0.key == bit }) { return found.value }
            switch bit {  // dict methods a template calls without parentheses
            case "items": return .list(entries.map { .list([.text($0.key), $0.value]) })
            case "keys": return .list(entries.map { .text($0.key) })
            case "values": return .list(entries.map(\.value))
            default: break
            }
            return nil
        case .object(_, let attributes):
            return attributes.first(where: { $0.key == bit })?.value
        case .list(let items):
            guard let index = Int(bit) else { return nil }
            let position = index < 0 ? items.count + index : index
            return items.indices.contains(position) ? items[position] : nil
        case .string(let value, _):
            switch bit {
            case "upper": return .text(value.uppercased())
            case "lower": return .text(value.lowercased())
            case "strip": return .text(value.trimmingCharacters(in: .whitespacesAndNewlines))
            default: break
            }
            guard let index = Int(bit) else { return nil }
            let characters = Array(value)
            let position = index < 0 ? characters.count + index : index
            return characters.indices.contains(position) ? .text(String(characters[position])) : nil
        default:
            return nil
        }
    }

    public static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.dictionary(let left), .dictionary(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a, let s), .string(let b, let t)): return a == b && s == t
        case (.list(let a), .list(let b)): return a == b
        case (.dateTime(let a, let n), .dateTime(let b, let m)): return a == b && n == m
        case (.date(let a, let b, let c), .date(let d, let e, let f)): return (a, b, c) == (d, e, f)
        case (.object(let a, let left), .object(let b, let right)):
            return a == b && left.count == right.count
                && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(pythonRepr) }
}
