import CeleryWire

/// The schedule of a periodic task row (one of django-celery-beat's schedule tables).
public enum BeatSchedule: Sendable, Hashable {
    case interval(IntervalSchedule)
    case crontab(CrontabSchedule)
    case clocked(ClockedSchedule)
    case solar(SolarSchedule)

    /// The schedule's own `is_due`.
    public func isDue(lastRunAt: Int64, now: Int64, startingDeadline: Double? = nil) throws -> ScheduleState {
        switch self {
        case .interval(let schedule): schedule.isDue(lastRunAt: lastRunAt, now: now)
        case .crontab(let schedule):
            try schedule.isDue(lastRunAt: lastRunAt, now: now, startingDeadline: startingDeadline)
        case .clocked(let schedule): schedule.isDue(now: now)
        case .solar(let schedule): schedule.isDue(lastRunAt: lastRunAt, now: now)
        }
    }
}

/// A `django_celery_beat_periodictask` row as the scheduler reads it (times in microseconds
/// since the epoch, JSON columns as stored).
public struct PeriodicTaskRow: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var task: String
    /// The row's schedule; nil when its schedule row is missing.
    public var schedule: BeatSchedule?
    public var args: String
    public var kwargs: String
    public var queue: String?
    public var exchange: String?
    public var routingKey: String?
    public var headers: String
    public var priority: Int?
    public var expires: Int64?
    public var expireSeconds: Int?
    public var oneOff: Bool
    public var startTime: Int64?
    public var enabled: Bool
    public var lastRunAt: Int64?
    public var totalRunCount: Int
    public var dateChanged: Int64?

    public init(
        id: Int, name: String, task: String, schedule: BeatSchedule?, args: String = "[]", kwargs: String = "{}",
        queue: String? = nil, exchange: String? = nil, routingKey: String? = nil, headers: String = "{}",
        priority: Int? = nil, expires: Int64? = nil, expireSeconds: Int? = nil, oneOff: Bool = false,
        startTime: Int64? = nil, enabled: Bool = true, lastRunAt: Int64? = nil, totalRunCount: Int = 0,
        dateChanged: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.task = task
        self.schedule = schedule
        self.args = args
        self.kwargs = kwargs
        self.queue = queue
        self.exchange = exchange
        self.routingKey = routingKey
        self.headers = headers
        self.priority = priority
        self.expires = expires
        self.expireSeconds = expireSeconds
        self.oneOff = oneOff
        self.startTime = startTime
        self.enabled = enabled
        self.lastRunAt = lastRunAt
        self.totalRunCount = totalRunCount
        self.dateChanged = dateChanged
    }
}

/// One periodic task as django-celery-beat's `ModelEntry` holds it: the row, its decoded
/// arguments and options, and the rules of `is_due` and `__next__`. Pure: what must be written
/// back is returned as a ``BeatEntry/Change``, the scheduler applies it.
public struct BeatEntry: Sendable, Hashable {
    /// A write the scheduler owes the database.
    public enum Change: Sendable, Hashable {
        /// `enabled = False` saved without bumping the change marker (bad arguments, a missing
        /// schedule, an expired row).
        case disable(reason: String)
        /// A one-off task that has run: `enabled = False`, `total_run_count = 0`, saved as a
        /// change (the marker is bumped, every scheduler reloads).
        case finishOneOff
    }

    /// The row (with `last_run_at` and the run count as this scheduler last set them).
    public private(set) var row: PeriodicTaskRow
    /// Decoded `args` (a JSON list) and `kwargs` (a JSON object); nil when the row's JSON is bad.
    public let arguments: (args: [JSONValue], kwargs: JSONObject)?
    /// `headers` plus `periodic_task_name`.
    public let headers: JSONObject
    /// What the constructor found wrong with the row, to be saved as a disable.
    public let defect: Change?

    /// Builds the entry as `ModelEntry.__init__` does.
    ///
    /// - Parameters:
    ///   - row: the row as read.
    ///   - now: the scheduler's clock (µs), used when the row never ran.
    public init(_ row: PeriodicTaskRow, now: Int64) {
        var row = row
        var defect: Change?
        if row.schedule == nil {
            defect = .disable(reason: "Disabling schedule \(row.name) that was removed from database")
            row.enabled = false
        }
        let parser = JSONParser()
        let args = try? parser.parse(Array((row.args.isEmpty ? "[]" : row.args).utf8))
        let kwargs = try? parser.parse(Array((row.kwargs.isEmpty ? "{}" : row.kwargs).utf8))
        if let list = args?.arrayValue, let object = kwargs?.objectValue {
            arguments = (list, object)
        } else {
            arguments = nil
            defect = .disable(reason: "Removing schedule \(row.name) for argument deseralization error")
            row.enabled = false
        }
        var headers =
            (try? parser.parse(Array((row.headers.isEmpty ? "{}" : row.headers).utf8)))?.objectValue ?? JSONObject()
        headers["periodic_task_name"] = .string(row.name)
        self.headers = headers
        if row.lastRunAt == nil {
            var start = row.dateChanged ?? now
            if row.startTime != nil { start -= Int64(365 * 30) * 86_400_000_000 }
            row.lastRunAt = start
        }
        self.row = row
        self.defect = defect
    }

    public static func == (lhs: BeatEntry, rhs: BeatEntry) -> Bool { lhs.row == rhs.row && lhs.defect == rhs.defect }
    public func hash(into hasher: inout Hasher) { hasher.combine(row) }

    /// `ModelEntry.is_due` at `now`: disabled rows wait 5 s; a row before its `start_time` waits
    /// until then (a crontab until its first run after it); an expired row is disabled; a
    /// one-off row that ran is finished; otherwise the schedule decides from `last_run_at`.
    public func isDue(now: Int64, startingDeadline: Double? = nil) throws -> (ScheduleState, Change?) {
        guard row.enabled, arguments != nil, let schedule = row.schedule else {
            return (ScheduleState(isDue: false, next: 5), nil)
        }
        if let start = row.startTime, now < start {
            var dueStart = start
            if case .crontab(let crontab) = schedule {
                dueStart = crontab.zone.instant(of: try crontab.nextRun(after: crontab.zone.wall(at: start)))
            }
            let seconds = (Double(dueStart - now) / 1e6).rounded(.up)
            return (ScheduleState(isDue: false, next: seconds), nil)
        }
        if let expires = row.expires, now >= expires {
            return (ScheduleState(isDue: false, next: ClockedSchedule.neverCheck), .disable(reason: "expired"))
        }
        if row.oneOff, row.totalRunCount > 0 {
            return (ScheduleState(isDue: false, next: ClockedSchedule.neverCheck), .finishOneOff)
        }
        return (try schedule.isDue(lastRunAt: row.lastRunAt ?? now, now: now, startingDeadline: startingDeadline), nil)
    }

    /// `ModelEntry.__next__`: the run is recorded at the send time (not the due time).
    public mutating func reserve(now: Int64) {
        row.lastRunAt = now
        row.totalRunCount += 1
    }

    /// Applies a change to the entry's own copy of the row.
    public mutating func apply(_ change: Change) {
        switch change {
        case .disable:
            row.enabled = false
            row.lastRunAt = nil
        case .finishOneOff:
            row.enabled = false
            row.totalRunCount = 0
            row.lastRunAt = nil
        }
    }
}
