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
