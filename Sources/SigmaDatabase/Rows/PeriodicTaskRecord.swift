#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A `django_celery_beat_periodictask` row with its schedule row (django-celery-beat 2.9).
public struct PeriodicTaskRecord: Sendable, Hashable {
    /// The row's schedule, from whichever schedule table it points at.
    public enum Schedule: Sendable, Hashable {
        /// `IntervalSchedule`: `every` × `period` (days, hours, minutes, seconds, microseconds).
        case interval(every: Int, period: String)
        /// `CrontabSchedule` with its `timezone`.
        case crontab(
            minute: String, hour: String, dayOfWeek: String, dayOfMonth: String, monthOfYear: String,
            timezone: String)
        /// `ClockedSchedule`.
        case clocked(Date)
        /// `SolarSchedule` (coordinates as stored, decimal text).
        case solar(event: String, latitude: String, longitude: String)
    }

    public var id: Int
    public var name: String
    public var task: String
    /// Nil when the row points at no schedule, or at one that no longer exists.
    public var schedule: Schedule?
    public var args: String
    public var kwargs: String
    public var queue: String?
    public var exchange: String?
    public var routingKey: String?
    public var headers: String
    public var priority: Int?
    public var expires: Date?
    public var expireSeconds: Int?
    public var oneOff: Bool
    public var startTime: Date?
    public var enabled: Bool
    public var lastRunAt: Date?
    public var totalRunCount: Int
    public var dateChanged: Date

    static let query = """
        SELECT t.id, t.name, t.task, t.args, t.kwargs, t.queue, t.exchange, t.routing_key, t.headers, t.priority, \
        t.expires, t.expire_seconds, t.one_off, t.start_time, t.enabled, t.last_run_at, t.total_run_count, \
        t.date_changed, t.interval_id, t.crontab_id, t.clocked_id, t.solar_id, \
        i.every AS interval_every, i.period AS interval_period, \
        c.minute AS cron_minute, c.hour AS cron_hour, c.day_of_week AS cron_dow, c.day_of_month AS cron_dom, \
        c.month_of_year AS cron_moy, c.timezone AS cron_timezone, k.clocked_time AS clocked_time, \
        s.event AS solar_event, CAST(s.latitude AS TEXT) AS solar_latitude, CAST(s.longitude AS TEXT) AS solar_longitude \
        FROM django_celery_beat_periodictask t \
        LEFT JOIN django_celery_beat_intervalschedule i ON i.id = t.interval_id \
        LEFT JOIN django_celery_beat_crontabschedule c ON c.id = t.crontab_id \
        LEFT JOIN django_celery_beat_clockedschedule k ON k.id = t.clocked_id \
        LEFT JOIN django_celery_beat_solarschedule s ON s.id = t.solar_id \
        ORDER BY t.id
        """

    init(_ row: RowReader) throws {
        id = try row.int("id")
        name = try row.string("name")
        task = try row.string("task")
        args = try row.string("args")
        kwargs = try row.string("kwargs")
        queue = try row.optionalString("queue")
        exchange = try row.optionalString("exchange")
        routingKey = try row.optionalString("routing_key")
        headers = try row.string("headers")
        priority = try row.optionalInt("priority")
        expires = try row.optionalDate("expires")
        expireSeconds = try row.optionalInt("expire_seconds")
        oneOff = try row.bool("one_off")
        startTime = try row.optionalDate("start_time")
        enabled = try row.bool("enabled")
        lastRunAt = try row.optionalDate("last_run_at")
        totalRunCount = try row.int("total_run_count")
        dateChanged = try row.date("date_changed")
        if try row.optionalInt("interval_id") != nil, let every = try row.optionalInt("interval_every"),
            let period = try row.optionalString("interval_period")
        {
            schedule = .interval(every: every, period: period)
        } else if try row.optionalInt("crontab_id") != nil, let minute = try row.optionalString("cron_minute") {
            schedule = .crontab(
                minute: minute, hour: try row.string("cron_hour"), dayOfWeek: try row.string("cron_dow"),
                dayOfMonth: try row.string("cron_dom"), monthOfYear: try row.string("cron_moy"),
                timezone: try row.string("cron_timezone"))
        } else if try row.optionalInt("clocked_id") != nil, let time = try row.optionalDate("clocked_time") {
            schedule = .clocked(time)
        } else if try row.optionalInt("solar_id") != nil, let event = try row.optionalString("solar_event") {
            schedule = .solar(
                event: event, latitude: try row.string("solar_latitude"), longitude: try row.string("solar_longitude"))
        } else {
            schedule = nil
        }
    }
}
