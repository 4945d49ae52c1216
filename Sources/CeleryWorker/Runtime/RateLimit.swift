import Foundation

/// Celery's task rate limits, pure: the `"10/m"` syntax (`celery.utils.time.rate`: a number
/// per second, `/s`, `/m` or `/h`; empty or 0 is no limit) and kombu's token bucket (capacity
/// 1, refilled at the rate), which spaces the starts of one task type.
public struct RateLimit: Sendable, Equatable {
    /// Starts per second.
    public let perSecond: Double

    /// A refused rate string, worded as Celery's reply: `Invalid rate limit string: ValueError(...)`.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        /// Python's repr of the exception Celery would raise.
        public let exceptionRepr: String
        public var description: String { exceptionRepr }
    }

    /// Parses a rate; nil means "no limit".
    public static func parse(_ text: String?) throws(Invalid) -> RateLimit? {
        guard let text, !text.isEmpty else { return nil }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let amount = String(parts[0])
        let unit = parts.count > 1 ? String(parts[1]) : "s"
        guard let number = Double(amount.trimmingCharacters(in: .whitespaces)) else {
            throw Invalid(exceptionRepr: "ValueError(\"could not convert string to float: '\(amount)'\")")
        }
        let divisor: Double
        switch unit {
        case "", "s": divisor = 1
        case "m": divisor = 60
        case "h": divisor = 3600
        default: throw Invalid(exceptionRepr: "KeyError('\(unit)')")
        }
        let perSecond = number / divisor
        return perSecond > 0 ? RateLimit(perSecond: perSecond) : nil
    }

    /// One task type's bucket: a start takes the token; the next waits until it refilled.
    public struct Bucket: Sendable, Equatable {
        public let limit: RateLimit
        private var tokens: Double = 1
        private var updatedAt: Double?

        public init(limit: RateLimit) { self.limit = limit }

        /// Takes the token at `now` if there is one; otherwise returns how long until there is.
        /// - Returns: 0 when the task may start now, else the seconds to wait.
        public mutating func take(now: Double) -> Double {
            if let updatedAt {
                tokens = min(1, tokens + (now - updatedAt) * limit.perSecond)
            }
            updatedAt = now
            if tokens >= 1 {
                tokens -= 1
                return 0
            }
            return (1 - tokens) / limit.perSecond
        }
    }
}
