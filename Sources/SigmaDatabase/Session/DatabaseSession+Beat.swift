import SQLKit

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// django-celery-beat's tables, read and written as its `DatabaseScheduler` does.
extension DatabaseSession {
    /// Every periodic task with its schedule, by id.
    public func periodicTasks() async throws -> [PeriodicTaskRecord] {
        try await rows("\(unsafeRaw: PeriodicTaskRecord.query)").map(PeriodicTaskRecord.init)
    }

    /// `PeriodicTasks.last_update` (ident 1): bumped by Django whenever a task or schedule is
    /// saved or deleted through the ORM; nil when nothing was ever changed.
    public func periodicTasksChanged() async throws -> Date? {
        try await rows("SELECT last_update FROM django_celery_beat_periodictasks WHERE ident = 1").first?
            .optionalDate("last_update")
    }

    /// The batched sync of a run (`DatabaseScheduler.sync`): `last_run_at` and
    /// `total_run_count`, saved as Django's full `save()` leaves them (`date_changed` now, and
    /// `last_run_at` NULL when the row was disabled meanwhile). The change marker is not bumped.
    public func savePeriodicTaskRun(id: Int, lastRunAt: Date, totalRunCount: Int, now: Date = DjangoTimestamp.now())
        async throws
    {
        try await execute(
            """
            UPDATE django_celery_beat_periodictask SET \
            last_run_at = CASE WHEN enabled THEN \(bind: timestamp(lastRunAt)) ELSE NULL END, \
            total_run_count = \(bind: totalRunCount), date_changed = \(bind: timestamp(now)) \
            WHERE id = \(bind: id)
            """)
    }

    /// `ModelEntry._disable`: `enabled = False` (which clears `last_run_at`), without bumping
    /// the change marker.
    public func disablePeriodicTask(id: Int, now: Date = DjangoTimestamp.now()) async throws {
        try await execute(
            """
            UPDATE django_celery_beat_periodictask SET enabled = \(bind: false), last_run_at = NULL, \
            date_changed = \(bind: timestamp(now)) WHERE id = \(bind: id)
            """)
    }

    /// A one-off task that has run: `enabled = False`, `total_run_count = 0`, saved as a change,
    /// so the marker is bumped and every scheduler reloads.
    public func finishOneOffPeriodicTask(id: Int, now: Date = DjangoTimestamp.now()) async throws {
        try await execute(
            """
            UPDATE django_celery_beat_periodictask SET enabled = \(bind: false), total_run_count = 0, \
            last_run_at = NULL, date_changed = \(bind: timestamp(now)) WHERE id = \(bind: id)
            """)
        try await markPeriodicTasksChanged(now: now)
    }

    /// `PeriodicTasks.update_changed()`: `update_or_create(ident=1, last_update=now)`.
    public func markPeriodicTasksChanged(now: Date = DjangoTimestamp.now()) async throws {
        let updated = try await rows(
            """
            UPDATE django_celery_beat_periodictasks SET last_update = \(bind: timestamp(now)) WHERE ident = 1 \
            RETURNING ident
            """)
        if updated.isEmpty {
            try await execute(
                """
                INSERT INTO django_celery_beat_periodictasks (ident, last_update) \
                VALUES (1, \(bind: timestamp(now)))
                """)
        }
    }
}

/// A schedule entry from the configuration (`beat_schedule`), as `DatabaseScheduler` writes it.
public struct ConfiguredPeriodicTask: Sendable, Hashable {
    public var name: String
    public var task: String
    /// Only `.interval` (stored in seconds) and `.crontab` come from a configuration.
    public var schedule: PeriodicTaskRecord.Schedule
    /// `json.dumps` of the arguments (Python's spacing).
    public var args: String
    public var kwargs: String
    public var queue: String?
    public var exchange: String?
    public var routingKey: String?
    public var priority: Int?
    public var headers: String
    public var expireSeconds: Int?

    public init(
        name: String, task: String, schedule: PeriodicTaskRecord.Schedule, args: String = "[]", kwargs: String = "{}",
        queue: String? = nil, exchange: String? = nil, routingKey: String? = nil, priority: Int? = nil,
        headers: String = "{}", expireSeconds: Int? = nil
    ) {
        self.name = name
        self.task = task
        self.schedule = schedule
        self.args = args
        self.kwargs = kwargs
        self.queue = queue
        self.exchange = exchange
        self.routingKey = routingKey
        self.priority = priority
        self.headers = headers
        self.expireSeconds = expireSeconds
    }
}

extension DatabaseSession {
    /// `ModelEntry.from_entry`: `update_or_create(name=…)` with the entry's task, schedule (an
    /// existing equal schedule row is reused), arguments and options; `enabled`, `last_run_at`
    /// and the run count of an existing row are kept. Bumps the change marker, as the save does.
    public func upsertPeriodicTask(_ entry: ConfiguredPeriodicTask, now: Date = DjangoTimestamp.now()) async throws {
        var intervalID: Int?
        var crontabID: Int?
        switch entry.schedule {
        case .interval(let every, let period):
            intervalID = try await scheduleRow(
                select: """
                    SELECT id FROM django_celery_beat_intervalschedule WHERE every = \(bind: every) \
                    AND period = \(bind: period) ORDER BY id
                    """,
                insert: """
                    INSERT INTO django_celery_beat_intervalschedule (every, period) \
                    VALUES (\(bind: every), \(bind: period)) RETURNING id
                    """)
        case .crontab(let minute, let hour, let dayOfWeek, let dayOfMonth, let monthOfYear, let timezone):
            crontabID = try await scheduleRow(
                select: """
                    SELECT id FROM django_celery_beat_crontabschedule WHERE minute = \(bind: minute) \
                    AND hour = \(bind: hour) AND day_of_week = \(bind: dayOfWeek) \
                    AND day_of_month = \(bind: dayOfMonth) AND month_of_year = \(bind: monthOfYear) \
                    AND timezone = \(bind: timezone) ORDER BY id
                    """,
                insert: """
                    INSERT INTO django_celery_beat_crontabschedule \
                    (minute, hour, day_of_week, day_of_month, month_of_year, timezone) \
                    VALUES (\(bind: minute), \(bind: hour), \(bind: dayOfWeek), \(bind: dayOfMonth), \
                    \(bind: monthOfYear), \(bind: timezone)) RETURNING id
                    """)
        case .clocked, .solar:
            throw decodingError("only interval and crontab schedules can come from the configuration")
        }
        let updated = try await rows(
            """
            UPDATE django_celery_beat_periodictask SET task = \(bind: entry.task), \
            interval_id = \(bind: intervalID), crontab_id = \(bind: crontabID), solar_id = NULL, clocked_id = NULL, \
            args = \(bind: entry.args), kwargs = \(bind: entry.kwargs), queue = \(bind: entry.queue), \
            exchange = \(bind: entry.exchange), routing_key = \(bind: entry.routingKey), \
            priority = \(bind: entry.priority), headers = \(bind: entry.headers), \
            expire_seconds = \(bind: entry.expireSeconds), \
            last_run_at = CASE WHEN enabled THEN last_run_at ELSE NULL END, date_changed = \(bind: timestamp(now)) \
            WHERE name = \(bind: entry.name) RETURNING id
            """)
        if updated.isEmpty {
            try await execute(
                """
                INSERT INTO django_celery_beat_periodictask (name, task, interval_id, crontab_id, solar_id, clocked_id, \
                args, kwargs, queue, exchange, routing_key, priority, headers, expire_seconds, expires, enabled, \
                last_run_at, total_run_count, date_changed, description, one_off, start_time) \
                VALUES (\(bind: entry.name), \(bind: entry.task), \(bind: intervalID), \(bind: crontabID), NULL, NULL, \
                \(bind: entry.args), \(bind: entry.kwargs), \(bind: entry.queue), \(bind: entry.exchange), \
                \(bind: entry.routingKey), \(bind: entry.priority), \(bind: entry.headers), \
                \(bind: entry.expireSeconds), NULL, \(bind: true), NULL, 0, \(bind: timestamp(now)), '', \
                \(bind: false), NULL)
                """)
        }
        try await markPeriodicTasksChanged(now: now)
    }

    /// The first row the select finds, or the one the insert creates.
    private func scheduleRow(select: SQLQueryString, insert: SQLQueryString) async throws -> Int {
        if let found = try await rows(select).first { return try found.int("id") }
        guard let created = try await rows(insert).first else {
            throw decodingError("no id returned for a new schedule")
        }
        return try created.int("id")
    }
}
