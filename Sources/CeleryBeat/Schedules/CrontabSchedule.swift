import CeleryWire

/// A crontab schedule in a time zone, computing due times exactly as Celery's `crontab` does
/// (`remaining_delta`, `_delta_to_next`, `ffwd`, `is_due`): the next run after `last_run_at` is
/// found on the zone's clock fields, then turned into an instant with Python's rules for
/// repeated and skipped readings (see ``Zone``), so daylight-saving days behave as under Celery.
public struct CrontabSchedule: Sendable, Hashable {
    public let minute: CrontabField
    public let hour: CrontabField
    public let dayOfWeek: CrontabField
    public let dayOfMonth: CrontabField
    public let monthOfYear: CrontabField
    /// The zone the fields are read in (django-celery-beat's `CrontabSchedule.timezone`).
    public private(set) var zone: Zone

    /// The same fields on another zone's clock (with `DJANGO_CELERY_BEAT_TZ_AWARE = False` a
    /// row's crontab is a plain `crontab`, on the app's zone rather than the row's `timezone`).
    public func inZone(_ zone: Zone) -> CrontabSchedule {
        var copy = self
        copy.zone = zone
        return copy
    }

    /// Parses the five fields; Celery's `ValueError` messages on bad input.
    public init(
        minute: String = "*", hour: String = "*", dayOfWeek: String = "*", dayOfMonth: String = "*",
        monthOfYear: String = "*", zone: Zone
    ) throws(CrontabField.Invalid) {
        self.hour = try CrontabField(hour, count: 24)
        self.minute = try CrontabField(minute, count: 60)
        self.dayOfWeek = try CrontabField(dayOfWeek, count: 7)
        self.dayOfMonth = try CrontabField(dayOfMonth, count: 31, minimum: 1)
        self.monthOfYear = try CrontabField(monthOfYear, count: 12, minimum: 1)
        self.zone = zone
        let longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let occurs = self.monthOfYear.values.contains { month in
            self.dayOfMonth.values.contains { $0 <= longest[month] }
        }
        guard occurs else {
            throw CrontabField.Invalid(
                message:
                    "Invalid crontab: day_of_month '\(dayOfMonth)' never occurs in month_of_year '\(monthOfYear)'.")
        }
    }

    /// The schedule could not find a next date (Celery's `RuntimeError`).
    public struct NoNextRun: Error, Sendable, CustomStringConvertible {
        public var description: String { "unable to rollover, time specification is probably invalid" }
    }

    /// The reading of the first run after `last` (a reading in ``zone``).
    public func nextRun(after last: WallTime) throws(NoNextRun) -> WallTime {
        let weekday = last.cronWeekday
        let thisDate =
            monthOfYear.contains(last.month) && dayOfMonth.contains(last.day) && dayOfWeek.contains(weekday)
        if thisDate, hour.contains(last.hour), last.minute < minute.values.last! {
            let next = minute.values.first { $0 > last.minute }!
            return Forward(minute: next, second: 0, microsecond: 0).applied(to: last)
        }
        let nextMinute = minute.values.first!
        if thisDate, last.hour < hour.values.last! {
            let next = hour.values.first { $0 > last.hour }!
            return Forward(hour: next, minute: nextMinute, second: 0, microsecond: 0).applied(to: last)
        }
        let nextHour = hour.values.first!
        if dayOfMonth.spec == "*", monthOfYear.spec == "*" {
            let nextDay = dayOfWeek.values.first { $0 > weekday } ?? dayOfWeek.values.first!
            return Forward(
                weeks: nextDay == weekday ? 1 : 0, weekday: ((nextDay - 1) % 7 + 7) % 7, hour: nextHour,
                minute: nextMinute, second: 0, microsecond: 0
            ).applied(to: last)
        }
        return try forwardToNextDate(last, hour: nextHour, minute: nextMinute).applied(to: last)
    }

    /// `_delta_to_next`: the next allowed date (day of month, month, then weekday) whose run time
    /// is not before `last`.
    private func forwardToNextDate(_ last: WallTime, hour: Int, minute: Int) throws(NoNextRun) -> Forward {
        let days = dayOfMonth.values
        let months = monthOfYear.values
        var year = last.year
        var dayIndex: Int
        var monthIndex: Int
        if monthOfYear.contains(last.month) {
            dayIndex = days.firstIndex { $0 > last.day } ?? days.count
            monthIndex = months.firstIndex { $0 >= last.month } ?? months.count
        } else {
            dayIndex = 0
            monthIndex = months.firstIndex { $0 > last.month } ?? months.count
            if monthIndex == months.count { monthIndex = 0 }
        }
        func rollOver() throws(NoNextRun) {
            for _ in 0..<2000 {
                let passed =
                    dayIndex == days.count
                    || !WallTime.isValidDate(year: year, month: months[monthIndex], day: days[dayIndex])
                    || WallTime(year: year, month: months[monthIndex], day: days[dayIndex], hour: hour, minute: minute)
                        .isBefore(last)
                guard passed else { return }
                dayIndex = 0
                monthIndex += 1
                if monthIndex == months.count {
                    monthIndex = 0
                    year += 1
                }
            }
            throw NoNextRun()
        }
        try rollOver()
        while !dayOfWeek.contains(
            WallTime(year: year, month: months[monthIndex], day: days[dayIndex]).cronWeekday)
        {
            dayIndex += 1
            try rollOver()
        }
        return Forward(
            year: year, month: months[monthIndex], day: days[dayIndex], hour: hour, minute: minute, second: 0,
            microsecond: 0)
    }

    /// Microseconds from `now` to the first run after `lastRunAt` (negative when it has passed):
    /// Celery's `remaining_estimate`.
    public func remaining(lastRunAt: Int64, now: Int64) throws(NoNextRun) -> Int64 {
        zone.instant(of: try nextRun(after: zone.wall(at: lastRunAt))) - now
    }

    /// Celery's `is_due`: due when the next run after `lastRunAt` has come; then the next check
    /// is the time to the first run after `now`.
    ///
    /// - Parameter startingDeadline: `beat_cron_starting_deadline` in seconds: a run missed by
    ///   more than this is not sent late.
    public func isDue(lastRunAt: Int64, now: Int64, startingDeadline: Double? = nil) throws(NoNextRun)
        -> ScheduleState
    {
        let remaining = try remaining(lastRunAt: lastRunAt, now: now)
        var due = remaining <= 0
        var passedDeadline = false
        if let startingDeadline, remaining < 0 {
            let since = now - Int64((startingDeadline * 1_000_000).rounded()) - 1
            if try self.remaining(lastRunAt: since, now: now) > 0 {
                passedDeadline = true
                due = false
            }
        }
        if due || passedDeadline {
            return ScheduleState(isDue: due, next: Double(max(try self.remaining(lastRunAt: now, now: now), 0)) / 1e6)
        }
        return ScheduleState(isDue: false, next: Double(max(remaining, 0)) / 1e6)
    }
}

/// Celery's `ffwd`: replace some clock fields (the day clamped to the month's length), move to
/// a weekday, add weeks.
struct Forward {
    var year: Int?
    var month: Int?
    var weeks = 0
    var weekday: Int?
    var day: Int?
    var hour: Int?
    var minute: Int?
    var second: Int?
    var microsecond: Int?

    func applied(to other: WallTime) -> WallTime {
        var result = other
        result.year = year ?? other.year
        result.month = month ?? other.month
        result.day = min(
            ISODateTime.daysIn(month: result.month, year: result.year), day ?? other.day)
        if let hour { result.hour = hour }
        if let minute { result.minute = minute }
        if let second { result.second = second }
        if let microsecond { result.microsecond = microsecond }
        if let weekday { result = result.addingDays((7 - result.weekday + weekday) % 7) }
        return result.addingDays(weeks * 7)
    }
}

/// Whether a schedule is due, and the seconds until it should be checked again (Celery's
/// `schedstate`); `next` is nil when there is nothing more to wait for.
public struct ScheduleState: Sendable, Hashable {
    public var isDue: Bool
    public var next: Double?

    public init(isDue: Bool, next: Double?) {
        self.isDue = isDue
        self.next = next
    }
}
