import CeleryWire
import Foundation
import SigmaTestSupport
import Testing

extension BeatProcessTests {
    /// `sigma-worker beat` processes on one Redis and one database: one sends, the others wait; the
    /// sender is killed with SIGKILL (by its own fault point right after a publish and right
    /// before one, and by the test while idle) and another takes over. No run is sent twice, none
    /// is skipped, and the takeover takes at most the lease time plus a check.
    @Suite(
        .serialized,
        .enabled(if: TestEnvironment.python("django-5.2") != nil, "needs .venv/django-5.2 (scripts/setup-python.sh)"),
        .enabled(if: TestEnvironment.redisAvailable, "needs the test Redis (scripts/services/redis.sh)"))
    struct BeatTakeoverTests {
        static var binary: String {
            TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/sigma-worker").path
        }

        final class Beat {
            let process = Process()
            let name: String

            /// - Parameter faultPoint: `SIGMA_WORKER_FAULT_POINT` for this beat (it kills itself there).
            init(name: String, env: String, log: String, faultPoint: String? = nil) throws {
                self.name = name
                process.executableURL = URL(fileURLWithPath: BeatTakeoverTests.binary)
                process.arguments = ["beat", "-l", "info", "-n", name, "--env-file", env, "-f", log]
                var environment = ProcessInfo.processInfo.environment
                environment["SIGMA_WORKER_FAULT_POINT"] = faultPoint
                process.environment = environment
                try process.run()
            }

            func kill() {
                Glibc.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }

            func terminate() {
                Glibc.kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
            }
        }

        static func redis(_ url: String, _ arguments: [String]) -> String {
            (try? ProcessRunner.runBlocking("/usr/bin/env", ["redis-cli", "-u", url] + arguments, timeout: 10))?
                .standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }

        /// The send times of the messages in the queue, from their `expires` (send time + 100 s).
        static func sendTimes(_ url: String) throws -> [Double] {
            let lines = redis(url, ["LRANGE", "celery", "0", "-1"]).split(separator: "\n")
            return try lines.map { line in
                let envelope = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let headers = try #require(envelope["headers"] as? [String: Any])
                let expires = try #require(headers["expires"] as? String)
                return try #require(ISODateTime.parse(expires)).unixTime() - 100
            }.sorted()
        }

        static func waitFor(_ seconds: Double, _ condition: () -> Bool) async throws -> Double? {
            let start = Date()
            while Date().timeIntervalSince(start) < seconds {
                if condition() { return Date().timeIntervalSince(start) }
                try await Task.sleep(for: .milliseconds(50))
            }
            return nil
        }

        @Test(.timeLimit(.minutes(3)), arguments: BeatTablesTests.Engine.allCases)
        func aKilledBeatIsReplacedAndNoRunIsSentTwice(engine: BeatTablesTests.Engine) async throws {
            if engine == .postgresql, !BeatTablesTests.postgresAvailable { return }
            let scratch = try BeatTablesTests.Scratch(engine)
            let broker = TestEnvironment.redisURL + "/13"
            _ = Self.redis(broker, ["FLUSHDB"])
            let env = scratch.folder + "/.env"
            let pg = BeatTablesTests.pg
            let database =
                engine == .sqlite
                ? "DB_ENGINE=django.db.backends.sqlite3"
                : """
                DB_ENGINE=django.db.backends.postgresql
                DB_NAME=\(scratch.name)
                DB_USER=\(pg.user)
                DB_PASSWORD=\(pg.password)
                DB_HOST=\(pg.host)
                DB_PORT=\(pg.port)
                """
            try """
            SIGMA_BASE_DIR=\(scratch.folder)
            \(database)
            CELERY_BROKER_URL=\(broker)
            """.write(toFile: env, atomically: true, encoding: .utf8)
            var beats: [Beat] = []
            defer {
                for beat in beats where beat.process.isRunning { beat.kill() }
            }
            do {
                try scratch.create([
                    [
                        "name": "cada-segundo", "task": "servicio_tecnico.pulso",
                        "interval": ["every": 1, "period": "seconds"],
                        "expire_seconds": 100,
                    ]
                ])
                let lease = { Self.redis(broker, ["GET", "sigma-beat:lease"]) }
                // 1. The holder dies the moment its third publish has reached Redis, before it has
                //    recorded the run anywhere else.
                beats.append(
                    try Beat(
                        name: "beat-a", env: env, log: scratch.folder + "/a.log", faultPoint: "beat-after-publish:3"))
                #expect(try await Self.waitFor(30) { lease() == "beat-a" } != nil)
                beats.append(try Beat(name: "beat-b", env: env, log: scratch.folder + "/b.log"))
                #expect(
                    try await Self.waitFor(20) { !beats[0].process.isRunning } != nil, "beat-a did not reach its fault")
                let killedAt = Date()
                let takeover = try await Self.waitFor(20) { lease() == "beat-b" }
                let measured = takeover.map { _ in Date().timeIntervalSince(killedAt) }
                print(
                    "beat takeover on \(engine) after SIGKILL (just after a publish): \(measured.map { String(format: "%.2f s", $0) } ?? "none")"
                )
                #expect(measured.map { $0 < 10 } == true)
                try await Task.sleep(for: .seconds(3))
                // 2. The holder is killed while idle (between two sends); the next holder dies the
                //    moment before its third publish, and a fourth beat sends that run.
                beats.append(
                    try Beat(
                        name: "beat-c", env: env, log: scratch.folder + "/c.log", faultPoint: "beat-before-publish:3"))
                try await Task.sleep(for: .milliseconds(1500))
                beats[1].kill()
                let idleKill = Date()
                let second = try await Self.waitFor(20) { lease() == "beat-c" }
                let measuredIdle = second.map { _ in Date().timeIntervalSince(idleKill) }
                print(
                    "beat takeover on \(engine) after SIGKILL (idle): \(measuredIdle.map { String(format: "%.2f s", $0) } ?? "none")"
                )
                #expect(measuredIdle.map { $0 < 10 } == true)
                beats.append(try Beat(name: "beat-d", env: env, log: scratch.folder + "/d.log"))
                #expect(
                    try await Self.waitFor(20) { !beats[2].process.isRunning } != nil, "beat-c did not reach its fault")
                let beforeKill = Date()
                let third = try await Self.waitFor(20) { lease() == "beat-d" }
                let measuredBefore = third.map { _ in Date().timeIntervalSince(beforeKill) }
                print(
                    "beat takeover on \(engine) after SIGKILL (just before a publish): \(measuredBefore.map { String(format: "%.2f s", $0) } ?? "none")"
                )
                #expect(measuredBefore.map { $0 < 10 } == true)
                try await Task.sleep(for: .seconds(3))
                beats[3].terminate()
                let times = try Self.sendTimes(broker)
                #expect(times.count >= 10, "\(times.count) sends")
                let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
                // Never twice: consecutive sends at least the interval apart (10 ms of Celery's early check).
                #expect(gaps.allSatisfy { $0 >= 0.98 }, "gaps \(gaps)")
                // Never skipped for longer than a takeover.
                #expect(gaps.allSatisfy { $0 < 11 }, "gaps \(gaps)")
                print(
                    "beat sends on \(engine): \(times.count), largest gap \(String(format: "%.2f", gaps.max() ?? 0)) s")
            } catch {
                await scratch.close()
                throw error
            }
            await scratch.close()
        }

        @Test(.timeLimit(.minutes(2)))
        func aWorkerWithDashBRunsItsOwnSchedule() async throws {
            let scratch = try BeatTablesTests.Scratch(.sqlite)
            let broker = TestEnvironment.redisURL + "/14"
            let backend = TestEnvironment.redisURL + "/15"
            _ = Self.redis(broker, ["FLUSHDB"])
            _ = Self.redis(backend, ["FLUSHDB"])
            let env = scratch.folder + "/.env"
            try """
            SIGMA_BASE_DIR=\(scratch.folder)
            DB_ENGINE=django.db.backends.sqlite3
            CELERY_BROKER_URL=\(broker)
            CELERY_RESULT_BACKEND=\(backend)
            """.write(toFile: env, atomically: true, encoding: .utf8)
            let worker = Process()
            do {
                try scratch.create([
                    [
                        "name": "suma", "task": "t.integration.tasks.add",
                        "interval": ["every": 1, "period": "seconds"],
                        "args": [40, 2],
                    ]
                ])
                worker.executableURL = URL(fileURLWithPath: Self.binary)
                worker.arguments = [
                    "worker", "-B", "-l", "info", "--include-test-tasks", "--without-sigma-tasks", "-c", "2",
                    "--env-file",
                    env, "-f", scratch.folder + "/worker.log",
                ]
                try worker.run()
                let results = try await Self.waitFor(30) {
                    Self.redis(backend, ["KEYS", "celery-task-meta-*"]).split(separator: "\n").count >= 3
                }
                #expect(results != nil, "no results from the embedded beat's runs")
                let keys = Self.redis(backend, ["KEYS", "celery-task-meta-*"]).split(separator: "\n").map(String.init)
                for key in keys.prefix(3) {
                    let record = Self.redis(backend, ["GET", key])
                    #expect(
                        record.contains("\"status\": \"SUCCESS\"") && record.contains("\"result\": 42"), "\(record)")
                }
                Glibc.kill(worker.processIdentifier, SIGTERM)
                worker.waitUntilExit()
                #expect(worker.terminationStatus == 0)
                let log = (try? String(contentsOfFile: scratch.folder + "/worker.log", encoding: .utf8)) ?? ""
                #expect(log.contains("Scheduler: Sending due task suma (t.integration.tasks.add)"))
            } catch {
                if worker.isRunning { Glibc.kill(worker.processIdentifier, SIGKILL) }
                await scratch.close()
                throw error
            }
            await scratch.close()
        }
    }
}
