import CeleryWire

/// A wall-clock time broken into its fields (proleptic Gregorian, as Python's `datetime`), with
/// what the `date` filter asks beyond CeleryWire's ``ISODateTime``: weekday, day of the year,
/// ISO week.
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

    /// The instant `seconds` after the epoch, shown at `offset` seconds east of UTC.
    init(seconds: Double, offset: Int) {
        let fields = ISODateTime(unixTime: seconds, utcOffset: offset)
        self.init(
            year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute,
            second: fields.second, microsecond: fields.microsecond, offset: offset)
    }

    /// A calendar date at midnight.
    init(year: Int, month: Int, day: Int) {
        self.init(year: year, month: month, day: day, hour: 0, minute: 0, second: 0, microsecond: 0, offset: 0)
    }

    private init(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, microsecond: Int, offset: Int
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
        self.offset = offset
        let days = ISODateTime.daysFromCivil(year: year, month: month, day: day)
        weekday = ((days % 7) + 7 + 3) % 7  // 1970-01-01 was a Thursday
    }

    static func isLeap(_ year: Int) -> Bool { ISODateTime.daysIn(month: 2, year: year) == 29 }

    /// Days since 1970-01-01 of this date.
    var days: Int { ISODateTime.daysFromCivil(year: year, month: month, day: day) }

    /// Day of the year, 1-based.
    var dayOfYear: Int { days - ISODateTime.daysFromCivil(year: year, month: 1, day: 1) + 1 }

    /// Days in this month.
    var daysInMonth: Int { ISODateTime.daysIn(month: month, year: year) }

    /// ISO 8601 week number and its year.
    var isoWeek: (year: Int, week: Int) {
        let thursday = days - (weekday + 1) + 4  // the Thursday of this ISO week
        let (thursdayYear, _, _) = ISODateTime.civilFromDays(thursday)
        return (thursdayYear, (thursday - ISODateTime.daysFromCivil(year: thursdayYear, month: 1, day: 1)) / 7 + 1)
    }
}
