import Foundation

/// Date strings used on the reports and in their file names.
public enum ReportDate {
    /// `dd/mm/YYYY` in `timeZone` (the country's local time zone for dates shown to people).
    public static func display(_ date: Date, timeZone: TimeZone) -> String {
        let c = components(date, timeZone)
        return "\(two(c.day))/\(two(c.month))/\(c.year)"
    }

    /// `YYYYMMDD` in `timeZone`.
    public static func compact(_ date: Date, timeZone: TimeZone) -> String {
        let c = components(date, timeZone)
        return "\(c.year)\(two(c.month))\(two(c.day))"
    }

    /// `YYYYmmdd_HHMMSS` in `timeZone`.
    public static func timestamp(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return
            "\(c.year ?? 0)\(two(c.month ?? 0))\(two(c.day ?? 0))_\(two(c.hour ?? 0))\(two(c.minute ?? 0))\(two(c.second ?? 0))"
    }

    /// Replaces spaces and `/` with `_` for use in a file name.
    public static func sanitize(_ text: String) -> String {
        String(text.map { $0 == " " || $0 == "/" ? "_" : $0 })
    }

    private static func components(_ date: Date, _ timeZone: TimeZone) -> (year: Int, month: Int, day: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return (c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
