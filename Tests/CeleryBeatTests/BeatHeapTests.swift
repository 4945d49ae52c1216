import CeleryBeat
import Testing

/// Celery's `Scheduler.tick` loop on entries built by hand, with a clock we move.
@Suite("Beat heap: the tick loop sends each due entry once and never sleeps past max_interval")
struct BeatHeapTests {
    static let second: Int64 = 1_000_000
    static let start = utc(2026, 12, 2, 12)

    static func entry(_ name: String, every seconds: Int, lastRun: Int64) -> BeatEntry {
        BeatEntry(
            PeriodicTaskRow(
                id: 1, name: name, task: "tareas.\(name)",
                schedule: .interval(IntervalSchedule(every: seconds, period: .seconds)), lastRunAt: lastRun),
            now: start)
    }

    /// Runs the loop from `start` to `end`, sleeping as told; returns the send times per name.
    static func run(_ heap: inout BeatHeap, until end: Int64) -> [String: [Int64]] {
        var now = start
        var sent: [String: [Int64]] = [:]
        var ticks = 0
        while now < end, ticks < 100_000 {
            ticks += 1
            let (steps, sleep) = heap.tick(now: now)
            for case .send(let entry) in steps { sent[entry.row.name, default: []].append(now) }
            #expect(sleep <= heap.maxInterval)
            // Time passes while the loop runs: at least a millisecond per tick.
            now += max(Int64((sleep * 1e6).rounded()), 1000)
        }
        return sent
    }

    @Test func eachEntryIsSentOnItsIntervalAndTheSleepNeverPassesFiveSeconds() {
        var heap = BeatHeap(
            entries: [
                Self.entry("a", every: 7, lastRun: Self.start - 7 * Self.second),
                Self.entry("b", every: 30, lastRun: Self.start - Self.second),
            ], now: Self.start)
        let sent = Self.run(&heap, until: Self.start + 61 * Self.second)
        // "a" is due at once, then every 7 s (its run is recorded at the send time).
        #expect(sent["a"]?.count == 9)
        #expect(sent["a"]?.first == Self.start)
        for (earlier, later) in zip(sent["a"] ?? [], (sent["a"] ?? []).dropFirst()) {
            #expect(later - earlier >= 7 * Self.second && later - earlier < 7 * Self.second + 50_000)
        }
        #expect(sent["b"]?.count == 2)
        #expect(heap.entries["a"]?.row.totalRunCount == 9)
        #expect(Set(heap.takeDirty().map(\.row.name)) == ["a", "b"])
        #expect(heap.dirty.isEmpty)
    }

    @Test func anEmptyHeapAndAFarEntrySleepMaxInterval() {
        var empty = BeatHeap(entries: [], now: Self.start)
        #expect(empty.tick(now: Self.start).sleep == 5)
        var far = BeatHeap(entries: [Self.entry("c", every: 3600, lastRun: Self.start)], now: Self.start)
        let (steps, sleep) = far.tick(now: Self.start)
        #expect(steps.isEmpty && sleep == 5)
    }

    @Test func aSendThatDidNotReachTheBrokerIsTriedAgainNotSkipped() {
        var heap = BeatHeap(
            entries: [Self.entry("a", every: 10, lastRun: Self.start - 10 * Self.second)], now: Self.start)
        let (steps, _) = heap.tick(now: Self.start)
        guard case .send(let entry)? = steps.first else {
            Issue.record("not sent: \(steps)")
            return
        }
        #expect(heap.entries["a"]?.row.totalRunCount == 1)
        // The publish failed: the entry is as before the run, and due again a second later.
        heap.unsend(entry, now: Self.start, retryAfter: 1)
        #expect(heap.entries["a"]?.row.totalRunCount == 0)
        #expect(heap.entries["a"]?.row.lastRunAt == Self.start - 10 * Self.second)
        #expect(heap.sentSinceSync == 0)
        let early = heap.tick(now: Self.start + Self.second / 2)
        #expect(early.steps.isEmpty && abs(early.sleep - 0.5) < 1e-6)
        let again = heap.tick(now: Self.start + Self.second)
        #expect(again.steps.count == 1)
        #expect(heap.entries["a"]?.row.lastRunAt == Self.start + Self.second)
        // Not again until its interval has passed from the late send.
        let sent = Self.run(&heap, until: Self.start + 25 * Self.second)
        #expect(sent["a"]?.first == nil || (sent["a"]?.first ?? 0) >= Self.start + 11 * Self.second)
    }

    @Test func aOneOffEntryIsSentOnceThenFinished() throws {
        var row = PeriodicTaskRow(
            id: 2, name: "una-vez", task: "tareas.x",
            schedule: .clocked(ClockedSchedule(clockedTime: Self.start + 2 * Self.second)), oneOff: true)
        row.dateChanged = Self.start - Self.second
        var heap = BeatHeap(entries: [BeatEntry(row, now: Self.start)], now: Self.start)
        var now = Self.start
        var sends = 0
        for _ in 0..<200 {
            let (steps, sleep) = heap.tick(now: now)
            for case .send in steps { sends += 1 }
            now += max(Int64((sleep * 1e6).rounded()), 1000)
        }
        // After its run the entry is not looked at again until the schedule is reloaded, where
        // the one-off rule finishes it.
        let ran = try #require(heap.entries["una-vez"])
        #expect(ran.row.totalRunCount == 1)
        var reloaded = BeatHeap(entries: [BeatEntry(ran.row, now: now)], now: now)
        var finished = false
        for case .save(_, .finishOneOff) in reloaded.tick(now: now).steps { finished = true }
        heap = reloaded
        #expect(sends == 1 && finished)
        #expect(heap.entries["una-vez"]?.row.enabled == false)
    }
}
