import CeleryBeat
import CeleryWire
import Foundation
import Logging
import SigmaBeat
import SigmaDatabase
import SigmaTestSupport
import Testing

/// django-celery-beat's tables made by Django's own migrations and filled through its ORM
/// (`scripts/beat/django_beat.py`, `.venv/django-5.2` with django-celery-beat 2.9), read and
/// written by our database layer on SQLite and PostgreSQL; Django reads our writes back.
@Suite(
    .serialized,
    .enabled(if: TestEnvironment.python("django-5.2") != nil, "needs .venv/django-5.2 (scripts/setup-python.sh)"))
struct BeatTablesTests {
    enum Engine: String, CaseIterable, Sendable {
        case sqlite, postgresql
    }

    static let pg = (
        host: ProcessInfo.processInfo.environment["SIGMA_TEST_PG_HOST"] ?? "127.0.0.1",
        port: Int(ProcessInfo.processInfo.environment["SIGMA_TEST_PG_PORT"] ?? "") ?? 54329,
        user: ProcessInfo.processInfo.environment["SIGMA_TEST_PG_USER"] ?? "sigma",
        password: ProcessInfo.processInfo.environment["SIGMA_TEST_PG_PASSWORD"] ?? "sigma-test-pw"
    )

    static func psql(_ sql: String) throws -> ProcessRunner.Result {
        try ProcessRunner.runBlocking(
            "/usr/bin/env",
            [
                "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.host, "-p", "\(pg.port)", "-U", pg.user, "-d",
                "postgres", "-At", "-c", sql,
            ], environment: ["PGPASSWORD": pg.password, "PGCONNECT_TIMEOUT": "5"], timeout: 30)
    }

    static let postgresAvailable: Bool = (try? psql("SELECT 1").status) == 0

    /// A scratch database of one engine, its tables migrated by Django.
    final class Scratch {
        let engine: Engine
        let folder: String
        let name: String
        let router: DatabaseRouter

        init(_ engine: Engine) throws {
            self.engine = engine
            let token = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10)).lowercased()
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-beat-\(token)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            name = "sigma_beat_\(token)"
            let configuration: DatabaseConfiguration
            switch engine {
            case .sqlite:
                configuration = DatabaseConfiguration(
                    engine: .sqlite, baseDirectory: folder, connectTimeout: .seconds(5), queryTimeout: .seconds(10))
            case .postgresql:
                guard try BeatTablesTests.psql("CREATE DATABASE \"\(name)\"").status == 0 else {
                    throw TestServerError("CREATE DATABASE failed")
                }
                configuration = DatabaseConfiguration(
                    engine: .postgresql, mexicoName: name, argentinaName: name, user: pg.user, password: pg.password,
                    host: pg.host, port: pg.port, connectTimeout: .seconds(5), queryTimeout: .seconds(10))
            }
            router = DatabaseRouter(configuration: configuration, logger: Logger(label: "sigma-beat-test"))
            databaseArguments =
                engine == .sqlite
                ? ["--sqlite", configuration.sqlitePath(for: .mexico)]
                : [
                    "--postgres",
                    "host=\(pg.host) port=\(pg.port) user=\(pg.user) password=\(pg.password) dbname=\(name)",
                ]
            try django("migrate")
        }

        private(set) var databaseArguments: [String] = []

        @discardableResult
        func django(_ command: String, _ extra: [String] = []) throws -> String {
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/beat/django_beat.py").path
            let result = try ProcessRunner.runBlocking(
                TestEnvironment.python("django-5.2")!.path, [script] + databaseArguments + [command] + extra,
                timeout: 120)
            guard result.status == 0 else {
                throw TestServerError("django_beat.py \(command): \(result.standardError)")
            }
            return result.standardOutput
        }

        func create(_ specs: [[String: Any]]) throws {
            let file = folder + "/spec.json"
            try JSONSerialization.data(withJSONObject: specs).write(to: URL(fileURLWithPath: file))
            try django("create", [file])
        }

        func dump() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(try django("dump").utf8)) as? [String: Any] ?? [:]
        }

        func close() async {
            await router.shutdown()
            try? FileManager.default.removeItem(atPath: folder)
            if engine == .postgresql {
                _ = try? BeatTablesTests.psql("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
            }
        }
    }

    static var specs: [[String: Any]] {
        [
            [
                "name": "limpieza", "task": "servicio_tecnico.limpiar", "interval": ["every": 10, "period": "minutes"],
                "args": [1, "dos"], "kwargs": ["tres": 3], "queue": "mantenimiento", "priority": 7,
                "headers": ["origen": "admin"], "expire_seconds": 300,
            ],
            [
                "name": "reporte", "task": "servicio_tecnico.reporte",
                "crontab": [
                    "minute": "30", "hour": "7", "day_of_week": "mon-fri", "day_of_month": "*", "month_of_year": "*",
                    "timezone": "America/Mexico_City",
                ], "start_time": "2026-01-01T00:00:00+00:00", "expires": "2027-01-01T00:00:00+00:00",
            ],
            [
                "name": "una-vez", "task": "servicio_tecnico.aviso", "clocked": "2026-12-24T18:00:00+00:00",
                "one_off": true, "exchange": "avisos", "routing_key": "aviso.navidad", "enabled": false,
            ],
            ["name": "mal", "task": "x", "interval": ["every": 1, "period": "days"], "args": "[1,"],
        ]
    }

    @Test(arguments: Engine.allCases)
    func rowsMadeByDjangoAreReadAsDjangoStoresThem(engine: Engine) async throws {
        if engine == .postgresql, !Self.postgresAvailable { return }
        let scratch = try Scratch(engine)
        do {
            try scratch.create(Self.specs)
            let records = try await scratch.router.mexico.withSession { try await $0.periodicTasks() }
            try #require(records.count == 4)
            let limpieza = records[0]
            #expect(limpieza.name == "limpieza" && limpieza.task == "servicio_tecnico.limpiar")
            #expect(limpieza.schedule == .interval(every: 10, period: "minutes"))
            #expect(limpieza.args == "[1, \"dos\"]" && limpieza.kwargs == "{\"tres\": 3}")
            #expect(limpieza.queue == "mantenimiento" && limpieza.exchange == nil && limpieza.routingKey == nil)
            #expect(
                limpieza.priority == 7 && limpieza.expireSeconds == 300 && limpieza.headers == "{\"origen\": \"admin\"}"
            )
            #expect(limpieza.enabled && !limpieza.oneOff && limpieza.lastRunAt == nil && limpieza.totalRunCount == 0)
            let reporte = records[1]
            #expect(
                reporte.schedule
                    == .crontab(
                        minute: "30", hour: "7", dayOfWeek: "mon-fri", dayOfMonth: "*", monthOfYear: "*",
                        timezone: "America/Mexico_City"))
            #expect(reporte.startTime == Date(timeIntervalSince1970: 1_767_225_600))
            #expect(reporte.expires == Date(timeIntervalSince1970: 1_798_761_600))
            let unaVez = records[2]
            #expect(unaVez.schedule == .clocked(Date(timeIntervalSince1970: 1_798_135_200)))
            #expect(
                unaVez.oneOff && !unaVez.enabled && unaVez.exchange == "avisos" && unaVez.routingKey == "aviso.navidad")
            #expect(records[3].args == "[1,")
            let marker = try await scratch.router.mexico.withSession { try await $0.periodicTasksChanged() }
            #expect(marker != nil)
        } catch {
            await scratch.close()
            throw error
        }
        await scratch.close()
    }

    @Test(arguments: Engine.allCases)
    func ourWritesAreWhatDjangoReadsBack(engine: Engine) async throws {
        if engine == .postgresql, !Self.postgresAvailable { return }
        let scratch = try Scratch(engine)
        do {
            try scratch.create(Self.specs)
            let before = try scratch.dump()
            let ran = Date(timeIntervalSince1970: 1_796_000_000.123456)
            let later = Date(timeIntervalSince1970: 1_796_000_100)
            try await scratch.router.mexico.withSession { session in
                try await session.savePeriodicTaskRun(id: 1, lastRunAt: ran, totalRunCount: 3, now: ran)
                try await session.disablePeriodicTask(id: 4, now: ran)
                // A run saved for a row disabled meanwhile keeps last_run_at NULL, as save() does.
                try await session.savePeriodicTaskRun(id: 3, lastRunAt: ran, totalRunCount: 1, now: ran)
                try await session.finishOneOffPeriodicTask(id: 2, now: later)
            }
            let after = try scratch.dump()
            let tasks = try #require(after["tasks"] as? [[String: Any]])
            #expect(tasks[0]["last_run_at"] as? String == "2026-11-30T00:53:20.123456+00:00")
            #expect(tasks[0]["total_run_count"] as? Int == 3 && tasks[0]["enabled"] as? Bool == true)
            #expect(tasks[0]["date_changed"] as? String == "2026-11-30T00:53:20.123456+00:00")
            #expect(tasks[3]["enabled"] as? Bool == false && tasks[3]["last_run_at"] is NSNull)
            #expect(tasks[2]["last_run_at"] is NSNull && tasks[2]["total_run_count"] as? Int == 1)
            #expect(tasks[1]["enabled"] as? Bool == false && tasks[1]["total_run_count"] as? Int == 0)
            // Only finishing the one-off bumped the change marker.
            #expect(after["last_update"] as? String == "2026-11-30T00:55:00+00:00")
            #expect(before["last_update"] as? String != after["last_update"] as? String)
        } catch {
            await scratch.close()
            throw error
        }
        await scratch.close()
    }

    static func redis(_ url: String, _ arguments: [String]) throws -> String {
        let result = try ProcessRunner.runBlocking("/usr/bin/env", ["redis-cli", "-u", url] + arguments, timeout: 10)
        guard result.status == 0 else { throw TestServerError("redis-cli: \(result.standardError)") }
        return result.standardOutput
    }

    /// An envelope as JSON, with what differs between any two sends (ids, tags, the sending
    /// node, the clock) taken out and returned apart.
    static func normalized(_ text: String) throws -> (envelope: [String: Any], expires: String?, expiration: Int?) {
        var envelope = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var headers = try #require(envelope["headers"] as? [String: Any])
        var properties = try #require(envelope["properties"] as? [String: Any])
        let expires = headers.removeValue(forKey: "expires") as? String
        for key in ["id", "root_id", "origin"] { headers.removeValue(forKey: key) }
        let expiration = (properties.removeValue(forKey: "expiration") as? String).flatMap { Int($0) }
        for key in ["delivery_tag", "correlation_id", "reply_to"] { properties.removeValue(forKey: key) }
        let encodedBody = try #require(envelope["body"] as? String)
        let body = try #require(Data(base64Encoded: encodedBody))
        envelope["body"] = try JSONSerialization.jsonObject(with: body)
        envelope["headers"] = headers
        envelope["properties"] = properties
        return (envelope, expires, expiration)
    }

    @Test(.enabled(if: TestEnvironment.redisAvailable, "needs the test Redis (scripts/services/redis.sh)"))
    func theMessagesAreTheOnesPythonsBeatSends() async throws {
        let scratch = try Scratch(.sqlite)
        let broker = TestEnvironment.redisURL + "/11"
        do {
            var specs = Self.specs.filter { ($0["name"] as? String) != "mal" && ($0["name"] as? String) != "una-vez" }
            specs.append([
                "name": "ruta", "task": "servicio_tecnico.ruta", "interval": ["every": 1, "period": "hours"],
                "exchange": "avisos", "routing_key": "aviso.diario", "kwargs": ["ñ": "sí"], "priority": 3,
            ])
            specs.append([
                "name": "simple", "task": "servicio_tecnico.simple", "interval": ["every": 30, "period": "seconds"],
            ])
            try scratch.create(specs)
            _ = try Self.redis(broker, ["FLUSHDB"])
            _ = try Self.redis(
                broker, ["SADD", "_kombu.binding.avisos", "aviso.diario\u{06}\u{16}\u{06}\u{16}avisos-q"])
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/beat/python_beat_send.py").path
            let names = ["limpieza", "reporte", "ruta", "simple"]
            let sent = try ProcessRunner.runBlocking(
                TestEnvironment.python("django-5.2")!.path,
                [script] + scratch.databaseArguments + ["--broker", broker, "--timezone", "America/Mexico_City"]
                    + names, timeout: 120)
            try #require(sent.status == 0, "python_beat_send.py: \(sent.standardError)")
            let now = Int64((Date().timeIntervalSince1970 * 1e6).rounded())
            let records = try await scratch.router.mexico.withSession { try await $0.periodicTasks() }
            let zone = try #require(Zone("America/Mexico_City"))
            var ours: [String: TaskMessage] = [:]
            for record in records where names.contains(record.name) {
                let entry = BeatEntry(try record.beatRow(), now: now)
                let message = entry.message(now: now, appZone: zone, origin: "gen1@test")
                #expect(message != nil, "no message for \(record.name)")
                ours[record.name] = message
            }
            // Where Python's messages landed: the row's queue, the default queue, the bound queue.
            let queues = ["mantenimiento": ["limpieza"], "celery": ["reporte", "simple"], "avisos-q": ["ruta"]]
            // kombu keeps a priority's messages under `<queue>\x06\x16<step>`.
            let keys = try Self.redis(broker, ["--no-raw", "KEYS", "*"]).split(separator: "\n").map(String.init)
            for (queue, expected) in queues {
                var lines: [String] = []
                for key in try Self.redis(broker, ["KEYS", "\(queue)*"]).split(separator: "\n").map(String.init)
                where key == queue || key.hasPrefix(queue + "\u{06}\u{16}") {
                    let raw = try Self.redis(broker, ["LRANGE", key, "0", "-1"])
                    lines += raw.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
                }
                _ = keys
                #expect(lines.count == expected.count, "queue \(queue): \(lines.count) messages")
                for line in lines {
                    let python = try Self.normalized(line)
                    let headers = python.envelope["headers"] as? [String: Any]
                    let name = try #require(headers?["periodic_task_name"] as? String)
                    #expect(expected.contains(name), "\(name) in \(queue)")
                    let message = try #require(ours[name])
                    let mine = try Self.normalized(String(decoding: message.encoded(), as: UTF8.self))
                    #expect(
                        NSDictionary(dictionary: mine.envelope).isEqual(to: python.envelope),
                        "\(name): ours \(mine.envelope) Python \(python.envelope)")
                    #expect((mine.expires == nil) == (python.expires == nil), "\(name) expires")
                    if let a = mine.expires, let b = python.expires {
                        // Same offset and within the seconds between the two sends.
                        #expect(a.suffix(6) == b.suffix(6), "\(a) vs \(b)")
                        let first = try #require(ISODateTime.parse(a)).unixTime()
                        let second = try #require(ISODateTime.parse(b)).unixTime()
                        #expect(abs(first - second) < 30, "\(a) vs \(b)")
                    }
                    if let a = mine.expiration, let b = python.expiration { #expect(abs(a - b) < 30_000) }
                    #expect((mine.expiration == nil) == (python.expiration == nil), "\(name) expiration")
                }
            }
        } catch {
            await scratch.close()
            throw error
        }
        await scratch.close()
    }

    static let configured = """
        {"limpieza": {"task": "servicio_tecnico.limpiar", "schedule": 600, "args": [1, "ñ"],
                      "options": {"queue": "mantenimiento", "expire_seconds": 60, "priority": 4,
                                  "headers": {"origen": "settings"}}},
         "reporte": {"task": "servicio_tecnico.reporte",
                     "schedule": {"crontab": {"minute": "30", "hour": "7", "day_of_week": "mon-fri"}},
                     "kwargs": {"formato": "pdf"}},
         "pulso": {"task": "servicio_tecnico.pulso", "schedule": 30,
                   "options": {"exchange": "avisos", "routing_key": "pulso"}}}
        """

    /// A dump with what differs between two databases (ids, edit times) left out.
    static func comparable(_ dump: [String: Any]) -> [[String: String]] {
        ((dump["tasks"] as? [[String: Any]]) ?? []).map { task in
            var row: [String: String] = [:]
            for (key, value) in task
            where !["id", "date_changed", "interval_id", "crontab_id", "clocked_id"].contains(key) {
                row[key] = "\(value)"
            }
            return row
        }.sorted { ($0["name"] ?? "") < ($1["name"] ?? "") }
    }

    @Test(arguments: Engine.allCases)
    func startUpEntriesAreWrittenAsDatabaseSchedulerWritesThem(engine: Engine) async throws {
        if engine == .postgresql, !Self.postgresAvailable { return }
        let python = try Scratch(engine)
        let ours = try Scratch(engine)
        do {
            // An existing row the configuration takes over (enabled, run count and last run kept).
            let existing: [[String: Any]] = [
                [
                    "name": "pulso", "task": "viejo", "interval": ["every": 5, "period": "minutes"], "args": [9],
                    "enabled": true,
                ]
            ]
            try python.create(existing)
            try ours.create(existing)
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/beat/python_beat_setup.py").path
            let result = try ProcessRunner.runBlocking(
                TestEnvironment.python("django-5.2")!.path,
                [script] + python.databaseArguments + [
                    "--timezone", "America/Mexico_City", "--schedule", Self.configured,
                ],
                timeout: 120)
            try #require(result.status == 0, "python_beat_setup.py: \(result.standardError)")
            let entries = try ConfiguredSchedule.entries(
                json: Self.configured, zone: try #require(Zone("America/Mexico_City")), resultExpires: 86_400)
            try await ours.router.mexico.withSession { session in
                for entry in entries { try await session.upsertPeriodicTask(entry) }
            }
            let theirs = Self.comparable(try python.dump())
            let mine = Self.comparable(try ours.dump())
            #expect(theirs.count == 4)
            #expect(mine == theirs, "ours \(mine)\nDjango's \(theirs)")
        } catch {
            await python.close()
            await ours.close()
            throw error
        }
        await python.close()
        await ours.close()
    }
}
