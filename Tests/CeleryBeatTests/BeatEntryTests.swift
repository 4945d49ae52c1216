import CeleryBeat
import CeleryWire
import Testing

/// django-celery-beat's `ModelEntry` rules on rows built by hand.
@Suite("Beat entries: ModelEntry's reading of a row and its is_due order")
struct BeatEntryTests {
    static let minute: Int64 = 60_000_000
    static let now = utc(2026, 12, 2, 12)
    static let every10 = BeatSchedule.interval(IntervalSchedule(every: 10, period: .minutes))

    static func row(_ schedule: BeatSchedule? = every10, _ change: (inout PeriodicTaskRow) -> Void = { _ in })
        -> PeriodicTaskRow
    {
        var row = PeriodicTaskRow(
            id: 1, name: "limpieza", task: "servicio_tecnico.limpiar", schedule: schedule, args: "[1, \"a\"]",
            kwargs: "{\"x\": 2}", headers: "{\"origen\": \"admin\"}", dateChanged: now - 3 * minute)
        change(&row)
        return row
    }

    @Test func aRowIsReadAsModelEntryReadsIt() throws {
        let entry = BeatEntry(Self.row(), now: Self.now)
        #expect(entry.defect == nil)
        #expect(entry.arguments?.args == [.int(1), .string("a")] && entry.arguments?.kwargs["x"] == .int(2))
        #expect(
            entry.headers["periodic_task_name"] == .string("limpieza") && entry.headers["origen"] == .string("admin"))
        // Never run: counted from date_changed, so the first run is `every` after the last edit.
        #expect(entry.row.lastRunAt == Self.now - 3 * Self.minute)
        #expect(try entry.isDue(now: Self.now).0 == ScheduleState(isDue: false, next: 420))
        let started = BeatEntry(Self.row { $0.startTime = Self.now - Self.minute }, now: Self.now)
        #expect(started.row.lastRunAt == Self.now - 3 * Self.minute - Int64(365 * 30) * 86_400_000_000)
        #expect(try started.isDue(now: Self.now).0.isDue)
    }

    @Test func badRowsAreDisabledAndNeverStopTheScheduler() throws {
        let badArgs = BeatEntry(Self.row { $0.args = "[1," }, now: Self.now)
        guard case .disable = badArgs.defect else { Issue.record("no disable for bad args"); return }
        #expect(try badArgs.isDue(now: Self.now) == (ScheduleState(isDue: false, next: 5), nil))
        let notAList = BeatEntry(Self.row { $0.kwargs = "[]" }, now: Self.now)
        #expect(notAList.defect != nil)
        let orphan = BeatEntry(Self.row(nil), now: Self.now)
        #expect(orphan.defect != nil && !orphan.row.enabled)
        let disabled = BeatEntry(Self.row { $0.enabled = false }, now: Self.now)
        #expect(disabled.defect == nil)
        #expect(try disabled.isDue(now: Self.now).0 == ScheduleState(isDue: false, next: 5))
    }

    @Test func startTimeExpiryAndOneOffComeBeforeTheSchedule() throws {
        let later = BeatEntry(Self.row { $0.startTime = Self.now + 90_500_000 }, now: Self.now)
        #expect(try later.isDue(now: Self.now).0 == ScheduleState(isDue: false, next: 91))
        let daily = BeatSchedule.crontab(try CrontabSchedule(minute: "0", hour: "4", zone: .utc))
        let cron = BeatEntry(Self.row(daily) { $0.startTime = Self.now + Self.minute }, now: Self.now)
        // Waits for the first 04:00 after the start time, not for the start time itself.
        #expect(try cron.isDue(now: Self.now).0.next == Double(utc(2026, 12, 3, 4) - Self.now) / 1e6)
        let expired = BeatEntry(Self.row { $0.expires = Self.now }, now: Self.now)
        let (state, change) = try expired.isDue(now: Self.now)
        #expect(!state.isDue && state.next == ClockedSchedule.neverCheck && change == .disable(reason: "expired"))
        var oneOff = BeatEntry(
            Self.row {
                $0.oneOff = true; $0.lastRunAt = Self.now - 11 * Self.minute
            }, now: Self.now)
        #expect(try oneOff.isDue(now: Self.now).0.isDue)
        oneOff.reserve(now: Self.now)
        #expect(oneOff.row.totalRunCount == 1 && oneOff.row.lastRunAt == Self.now)
        let (after, finish) = try oneOff.isDue(now: Self.now + Self.minute)
        #expect(!after.isDue && finish == .finishOneOff)
        oneOff.apply(.finishOneOff)
        #expect(!oneOff.row.enabled && oneOff.row.totalRunCount == 0 && oneOff.row.lastRunAt == nil)
    }

    @Test func aRunIsRecordedAtTheSendTime() throws {
        var entry = BeatEntry(Self.row { $0.lastRunAt = Self.now - 12 * Self.minute }, now: Self.now)
        #expect(try entry.isDue(now: Self.now).0 == ScheduleState(isDue: true, next: 600))
        entry.reserve(now: Self.now + 1_500_000)
        #expect(entry.row.lastRunAt == Self.now + 1_500_000 && entry.row.totalRunCount == 1)
        #expect(try entry.isDue(now: Self.now + 2_000_000).0 == ScheduleState(isDue: false, next: 599.5))
    }
}
