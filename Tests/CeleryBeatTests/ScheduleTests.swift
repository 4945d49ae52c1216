import CeleryBeat
import Foundation
import SigmaTestSupport
import Testing

/// Microseconds since the epoch of a UTC reading.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
    Zone.utc.instant(of: WallTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
}

/// Celery 5.7's own answers for schedule cases (`celery_schedules.py` in `.venv/celery-5.7`).
func celerySchedules(_ specs: [[String: Any]]) throws -> [[String: Any]] {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
        "sigma-beat-cases-\(UUID().uuidString).json")
    try JSONSerialization.data(withJSONObject: specs).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let script = TestEnvironment.repositoryRoot.appendingPathComponent("Tests/CeleryBeatTests/celery_schedules.py").path
    let result = try ProcessRunner.runBlocking(
        TestEnvironment.python("celery-5.7")!.path, [script, file.path], timeout: 300)
    guard result.status == 0,
        let rows = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]]
    else { throw TestServerError("celery_schedules.py failed: \(result.standardError)") }
    return rows
}

/// The pure rules, checked on values worked out by hand.
@Suite("Beat schedules: crontab fields, zones and due times")
struct ScheduleUnitTests {
    @Test func fieldsExpandAsCeleryExpandsThem() throws {
        #expect(try CrontabField("*/15", count: 60).values == [0, 15, 30, 45])
        #expect(try CrontabField("1-5", count: 7).values == [1, 2, 3, 4, 5])
        #expect(try CrontabField("mon-fri", count: 7).values == [1, 2, 3, 4, 5])
        #expect(try CrontabField("22-2", count: 24).values == [0, 1, 2, 22, 23])
        #expect(try CrontabField("1-10/3,20", count: 31, minimum: 1).values == [1, 4, 7, 10, 20])
        #expect(try CrontabField("jan,Jul", count: 12, minimum: 1).values == [1, 7])
        #expect(throws: CrontabField.Invalid.self) { try CrontabField("60", count: 60) }
        #expect(throws: CrontabField.Invalid.self) { try CrontabField("*/", count: 60) }
        #expect(throws: CrontabField.Invalid.self) { try CrontabField("1,,2", count: 60) }
        #expect(throws: CrontabField.Invalid.self) { try CrontabField("0", count: 31, minimum: 1) }
        #expect(throws: CrontabField.Invalid.self) { try CrontabField("xyz", count: 7) }
        #expect(throws: CrontabField.Invalid.self) {
            try CrontabSchedule(dayOfMonth: "30", monthOfYear: "2", zone: .utc)
        }
    }

    @Test func readingsThatRepeatOrNeverHappenFollowPython() throws {
        let newYork = try #require(Zone("America/New_York"))
        // 02:30 on the spring-forward day does not exist: fold 0 takes the offset before (EST).
        #expect(
            newYork.instant(of: WallTime(year: 2026, month: 3, day: 8, hour: 2, minute: 30)) == utc(2026, 3, 8, 7, 30))
        // 01:30 on the fall-back day happens twice: fold 0 is the first (EDT), fold 1 the second.
        #expect(
            newYork.instant(of: WallTime(year: 2026, month: 11, day: 1, hour: 1, minute: 30)) == utc(2026, 11, 1, 5, 30)
        )
        #expect(
            newYork.instant(of: WallTime(year: 2026, month: 11, day: 1, hour: 1, minute: 30, fold: 1))
                == utc(2026, 11, 1, 6, 30))
        #expect(newYork.wall(at: utc(2026, 11, 1, 6, 30)).fold == 1)
        #expect(newYork.wall(at: utc(2026, 11, 1, 5, 30)).fold == 0)
        #expect(
            WallTime(year: 2026, month: 12, day: 2).weekday == 2
                && WallTime(year: 2026, month: 12, day: 6).cronWeekday == 0)
    }

    @Test func aCrontabMovedToTheAppsZoneRunsOnItsClock() throws {
        // DJANGO_CELERY_BEAT_TZ_AWARE = False: the row's Mexico City crontab runs on UTC.
        let mexico = try #require(Zone("America/Mexico_City"))
        let row = try CrontabSchedule(minute: "0", hour: "4", zone: mexico)
        #expect(try row.remaining(lastRunAt: utc(2026, 12, 2, 4), now: utc(2026, 12, 2, 5)) == 5 * 3_600_000_000)
        let moved = row.inZone(.utc)
        #expect(moved.zone == .utc && moved.hour == row.hour)
        #expect(try moved.remaining(lastRunAt: utc(2026, 12, 2, 4), now: utc(2026, 12, 2, 5)) == 23 * 3_600_000_000)
    }

    @Test func crontabDueTimesAcrossMonthEndsAndLeapDays() throws {
        let daily = try CrontabSchedule(minute: "0", hour: "4", zone: .utc)
        #expect(try daily.remaining(lastRunAt: utc(2026, 12, 2, 4), now: utc(2026, 12, 2, 5)) == 23 * 3_600_000_000)
        let leap = try CrontabSchedule(minute: "0", hour: "0", dayOfMonth: "29", monthOfYear: "2", zone: .utc)
        #expect(
            try leap.remaining(lastRunAt: utc(2026, 3, 1), now: utc(2026, 3, 1)) == utc(2028, 2, 29) - utc(2026, 3, 1))
        let lastDay = try CrontabSchedule(minute: "0", hour: "0", dayOfMonth: "31", zone: .utc)
        #expect(
            try lastDay.remaining(lastRunAt: utc(2026, 1, 31, 1), now: utc(2026, 1, 31, 1)) == utc(2026, 3, 31)
                - utc(2026, 1, 31, 1))
        let state = try daily.isDue(lastRunAt: utc(2026, 12, 1, 4), now: utc(2026, 12, 2, 4, 0, 1))
        #expect(state.isDue && state.next == 86_399)
        let interval = IntervalSchedule(every: 10, period: .minutes)
        #expect(
            interval.isDue(lastRunAt: utc(2026, 1, 1), now: utc(2026, 1, 1, 0, 4))
                == ScheduleState(isDue: false, next: 360))
        #expect(
            interval.isDue(lastRunAt: utc(2026, 1, 1), now: utc(2026, 1, 1, 0, 10))
                == ScheduleState(isDue: true, next: 600))
    }
}

/// Celery 5.7's own `crontab` and `schedule` (`celery_schedules.py` in `.venv/celery-5.7`) and
/// ours on thousands of (schedule, zone, last run, now) cases around daylight-saving changes,
/// month ends, leap days and year ends: the same due flag, the same next check and the same
/// remaining time, to the microsecond.
@Suite(.enabled(if: TestEnvironment.python("celery-5.7") != nil, "needs .venv/celery-5.7 (scripts/setup-python.sh)"))
struct CelerySchedulesDifferentialTests {
    static let specs: [[String]] = [
        ["*/15", "*", "*", "*", "*"], ["0", "4", "*", "*", "*"], ["30", "2", "*", "*", "*"], ["0", "1", "*", "*", "*"],
        ["0", "*", "*", "*", "*"], ["30", "1", "*", "*", "*"], ["0", "0", "*", "29", "2"], ["0", "0", "*", "31", "*"],
        ["0", "9", "mon-fri", "*", "*"], ["15", "10", "mon", "1-7", "*"], ["0", "0", "*", "1", "jan,jul"],
        ["5", "4", "sun", "*", "*"], ["*/5", "9-17", "*", "*", "*"], ["0", "0", "*", "15,30", "*"],
        ["0", "22-2", "*", "*", "*"], ["59", "23", "*", "31", "12"], ["0,30", "2,3", "*", "*", "*"],
        ["45", "23", "sat,sun", "*", "*"], ["0", "12", "*", "*", "3,11"],
    ]
    static let zones = [
        "UTC", "America/Mexico_City", "America/New_York", "Europe/Madrid", "America/Argentina/Buenos_Aires",
        "Australia/Lord_Howe", "Asia/Kolkata",
    ]
    /// Around New York's and Madrid's 2026 changes, Mexico City's last ones (2022), Lord Howe's
    /// half-hour change, a leap day, a month end and a year end.
    static let bases: [Int64] = [
        utc(2026, 3, 8, 6, 40), utc(2026, 11, 1, 5, 10), utc(2026, 3, 29, 0, 50), utc(2026, 10, 25, 0, 20),
        utc(2022, 4, 3, 7, 50), utc(2022, 10, 30, 6, 15), utc(2026, 4, 4, 14, 40), utc(2028, 2, 28, 23, 50),
        utc(2026, 1, 31, 23, 59), utc(2026, 12, 31, 23, 30),
    ]

    struct Case {
        var kind: String
        var fields: [String] = []
        var zone = "UTC"
        var every: Int64 = 0
        var last: Int64
        var now: Int64
        var deadline: Double?
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        let minute: Int64 = 60_000_000
        let lastShifts: [Int64] = [-91 * minute, -31 * minute, -1_000_000, 0, 29 * minute + 1_234_567]
        let nowShifts: [Int64] = [0, 1_000_000, 20 * minute, 61 * minute, 25 * 60 * minute]
        for spec in specs {
            for zone in zones {
                for base in bases {
                    for last in lastShifts {
                        for now in nowShifts {
                            cases.append(
                                Case(
                                    kind: "crontab", fields: spec, zone: zone, last: base + last, now: base + last + now
                                ))
                        }
                    }
                }
            }
        }
        for spec in specs.prefix(6) {
            for base in bases {
                cases.append(
                    Case(
                        kind: "crontab", fields: spec, zone: "America/New_York", last: base - 3 * 60 * minute,
                        now: base + 2 * minute, deadline: 600))
            }
        }
        for every: Int64 in [1_000_000, 45 * minute, 86_400_000_000] {
            for base in bases {
                for now in nowShifts { cases.append(Case(kind: "interval", every: every, last: base, now: base + now)) }
            }
        }
        return cases
    }()

    static func celery(_ cases: [Case]) throws -> [[String: Any]] {
        let specs: [[String: Any]] = cases.map { item in
            var spec: [String: Any] = [
                "kind": item.kind, "fields": item.fields, "zone": item.zone, "every": item.every, "last": item.last,
                "now": item.now,
            ]
            if let deadline = item.deadline { spec["deadline"] = deadline }
            return spec
        }
        return try celerySchedules(specs)
    }

    @Test func everyCaseIsDueWhenCelerysIsAndWaitsAsLong() throws {
        let expected = try Self.celery(Self.cases)
        try #require(expected.count == Self.cases.count)
        var same = 0
        var failures: [String] = []
        for (item, want) in zip(Self.cases, expected) {
            let got: (due: Bool, next: Double?, remaining: Double)
            do {
                if item.kind == "interval" {
                    let schedule = IntervalSchedule(every: item.every)
                    let state = schedule.isDue(lastRunAt: item.last, now: item.now)
                    got = (state.isDue, state.next, Double(item.last + item.every - item.now) / 1e6)
                } else {
                    let f = item.fields
                    let schedule = try CrontabSchedule(
                        minute: f[0], hour: f[1], dayOfWeek: f[2], dayOfMonth: f[3], monthOfYear: f[4],
                        zone: Zone(item.zone)!)
                    let state = try schedule.isDue(lastRunAt: item.last, now: item.now, startingDeadline: item.deadline)
                    got = (
                        state.isDue, state.next,
                        Double(try schedule.remaining(lastRunAt: item.last, now: item.now)) / 1e6
                    )
                }
            } catch {
                failures.append("\(item): ours threw \(error), Celery: \(want)")
                continue
            }
            let wantDue = want["due"] as? Bool
            let wantNext = (want["next"] as? NSNumber)?.doubleValue
            let wantRemaining = (want["remaining"] as? NSNumber)?.doubleValue
            let nextMatches = abs((got.next ?? -1) - (wantNext ?? -1)) < 1e-6
            if wantDue == got.due, nextMatches, let wantRemaining, abs(wantRemaining - got.remaining) < 1e-6 {
                same += 1
            } else {
                failures.append(
                    "\(item.fields) \(item.zone) last \(item.last) now \(item.now): Celery \(want), ours due \(got.due) next \(got.next ?? -1) remaining \(got.remaining)"
                )
            }
        }
        for failure in failures.prefix(15) { Issue.record(Comment(rawValue: failure)) }
        print("Celery schedule differential: \(same) of \(Self.cases.count) cases identical")
        #expect(failures.isEmpty)
    }
}
