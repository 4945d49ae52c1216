import CeleryBeat
import CeleryWire
import CeleryWorker
import Foundation
import Logging
import ServiceLifecycle
import SigmaDatabase

/// `celery beat -S django_celery_beat.schedulers:DatabaseScheduler`, as a service: reads the
/// periodic tasks from django-celery-beat's tables, reloads them when the admin changes them
/// (the `PeriodicTasks` marker, and every 5 minutes), sends each due run through Redis while it
/// holds the beat lease, and writes `last_run_at`/`total_run_count` back in batches.
public final class BeatService: Service, Sendable {
    /// The settings, in Celery's names.
    public struct Configuration: Sendable {
        /// `beat_max_loop_interval` (django-celery-beat's default: 5 s).
        public var maxInterval: Double = 5
        /// Seconds between syncs of the run counts (`Scheduler.sync_every`).
        public var syncEvery: Double = 180
        /// `beat_sync_every`: sync after this many sends (0: by time only).
        public var syncEveryTasks: Int = 0
        /// `timezone` (Celery's `app.timezone`; SIGMA: `TIME_ZONE`).
        public var timezone: Zone = .utc
        /// `DJANGO_CELERY_BEAT_TZ_AWARE`: when false, crontab rows run on ``timezone`` instead
        /// of their own `timezone` column, as django-celery-beat then builds a plain crontab.
        public var tzAware = true
        /// `task_default_queue`.
        public var defaultQueue = "celery"
        /// `beat_cron_starting_deadline`.
        public var startingDeadline: Double?
        /// The node name in the lease and the messages' `origin`.
        public var node: String
        /// Seconds between full reloads even without a change (django-celery-beat: 300).
        public var reloadEvery: Double = 300
        /// The entries written into the tables at start-up (``ConfiguredSchedule``).
        public var configuredEntries: [ConfiguredPeriodicTask] = []

        public init(node: String) { self.node = node }
    }

    private let database: CountryDatabase
    private let redis: BeatRedis
    private let configuration: Configuration
    private let logger: Logger

    public init(database: CountryDatabase, redis: BeatRedis, configuration: Configuration, logger: Logger) {
        self.database = database
        self.redis = redis
        self.configuration = configuration
        self.logger = logger
    }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1e6).rounded()) }
    static func date(_ microseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(microseconds) / 1e6) }

    /// The rows as scheduler entries, with each run time the later of the database's and the
    /// last send recorded in Redis (what another beat sent since its last sync).
    func loadEntries(now: Int64) async throws -> [BeatEntry] {
        let records = try await database.withSession { try await $0.periodicTasks() }
        let sent = try await redis.lastSent()
        var entries: [BeatEntry] = []
        for record in records where record.enabled {
            var row: PeriodicTaskRow
            do {
                row = try record.beatRow()
            } catch {
                logger.error("Cannot add entry \(record.name) to the schedule: \(error)")
                continue
            }
            if !configuration.tzAware, case .crontab(let crontab) = row.schedule {
                row.schedule = .crontab(crontab.inZone(configuration.timezone))
            }
            if let recorded = sent[record.name], recorded > (row.lastRunAt ?? Int64.min) {
                row.lastRunAt = recorded
            }
            let entry = BeatEntry(row, now: now)
            if let defect = entry.defect {
                logger.error("\(Self.reason(defect))")
                try await apply(defect, to: record.id)
            }
            entries.append(entry)
        }
        return entries
    }

    static func reason(_ change: BeatEntry.Change) -> String {
        switch change {
        case .disable(let reason): reason
        case .finishOneOff: "one-off task finished"
        }
    }

    private func apply(_ change: BeatEntry.Change, to id: Int) async throws {
        try await database.withSession { session in
            switch change {
            case .disable: try await session.disablePeriodicTask(id: id)
            case .finishOneOff: try await session.finishOneOffPeriodicTask(id: id)
            }
        }
    }

    private func sync(_ heap: inout BeatHeap) async {
        let dirty = heap.takeDirty()
        guard !dirty.isEmpty else { return }
        do {
            try await database.withSession { session in
                for entry in dirty {
                    guard let ran = entry.row.lastRunAt else { continue }
                    try await session.savePeriodicTaskRun(
                        id: entry.row.id, lastRunAt: Self.date(ran), totalRunCount: entry.row.totalRunCount)
                }
            }
        } catch {
            // Written on the next sync instead (the runs themselves are recorded in Redis).
            logger.error("Database error while sync: \(error)")
            heap.markDirty(dirty.map(\.row.name))
        }
    }

    /// `setup_schedule`: writes the configured entries, logging (not stopping on) a bad one.
    private func installConfiguredEntries() async {
        for entry in configuration.configuredEntries {
            do {
                try await database.withSession { try await $0.upsertPeriodicTask(entry) }
            } catch {
                logger.error("Cannot add entry \(entry.name) to database schedule: \(error)")
            }
        }
    }

    public func run() async throws {
        // SIGTERM acts at once even while Redis is away: calls stop waiting for it.
        try await withGracefulShutdownHandler {
            try await loop()
        } onGracefulShutdown: { [redis] in
            redis.stopRetrying()
        }
    }

    private func loop() async throws {
        logger.info("beat: Starting...")
        await installConfiguredEntries()
        var heap: BeatHeap?
        var marker: Date?
        var lastSync = ContinuousClock.now
        var lastReload = ContinuousClock.now
        var holding = false
        var lastLeaseCheck = ContinuousClock.now - .seconds(60)
        var reloadNeeded = true
        var redisDown = false
        var databaseDown = false
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let clock = ContinuousClock.now
            // The holder renews three times per lease; the others look every second, so one
            // takes over at most a second after the lease runs out.
            let leaseCheck: Duration = holding ? .seconds(Double(redis.leaseMilliseconds) / 3000) : .seconds(1)
            if clock - lastLeaseCheck >= leaseCheck {
                lastLeaseCheck = clock
                var held = false
                do {
                    held = try await redis.acquireOrRenew()
                    if redisDown {
                        logger.info("beat: Redis is reachable again")
                        redisDown = false
                    }
                } catch {
                    if !redisDown {
                        logger.error("beat: Redis is unreachable (\(error)); nothing is sent until it is back")
                        redisDown = true
                    }
                }
                if held != holding {
                    logger.info(held ? "beat: this node now sends the schedule" : "beat: another beat holds the lease")
                    holding = held
                    reloadNeeded = true
                }
            }
            guard holding else {
                await pause(1)
                continue
            }
            do {
                let current = try await database.withSession { try await $0.periodicTasksChanged() }
                if let current, let previous = marker, current > previous {
                    logger.info("DatabaseScheduler: Schedule changed.")
                    reloadNeeded = true
                }
                if marker == nil || (current ?? .distantPast) > (marker ?? .distantPast) { marker = current }
                if reloadNeeded || clock - lastReload >= .seconds(configuration.reloadEvery) {
                    if var old = heap { await sync(&old) }
                    let now = Self.microseconds(Date())
                    heap = BeatHeap(
                        entries: try await loadEntries(now: now), now: now, maxInterval: configuration.maxInterval,
                        startingDeadline: configuration.startingDeadline)
                    lastReload = clock
                    reloadNeeded = false
                }
                if databaseDown {
                    logger.info("beat: the database is reachable again")
                    databaseDown = false
                }
            } catch {
                // As django-celery-beat: the schedule in memory goes on being sent; the database
                // is tried again on the next pass (a reload waits until it answers).
                if !databaseDown {
                    logger.error("Database gave error: \(error); sending from the schedule in memory, trying again")
                    databaseDown = true
                }
                if heap == nil {
                    await pause(configuration.maxInterval)
                    continue
                }
            }
            guard var current = heap else { continue }
            let now = Self.microseconds(Date())
            let (steps, sleep) = current.tick(now: now)
            for step in steps {
                switch step {
                case .send(let entry):
                    if await !send(entry, now: now, reloadNeeded: &reloadNeeded) {
                        current.unsend(entry, now: now, retryAfter: 1)
                    }
                case .save(let name, let change):
                    if let id = current.entries[name]?.row.id { try? await apply(change, to: id) }
                case .failed(let name, let error):
                    logger.error(
                        "beat: Cannot calculate the next run of \(name), trying again in \(configuration.maxInterval) seconds.",
                        metadata: ["error": "\(error)"])
                }
            }
            let syncByCount = configuration.syncEveryTasks > 0 && current.sentSinceSync >= configuration.syncEveryTasks
            if syncByCount || ContinuousClock.now - lastSync >= .seconds(configuration.syncEvery) {
                await sync(&current)
                lastSync = ContinuousClock.now
            }
            heap = current
            await pause(max(min(sleep, configuration.maxInterval), 0.001))
        }
        if var last = heap { await sync(&last) }
        await redis.release()
        await redis.stop()
    }

    /// Sleeps, waking at once for a graceful shutdown.
    private func pause(_ seconds: Double) async {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
    }

    /// Publishes one run. Returns false when the publish failed (the run is to be tried again);
    /// a run another beat already sent, or that this beat may no longer send, counts as done.
    private func send(_ entry: BeatEntry, now: Int64, reloadNeeded: inout Bool) async -> Bool {
        logger.info("Scheduler: Sending due task \(entry.row.name) (\(entry.row.task))")
        guard
            let message = entry.message(
                now: now, appZone: configuration.timezone, defaultQueue: configuration.defaultQueue,
                origin: configuration.node)
        else { return true }
        FaultPoint.beatBeforePublish.pass()
        do {
            let outcome = try await redis.publish(
                message, entry: entry.row.name, previousRun: entry.row.lastRunAt ?? 0, sentAt: now)
            FaultPoint.beatAfterPublish.pass()
            switch outcome {
            case .sent: break
            case .notHolder, .alreadySent: reloadNeeded = true
            }
            return true
        } catch {
            logger.error("Message Error: \(error)")
            return false
        }
    }
}
