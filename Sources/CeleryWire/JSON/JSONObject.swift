/// A JSON object that keeps its keys in order, as Python's `dict` does.
///
/// Setting an existing key keeps its position and replaces the value (so a duplicate key in the
/// input behaves like Python's `json.loads`: the last value wins). Equality ignores key order.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// The members in order.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// Creates an object from ordered members; a repeated key keeps its first place and last value.
    public init(_ members: [(String, JSONValue)] = []) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (key, value) in members { self[key] = value }
    }

    /// The number of members.
    public var count: Int { members.count }

    /// True when the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// The value for a key, or nil when absent; assigning nil removes the key.
    public subscript(key: String) -> JSONValue? {
        get {
            let length = key.utf8.count
            for member in members where member.key.utf8.count == length && member.key == key { return member.value }
            return nil
        }
        set {
            let length = key.utf8.count
            if let index = members.firstIndex(where: { $0.key.utf8.count == length && $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Appends a member without looking for an existing key (the caller knows it is new).
    mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }

    /// Adds a parsed member: appended when the key is new, else the value replaces the earlier
    /// one in place (Python's `json.loads`). Compares keys only, without copying values.
    mutating func appendParsed(_ key: String, _ value: JSONValue) {
        // Comparing lengths first (O(1) for Swift strings) skips most full comparisons.
        let length = key.utf8.count
        if let index = members.firstIndex(where: { $0.key.utf8.count == length && $0.key == key }) {
            members[index].value = value
        } else {
            members.append((key, value))
        }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for member in lhs.members {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined ^= memberHasher.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
