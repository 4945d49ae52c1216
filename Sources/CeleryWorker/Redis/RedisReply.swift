/// One Redis reply.
public enum RedisReply: Sendable, Hashable {
    case string([UInt8])
    case status(String)
    case integer(Int64)
    case null
    case array([RedisReply])
    case error(String)

    /// The bulk or status string, decoded as UTF-8.
    public var string: String? {
        switch self {
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }

    /// The bulk string bytes.
    public var bytes: [UInt8]? {
        if case .string(let bytes) = self { return bytes }
        return nil
    }

    /// The integer.
    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The elements of an array reply.
    public var array: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// True for a nil reply.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// An error reply that means "not now" (the server is loading its data, busy with a
    /// script, or has no master): the command was not executed and can be sent again.
    public var isTransientError: Bool {
        guard case .error(let message) = self else { return false }
        return ["LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN"].contains { message.hasPrefix($0 + " ") || message == $0 }
    }

    /// Throws the server's error reply.
    @discardableResult
    public func check() throws(RedisError) -> RedisReply {
        if case .error(let message) = self { throw RedisError(isTransientError ? .unavailable : .server, message) }
        return self
    }
}
