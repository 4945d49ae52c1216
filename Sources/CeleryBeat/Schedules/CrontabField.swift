import Foundation

/// One field of a crontab (`minute`, `hour`, `day_of_week`, `day_of_month`, `month_of_year`)
/// expanded to its set of numbers, by Celery's `crontab_parser` rules: comma-separated parts,
/// each `*`, `*/step`, `a-b`, `a-b/step` (a range that ends below its start wraps around) or a
/// number; months and weekdays may be names (`jan`, `mon`, only the first three letters count).
public struct CrontabField: Sendable, Hashable {
    /// The numbers the field matches, sorted.
    public let values: [Int]
    /// The text it was parsed from.
    public let spec: String

    /// Why a field is refused, with Celery's message.
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses a field whose numbers run from `minimum` to `minimum + count - 1`.
    ///
    /// - Parameters:
    ///   - spec: the text, e.g. `*/15`, `1-5`, `mon-fri`.
    ///   - count: how many values the field has (60 minutes, 24 hours, 7 weekdays, 31 days, 12 months).
    ///   - minimum: the first value (0, or 1 for days and months).
    public init(_ spec: String, count: Int, minimum: Int = 0) throws(Invalid) {
        var result = Set<Int>()
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw Invalid(message: "empty part") }
            for value in try Self.expand(String(part), count: count, minimum: minimum) { result.insert(value) }
        }
        for value in result where value >= count + minimum || value < minimum {
            throw Invalid(
                message:
                    "Invalid crontab pattern.  Valid range is \(minimum)-\(count - 1 + minimum). '\(value)' was found.")
        }
        self.values = result.sorted()
        self.spec = spec
    }

    public func contains(_ value: Int) -> Bool { values.contains(value) }

    private static func expand(_ part: String, count: Int, minimum: Int) throws(Invalid) -> [Int] {
        let all = Array(minimum..<(minimum + count))
        if part.hasPrefix("*") {
            if part == "*" { return all }
            if part.hasPrefix("*/") {
                let step = wordPrefix(part.dropFirst(2))
                guard !step.isEmpty else { throw Invalid(message: "empty filter") }
                return try stride(all, step: step)
            }
        }
        // `(\w+?)-(\w+)`, then optionally `/(\w+)?`, matched at the start as Python's re.match.
        let first = wordPrefix(Substring(part))
        let afterFirst = part.dropFirst(first.count)
        if !first.isEmpty, afterFirst.hasPrefix("-") {
            // The lazy first group stops at the first '-' that has a word after it.
            let second = wordPrefix(afterFirst.dropFirst())
            if !second.isEmpty {
                let from = try number(first, count: count, minimum: minimum)
                let to = try number(second, count: count, minimum: minimum)
                let range =
                    to < from ? Array(from..<(minimum + count)) + Array(minimum...to) : Array(from...to)
                let rest = afterFirst.dropFirst(1 + second.count)
                if rest.hasPrefix("/") {
                    let step = wordPrefix(rest.dropFirst())
                    guard !step.isEmpty else { throw Invalid(message: "empty filter") }
                    return try stride(range, step: step)
                }
                return range
            }
        }
        return [try number(part, count: count, minimum: minimum)]
    }

    /// The longest prefix of word characters (`\w`).
    private static func wordPrefix(_ text: Substring) -> String {
        String(text.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    private static func stride(_ values: [Int], step text: String) throws(Invalid) -> [Int] {
        guard let step = Int(text) else { throw Invalid(message: "invalid literal for int() with base 10: '\(text)'") }
        guard step != 0 else { throw Invalid(message: "slice step cannot be zero") }
        return Swift.stride(from: 0, to: values.count, by: step).map { values[$0] }
    }

    private static let months = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11,
        "dec": 12,
    ]
    private static let weekdays = ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]

    /// `_expand_number`: an integer, a month name or a weekday name, within the field's range.
    private static func number(_ text: String, count: Int, minimum: Int) throws(Invalid) -> Int {
        if text.hasPrefix("-") { throw Invalid(message: "negative numbers not supported") }
        let value: Int
        if let parsed = Int(text.trimmingCharacters(in: .whitespaces)) {
            value = parsed
        } else {
            let key = String(text.prefix(3)).lowercased()
            guard let named = months[key] ?? weekdays[key] else {
                throw Invalid(message: "Invalid weekday literal '\(text)'.")
            }
            value = named
        }
        let maximum = minimum + count - 1
        if value > maximum { throw Invalid(message: "Invalid end range: \(value) > \(maximum).") }
        if value < minimum { throw Invalid(message: "Invalid beginning range: \(value) < \(minimum).") }
        return value
    }
}
