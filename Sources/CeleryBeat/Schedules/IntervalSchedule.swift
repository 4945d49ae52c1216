/// Every so often from the last run (Celery's `schedule` with `relative=False`, which is what
/// django-celery-beat's `IntervalSchedule` rows give): due once `every` has elapsed since
/// `last_run_at`, counted in real (UTC) time.
public struct IntervalSchedule: Sendable, Hashable {
    /// The interval in microseconds.
    public let every: Int64

    /// The period names of django-celery-beat's `IntervalSchedule.period`.
    public enum Period: String, Sendable, CaseIterable {
        case days, hours, minutes, seconds, microseconds

        var microseconds: Int64 {
            switch self {
            case .days: 86_400_000_000
            case .hours: 3_600_000_000
            case .minutes: 60_000_000
            case .seconds: 1_000_000
            case .microseconds: 1
            }
        }
    }

    public init(every: Int64) { self.every = every }

    /// `every` periods, as a row stores it.
    public init(every count: Int, period: Period) {
        self.every = Int64(count) * period.microseconds
    }

    /// Celery's `is_due`: due (next check in `every`) once the time has come, otherwise the
    /// seconds left.
    public func isDue(lastRunAt: Int64, now: Int64) -> ScheduleState {
        let remaining = lastRunAt + every - now
        if remaining <= 0 { return ScheduleState(isDue: true, next: Double(every) / 1e6) }
        return ScheduleState(isDue: false, next: Double(remaining) / 1e6)
    }
}

/// Once, at a clock time (django-celery-beat's `ClockedSchedule`): due from `clockedTime` on,
/// whatever the last run; the row is one-off, so the scheduler disables it after the run.
public struct ClockedSchedule: Sendable, Hashable {
    /// The instant, microseconds since the epoch.
    public let clockedTime: Int64

    public init(clockedTime: Int64) { self.clockedTime = clockedTime }

    /// Seconds the scheduler waits before looking at a finished entry again
    /// (`NEVER_CHECK_TIMEOUT`).
    public static let neverCheck: Double = 100_000_000

    public func isDue(now: Int64) -> ScheduleState {
        let remaining = clockedTime - now
        if remaining <= 0 { return ScheduleState(isDue: true, next: Self.neverCheck) }
        return ScheduleState(isDue: false, next: Double(remaining) / 1e6)
    }
}
