import Foundation

/// The values of `celery worker`'s options as Celery reads and validates them, pure, with a
/// plain-language error naming the flag and the value (Celery's own wording where it has one).
public enum WorkerOptionValues {
    /// An option value Celery would refuse.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let option: String
        public let reason: String

        public init(_ option: String, _ reason: String) {
            self.option = option
            self.reason = reason
        }

        public var description: String { "Invalid value for \(option): \(reason)" }
    }

    /// `-c/--concurrency`: a non-negative integer or `auto`; empty, `0` and `auto` mean the
    /// number of CPUs, as Celery treats them.
    public static func concurrency(_ value: String, cpus: Int) throws(Invalid) -> Int {
        let text = value.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text.lowercased() == "auto" { return max(1, cpus) }
        guard let number = Int(text), number >= 0 else {
            throw Invalid("'-c' / '--concurrency'", "must be a non-negative integer or 'auto', got '\(value)'")
        }
        return number == 0 ? max(1, cpus) : number
    }

    /// `--autoscale MAX,MIN` (or `MAX`): the pair sorted, as Celery sorts it, so `1,4` and `4,1`
    /// are both max 4, min 1; one number is max N, min 0.
    public static func autoscale(_ value: String) throws(Invalid) -> (maximum: Int, minimum: Int) {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let option = "'--autoscale'"
        guard parts.count <= 2 else {
            throw Invalid(option, "Expected two comma separated integers or one integer. Got \(parts.count) instead.")
        }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count, numbers.allSatisfy({ $0 >= 0 }) else {
            let shown = parts.map { "'\($0)'" }.joined(separator: ", ")
            throw Invalid(option, "Expected non-negative integers. Got [\(shown)] instead.")
        }
        if numbers.count == 1 { return (numbers[0], 0) }
        return (max(numbers[0], numbers[1]), min(numbers[0], numbers[1]))
    }

    /// The log levels `-l` accepts (Celery's choices, any case; `WARN` too).
    public static let logLevels = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL", "FATAL"]

    /// `-l/--loglevel`: checked against Celery's choices.
    public static func logLevel(_ value: String) throws(Invalid) -> String {
        let upper = value.uppercased()
        if upper == "WARN" { return "WARNING" }
        guard logLevels.contains(upper) else {
            let choices = logLevels.map { "'\($0)'" }.joined(separator: ", ")
            throw Invalid("'-l' / '--loglevel'", "'\(upper)' is not one of \(choices).")
        }
        return upper
    }

    /// `-P/--pool`: Celery's names. Tasks always run in this process; the name decides the
    /// concurrency (`solo` runs one task at a time) and what `inspect stats` says.
    public enum Pool: String, CaseIterable, Sendable {
        case prefork, eventlet, gevent, solo, processes, threads, custom
    }

    /// `-P/--pool`: one of Celery's names.
    public static func pool(_ value: String) throws(Invalid) -> Pool {
        guard let pool = Pool(rawValue: value.lowercased()) else {
            let choices = Pool.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw Invalid("'-P' / '--pool'", "'\(value)' is not one of \(choices).")
        }
        return pool
    }

    /// `-O`: Celery's two optimization profiles.
    public static func optimization(_ value: String) throws(Invalid) -> String {
        guard ["default", "fair"].contains(value) else {
            throw Invalid("'-O' / '--optimization'", "'\(value)' is not one of 'default', 'fair'.")
        }
        return value
    }

    /// An option that must be a positive or zero integer (`--max-tasks-per-child`, ...).
    public static func count(_ value: String, option: String) throws(Invalid) -> Int {
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), number >= 0 else {
            throw Invalid("'\(option)'", "'\(value)' is not a valid non-negative integer.")
        }
        return number
    }

    /// An option that must be a number of seconds (`--time-limit`, `--shutdown-timeout`).
    public static func seconds(_ value: String, option: String) throws(Invalid) -> Double {
        guard let number = Double(value.trimmingCharacters(in: .whitespaces)), number >= 0, number.isFinite else {
            throw Invalid("'\(option)'", "'\(value)' is not a valid number of seconds.")
        }
        return number
    }

    /// `--umask`: octal, as Celery parses it (`0o22`, `022`, `22`).
    public static func umask(_ value: String) throws(Invalid) -> UInt32 {
        var text = value.lowercased()
        if text.hasPrefix("0o") { text.removeFirst(2) }
        guard let mask = UInt32(text, radix: 8), mask <= 0o777 else {
            throw Invalid("'--umask'", "'\(value)' is not an octal file mode mask.")
        }
        return mask
    }
}
