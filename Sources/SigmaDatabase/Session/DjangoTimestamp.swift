#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Timestamps as Django stores them: microsecond precision, UTC; on SQLite as text
/// `YYYY-MM-DD HH:MM:SS[.ffffff]` with the fraction omitted when it is zero.
public enum DjangoTimestamp {
    /// "Now" at Django's precision (whole microseconds), so both engines store the same instant.
    public static func now() -> Date {
        rounded(Date())
    }

    /// The instant rounded to whole microseconds.
    ///
    /// - Parameter date: any instant.
    public static func rounded(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(microseconds(date)) / 1_000_000)
    }

    /// The SQLite text Django writes for an instant.
    ///
    /// - Parameter date: the instant.
    public static func sqliteText(_ date: Date) -> String {
        let total = microseconds(date)
        let micro = Int(((total % 1_000_000) + 1_000_000) % 1_000_000)
        let seconds = (total - Int64(micro)) / 1_000_000
        let days = Int(floorDiv(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        var text =
            pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " "
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if micro != 0 { text += "." + pad(micro, 6) }
        return text
    }

    /// Parses Django's SQLite text (also accepts a `T` separator and a `Z`/`+00:00` suffix).
    ///
    /// - Parameter text: the stored value.
    /// - Returns: the instant, or `nil` when the text is not a timestamp.
    public static func parseSQLite(_ text: String) -> Date? {
        var chars = Array(text.utf8)
        if chars.last == UInt8(ascii: "Z") { chars.removeLast() }
        if chars.count > 6, chars[chars.count - 6] == UInt8(ascii: "+") || chars[chars.count - 6] == UInt8(ascii: "-"),
            chars[chars.count - 3] == UInt8(ascii: ":"), chars.count > 19
        {
            let sign: Int64 = chars[chars.count - 6] == UInt8(ascii: "+") ? 1 : -1
            guard let hours = number(chars, chars.count - 5, 2), let minutes = number(chars, chars.count - 2, 2) else {
                return nil
            }
            chars.removeLast(6)
            return parseNaive(chars).map { $0.addingTimeInterval(-Double(sign * Int64(hours * 3600 + minutes * 60))) }
        }
        return parseNaive(chars)
    }

    private static func parseNaive(_ chars: [UInt8]) -> Date? {
        guard chars.count >= 19, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
            chars[10] == UInt8(ascii: " ") || chars[10] == UInt8(ascii: "T"),
            chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":"),
            let year = number(chars, 0, 4), let month = number(chars, 5, 2), let day = number(chars, 8, 2),
            let hour = number(chars, 11, 2), let minute = number(chars, 14, 2), let second = number(chars, 17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 62
        else { return nil }
        var micro = 0
        if chars.count > 19 {
            guard chars[19] == UInt8(ascii: "."), chars.count > 20, chars.count <= 26,
                let fraction = number(chars, 20, chars.count - 20)
            else { return nil }
            micro = fraction
            for _ in 0..<(26 - chars.count) { micro *= 10 }
        }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let total = (days * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1_000_000 + Int64(micro)
        return Date(timeIntervalSince1970: Double(total) / 1_000_000)
    }

    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    private static func number(_ chars: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start + length <= chars.count, length > 0 else { return nil }
        var value = 0
        for char in chars[start..<(start + length)] {
            guard char >= UInt8(ascii: "0"), char <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(char - UInt8(ascii: "0"))
        }
        return value
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
