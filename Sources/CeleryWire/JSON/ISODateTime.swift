/// A date and time as Python's `datetime.isoformat()` writes it and `fromisoformat()` reads it.
///
/// `utcOffset` is nil for a naive value (Celery interprets those in the app's time zone).
public struct ISODateTime: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var microsecond: Int
    /// Seconds east of UTC, or nil for a naive value.
    public var utcOffset: Int?

    /// Creates a value from its fields.
    public init(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
        microsecond: Int = 0, utcOffset: Int? = nil
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.utcOffset = utcOffset
    }

    /// The instant `seconds` after the Unix epoch, shown at `utcOffset` (default UTC).
    public init(unixTime seconds: Double, utcOffset: Int? = 0) {
        let shifted = seconds + Double(utcOffset ?? 0)
        var whole = Int64(shifted.rounded(.down))
        var micros = Int(((shifted - Double(whole)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        let days = Int(whole.floorDivided(by: 86_400))
        let secondsOfDay = Int(whole - Int64(days) * 86_400)
        let (y, m, d) = Self.civilFromDays(days)
        self.init(
            year: y, month: m, day: d, hour: secondsOfDay / 3600, minute: secondsOfDay % 3600 / 60,
            second: secondsOfDay % 60, microsecond: micros, utcOffset: utcOffset)
    }

    /// Seconds since the Unix epoch; a naive value is read at `assumingOffset` seconds east of UTC.
    public func unixTime(assumingOffset: Int = 0) -> Double {
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let local =
            Double(days) * 86_400 + Double(hour * 3600 + minute * 60 + second)
            + Double(microsecond) / 1_000_000
        return local - Double(utcOffset ?? assumingOffset)
    }

    /// `isoformat()`: microseconds only when non-zero, offset as `+HH:MM` when aware.
    public var description: String { isoFormat() }

    /// Python's `isoformat()`, optionally with a `T` replaced by another separator.
    public func isoFormat(separator: Character = "T") -> String {
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))\(separator)"
        text += "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if microsecond != 0 { text += ".\(pad(microsecond, 6))" }
        if let utcOffset { text += Self.formatOffset(utcOffset) }
        return text
    }

    /// The date part as `YYYY-MM-DD`.
    public var dateString: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }

    /// Parses what Python 3.11's `datetime.fromisoformat` accepts in practice: a date, `T` or a
    /// space, `HH[:MM[:SS[.f…]]]`, and an optional `Z` or `±HH[:MM[:SS[.ffffff]]]` offset.
    public static func parse(_ text: String) -> ISODateTime? {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.skip(UInt8(ascii: "-")),
            let month = scanner.digits(2), scanner.skip(UInt8(ascii: "-")),
            let day = scanner.digits(2)
        else { return nil }
        var value = ISODateTime(year: year, month: month, day: day)
        if !scanner.atEnd {
            guard scanner.skip(UInt8(ascii: "T")) || scanner.skip(UInt8(ascii: " ")),
                let time = scanner.time()
            else { return nil }
            (value.hour, value.minute, value.second, value.microsecond) = time
            if !scanner.atEnd {
                guard let offset = scanner.offset() else { return nil }
                value.utcOffset = offset
            }
        }
        guard scanner.atEnd, value.isValid else { return nil }
        return value
    }

    /// True when every field is in range (month 1–12, the day exists, and so on).
    public var isValid: Bool {
        guard (1...9999).contains(year), (1...12).contains(month), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second), (0...999_999).contains(microsecond)
        else { return false }
        if let utcOffset, abs(utcOffset) >= 86_400 { return false }
        return (1...Self.daysIn(month: month, year: year)).contains(day)
    }

    static func formatOffset(_ offset: Int) -> String {
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        var text = "\(sign)\(pad(magnitude / 3600, 2)):\(pad(magnitude % 3600 / 60, 2))"
        if magnitude % 60 != 0 { text += ":\(pad(magnitude % 60, 2))" }
        return text
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date (year, month, day) of a day count since 1970-01-01.
    public static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Zero-pads a non-negative number to `width` digits.
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// A tiny cursor over ASCII bytes for the ISO-8601 grammar.
private struct Scanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<count {
            let byte = bytes[index + offset]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += count
        return value
    }

    /// `HH[:MM[:SS[.fraction]]]`, fraction of 1–6 digits (more are truncated, as Python 3.11 does).
    mutating func time() -> (Int, Int, Int, Int)? {
        guard let hour = digits(2) else { return nil }
        var minute = 0, second = 0, micro = 0
        if skip(UInt8(ascii: ":")) {
            guard let m = digits(2) else { return nil }
            minute = m
            if skip(UInt8(ascii: ":")) {
                guard let s = digits(2) else { return nil }
                second = s
                if skip(UInt8(ascii: ".")) || skip(UInt8(ascii: ",")) {
                    var count = 0
                    var value = 0
                    while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                        if count < 6 { value = value * 10 + Int(bytes[index] - 0x30) }
                        count += 1
                        index += 1
                    }
                    guard count > 0 else { return nil }
                    for _ in min(count, 6)..<6 { value *= 10 }
                    micro = value
                }
            }
        }
        return (hour, minute, second, micro)
    }

    mutating func offset() -> Int? {
        if skip(UInt8(ascii: "Z")) { return 0 }
        let sign: Int
        if skip(UInt8(ascii: "+")) {
            sign = 1
        } else if skip(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let (h, m, s, _) = time() else { return nil }
        return sign * (h * 3600 + m * 60 + s)
    }
}
