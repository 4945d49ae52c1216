/// The scheduling loop of Celery's `Scheduler.tick`, without I/O: a heap of entries by next
/// check time; each tick looks at the earliest, sends it when due (recording the run first, as
/// `reserve` does) and tells the caller how long to sleep, never more than `maxInterval`.
/// Entries to write back are collected as dirty names for the batched sync.
public struct BeatHeap: Sendable {
    /// What a tick asks the caller to do.
    public enum Step: Sendable, Hashable {
        /// Publish this entry's task (the entry as it was before the run was recorded).
        case send(BeatEntry)
        /// Save a change of the row (see ``BeatEntry/Change``).
        case save(name: String, BeatEntry.Change)
        /// The entry's schedule could not be computed; it is tried again after `maxInterval`.
        case failed(name: String, error: String)
    }

    /// `beat_max_loop_interval` (django-celery-beat's default: 5 s).
    public let maxInterval: Double
    /// `beat_cron_starting_deadline`.
    public let startingDeadline: Double?
    public private(set) var entries: [String: BeatEntry]
    /// Names whose `last_run_at` and run count changed since the last sync.
    public private(set) var dirty: Set<String> = []
    /// Runs since the last sync (for `beat_sync_every`).
    public private(set) var sentSinceSync = 0

    private struct Event: Sendable {
        var time: Int64
        var name: String
    }

    private var heap: [Event] = []
    /// Changes found while building the heap, handed out by the first tick.
    private var pending: [Step] = []

    /// Builds the heap as `populate_heap` does: every entry at now if due, else at its next check
    /// (the row changes `is_due` makes on the way come out of the first tick).
    public init(entries: [BeatEntry], now: Int64, maxInterval: Double = 5, startingDeadline: Double? = nil) {
        self.maxInterval = maxInterval
        self.startingDeadline = startingDeadline
        self.entries = Dictionary(entries.map { ($0.row.name, $0) }, uniquingKeysWith: { $1 })
        for var entry in entries {
            let name = entry.row.name
            var state = ScheduleState(isDue: false, next: maxInterval)
            do {
                let (found, change) = try entry.isDue(now: now, startingDeadline: startingDeadline)
                state = found
                if let change {
                    entry.apply(change)
                    self.entries[name] = entry
                    pending.append(.save(name: name, change))
                }
            } catch {
                pending.append(.failed(name: name, error: "\(error)"))
            }
            push(Event(time: when(now, state.isDue ? 0 : (state.next ?? maxInterval)), name: name))
        }
    }

    /// `Scheduler.adjust`: checks land 10 ms early.
    private func adjust(_ seconds: Double) -> Double { seconds > 0 ? seconds - 0.010 : seconds }

    private func when(_ now: Int64, _ seconds: Double) -> Int64 { now + Int64((adjust(seconds) * 1e6).rounded()) }

    private mutating func push(_ event: Event) {
        let index =
            heap.firstIndex { ($0.time, $0.name) > (event.time, event.name) } ?? heap.count
        heap.insert(event, at: index)
    }

    /// One pass of the loop at `now` (µs): the steps to carry out and the seconds to sleep.
    public mutating func tick(now: Int64) -> (steps: [Step], sleep: Double) {
        var steps = pending
        pending = []
        guard let event = heap.first, var entry = entries[event.name] else { return (steps, maxInterval) }
        if event.time > now { return (steps, min(Double(event.time - now) / 1e6, maxInterval)) }
        let state: ScheduleState
        do {
            let (found, change) = try entry.isDue(now: now, startingDeadline: startingDeadline)
            state = found
            if let change {
                entry.apply(change)
                entries[event.name] = entry
                steps.append(.save(name: event.name, change))
            }
        } catch {
            state = ScheduleState(isDue: false, next: maxInterval)
            steps.append(.failed(name: event.name, error: "\(error)"))
        }
        heap.removeFirst()
        if state.isDue {
            steps.append(.send(entry))
            entry.reserve(now: now)
            entries[event.name] = entry
            dirty.insert(event.name)
            sentSinceSync += 1
            push(Event(time: when(now, state.next ?? maxInterval), name: event.name))
            return (steps, 0)
        }
        let delay = state.next ?? maxInterval
        push(Event(time: when(now, delay), name: event.name))
        return (steps, heap.first?.name != event.name ? 0 : min(adjust(delay), maxInterval))
    }

    /// Takes back a send that did not reach the broker (Redis was down, the publish failed): the
    /// entry is put back as it was before the run was recorded and checked again after
    /// `retryAfter` seconds, so the run is sent late rather than skipped. (Celery's beat logs
    /// the error and skips the run.)
    ///
    /// - Parameters:
    ///   - entry: the entry as the ``Step/send(_:)`` step carried it.
    ///   - now: the scheduler's clock (µs).
    ///   - retryAfter: seconds until the next attempt.
    public mutating func unsend(_ entry: BeatEntry, now: Int64, retryAfter: Double = 1) {
        let name = entry.row.name
        guard entries[name] != nil else { return }
        entries[name] = entry
        sentSinceSync = max(sentSinceSync - 1, 0)
        heap.removeAll { $0.name == name }
        push(Event(time: now + Int64((retryAfter * 1e6).rounded()), name: name))
    }

    /// Marks entries to be written again (a sync that failed).
    public mutating func markDirty(_ names: some Sequence<String>) {
        for name in names where entries[name] != nil { dirty.insert(name) }
    }

    /// The dirty names, cleared for a sync.
    public mutating func takeDirty() -> [BeatEntry] {
        defer {
            dirty = []
            sentSinceSync = 0
        }
        return dirty.sorted().compactMap { entries[$0] }
    }
}
