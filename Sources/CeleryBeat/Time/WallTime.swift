import CeleryWire

/// A wall-clock reading, as Python's aware `datetime` holds it: the fields a clock shows, plus
/// `fold` to tell apart the two readings of an hour that repeats when clocks go back.
///
/// Celery's schedules do their arithmetic on these fields (`replace`, adding days), so the
/// port does too; ``Zone`` turns them into instants and back with Python's rules.
public struct WallTime: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var microsecond: Int
    /// 0 for the first of two equal readings, 1 for the second (Python's `fold`).
    public var fold: Int

    public init(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0,
        fold: Int = 0
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.fold = fold
    }

    /// Days since 1970-01-01 of the date.
    var dayNumber: Int { ISODateTime.daysFromCivil(year: year, month: month, day: day) }

    /// Python's `weekday()`: Monday is 0.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 }

    /// Python's `isoweekday() % 7`: Sunday is 0, as cron counts.
    public var cronWeekday: Int { (weekday + 1) % 7 }

    /// Microseconds since the epoch of these fields read as UTC.
    var naiveMicroseconds: Int64 {
        let seconds = Int64(dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return seconds * 1_000_000 + Int64(microsecond)
    }

    /// The fields of a UTC reading of microseconds since the epoch.
    init(naiveMicroseconds value: Int64, fold: Int = 0) {
        let micro = ((value % 1_000_000) + 1_000_000) % 1_000_000
        let seconds = (value - micro) / 1_000_000
        let secondOfDay = Int(((seconds % 86_400) + 86_400) % 86_400)
        let days = Int((seconds - Int64(secondOfDay)) / 86_400)
        let (year, month, day) = ISODateTime.civilFromDays(days)
        self.init(
            year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60, microsecond: Int(micro), fold: fold)
    }

    /// Python's `datetime + timedelta(days=)` on an aware value: the clock fields move and the
    /// fold is reset to 0 (only `replace` keeps it).
    func addingDays(_ days: Int) -> WallTime {
        WallTime(naiveMicroseconds: naiveMicroseconds + Int64(days) * 86_400_000_000)
    }

    /// Whether the date exists (Python's `datetime(year, month, day)` does not raise).
    static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= ISODateTime.daysIn(month: month, year: year)
    }

    /// Orders by the clock fields only, as Python compares two aware values of one zone.
    func isBefore(_ other: WallTime) -> Bool { naiveMicroseconds < other.naiveMicroseconds }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if microsecond != 0 { text += "." + pad(microsecond, 6) }
        return fold == 1 ? text + " (fold 1)" : text
    }
}
