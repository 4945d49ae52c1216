/// The `timelimit` header: `[hard, soft]` in seconds, each null when the task's default applies.
public struct TimeLimit: Sendable, Hashable {
    /// The hard limit: the execution is abandoned and FAILURE `TimeLimitExceeded` stored.
    public var hard: Double?
    /// The soft limit: the task is asked to stop and sees `SoftTimeLimitExceeded`.
    public var soft: Double?

    /// Creates limits.
    public init(hard: Double? = nil, soft: Double? = nil) {
        self.hard = hard
        self.soft = soft
    }

    /// Reads `[hard, soft]` (hard first).
    init(decoding value: JSONValue?, field: String) throws(CeleryWireError) {
        switch value {
        case nil, .null?:
            self.init()
        case .array(let pair)? where pair.count == 2:
            func limit(_ element: JSONValue, _ name: String) throws(CeleryWireError) -> Double? {
                if element.isNull { return nil }
                guard let seconds = element.doubleValue, seconds.isFinite, seconds >= 0 else {
                    throw CeleryWireError(
                        .wrongType, field: "\(field).\(name)", expected: "seconds or null",
                        message: "bad time limit \(element)")
                }
                return seconds
            }
            self.init(hard: try limit(pair[0], "hard"), soft: try limit(pair[1], "soft"))
        case let other?:
            throw CeleryWireError(
                .wrongType, field: field, expected: "[hard, soft]", message: "timelimit is \(other)")
        }
    }

    /// `[hard, soft]` as Celery writes it (integers when whole).
    public var jsonValue: JSONValue {
        func number(_ seconds: Double?) -> JSONValue {
            guard let seconds else { return .null }
            if seconds.rounded() == seconds, abs(seconds) < 1e15 { return .int(Int64(seconds)) }
            return .double(seconds)
        }
        return .array([number(hard), number(soft)])
    }
}
