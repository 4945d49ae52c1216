/// A wall-clock time broken into its fields (proleptic Gregorian, as Python's `datetime`), from
/// seconds since the epoch and a UTC offset in seconds.
struct CivilTime: Sendable, Hashable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    var microsecond: Int
    /// Monday = 0 … Sunday = 6, as Python's `weekday()`.
    var weekday: Int
    /// The UTC offset the fields are in, in seconds.
    var offset: Int

    init(seconds: Double, offset: Int) {
        let shifted = seconds + Double(offset)
        var whole = Int(shifted.rounded(.down))
        var micro = Int(((shifted - Double(whole)) * 1_000_000).rounded())
        if micro >= 1_000_000 {
            whole += 1
            micro -= 1_000_000
        }
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let rest = whole - days * 86_400
        (year, month, day) = Self.civil(fromDays: days)
        hour = rest / 3600
        minute = rest % 3600 / 60
        second = rest % 60
        microsecond = micro
        weekday = ((days % 7) + 7 + 3) % 7  // 1970-01-01 was a Thursday
        self.offset = offset
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
        hour = 0
        minute = 0
        second = 0
        microsecond = 0
        let days = Self.days(year: year, month: month, day: day)
        weekday = ((days % 7) + 7 + 3) % 7
        offset = 0
    }

    /// Days since 1970-01-01 of a civil date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func civil(fromDays count: Int) -> (Int, Int, Int) {
        let z = count + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// Day of the year, 1-based.
    var dayOfYear: Int { Self.days(year: year, month: month, day: day) - Self.days(year: year, month: 1, day: 1) + 1 }

    /// Days in this month.
    var daysInMonth: Int {
        [31, Self.isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// ISO 8601 week number and its year.
    var isoWeek: (year: Int, week: Int) {
        let isoWeekday = weekday + 1  // Monday = 1
        let thursday = Self.days(year: year, month: month, day: day) - isoWeekday + 4
        let (thursdayYear, _, _) = Self.civil(fromDays: thursday)
        let firstThursdayYearStart = Self.days(year: thursdayYear, month: 1, day: 1)
        return (thursdayYear, (thursday - firstThursdayYearStart) / 7 + 1)
    }
}
