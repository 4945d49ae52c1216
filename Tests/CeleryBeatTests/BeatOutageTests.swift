import CeleryWire
import Foundation
import SigmaTestSupport
import Testing

extension BeatProcessTests {
    /// `sigma-worker beat` through a Redis outage: a private `redis-server` (append-only, so the
    /// queue, the lease and the record of sends survive) is killed with SIGKILL while the beat
    /// sends every second and started again three seconds later. The beat keeps running, says
    /// that Redis is gone and back, resumes within a few seconds, and never sends a run twice;
    /// then SIGTERM during a second outage stops it within the promised second.
    @Suite(
        .serialized,
        .enabled(if: TestEnvironment.python("django-5.2") != nil, "needs .venv/django-5.2 (scripts/setup-python.sh)"),
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server"), "needs redis-server"))
    struct BeatOutageTests {
        static let port = 6397

        @Test(.timeLimit(.minutes(2)))
        func aRedisOutageStopsTheSendsAndTheyResumeWithoutADuplicate() async throws {
            let server = try PrivateRedisServer(port: Self.port)
            #expect(try await server.start())
            let broker = server.url()
            let scratch = try BeatTablesTests.Scratch(.sqlite)
            let env = scratch.folder + "/.env"
            try """
            SIGMA_BASE_DIR=\(scratch.folder)
            DB_ENGINE=django.db.backends.sqlite3
            CELERY_BROKER_URL=\(broker)
            """.write(toFile: env, atomically: true, encoding: .utf8)
            try scratch.create([
                [
                    "name": "cada-segundo", "task": "servicio_tecnico.pulso",
                    "interval": ["every": 1, "period": "seconds"],
                    "expire_seconds": 100,
                ]
            ])
            let log = scratch.folder + "/beat.log"
            let beat = try BeatTakeoverTests.Beat(name: "beat-outage", env: env, log: log)
            defer { if beat.process.isRunning { beat.kill() } }
            let count = { Int(BeatTakeoverTests.redis(broker, ["LLEN", "celery"])) ?? 0 }
            #expect(try await BeatTakeoverTests.waitFor(30) { count() >= 3 } != nil, "no sends before the outage")
            server.kill()
            try await Task.sleep(for: .seconds(3))
            #expect(beat.process.isRunning, "the beat stopped when Redis went away")
            #expect(try await server.start())
            let before = count()
            let resumed = try await BeatTakeoverTests.waitFor(20) { count() > before }
            print(
                "beat resumed sending \(resumed.map { String(format: "%.2f s", $0) } ?? "never") after Redis came back"
            )
            #expect(resumed.map { $0 < 6 } == true)
            try await Task.sleep(for: .seconds(3))
            server.kill()
            try await Task.sleep(for: .seconds(1))
            let terminated = Date()
            beat.terminate()
            let exit = Date().timeIntervalSince(terminated)
            print("beat: SIGTERM while Redis is down: exited in \(String(format: "%.2f", exit)) s")
            #expect(exit < 2.5, "SIGTERM is promised to act within 1 s")
            #expect(beat.process.terminationStatus == 0)
            #expect(try await server.start())
            let times = try BeatTakeoverTests.sendTimes(broker)
            let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 >= 0.98 }, "a run was sent twice: gaps \(gaps)")
            #expect(times.count >= 6, "\(times.count) sends")
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            // The runtime's reconnect policy, in Celery's words: the publish waits for the new
            // connection (a run written twice is recognised by the Lua script and not sent again).
            #expect(text.contains("Connection to broker lost"), "\(text.suffix(2000))")
            #expect(text.contains("Connected to redis://127.0.0.1:\(Self.port)/0"), "\(text.suffix(2000))")
            print(
                "beat sends through the outage: \(times.count), largest gap \(String(format: "%.2f", gaps.max() ?? 0)) s"
            )
            await scratch.close()
        }
    }

    /// `sigma-worker beat` through a database outage on the real PostgreSQL: its database stops
    /// taking connections (`ALLOW_CONNECTIONS false`) and its sessions are terminated for three
    /// seconds. As django-celery-beat's scheduler, the beat goes on sending from the schedule in
    /// memory, says so once, and when the database is back the runs are written back: the row's
    /// `total_run_count` after a SIGTERM equals the messages sent.
    @Suite(
        .serialized,
        .enabled(if: TestEnvironment.python("django-5.2") != nil, "needs .venv/django-5.2 (scripts/setup-python.sh)"),
        .enabled(if: TestEnvironment.redisAvailable, "needs the test Redis (scripts/services/redis.sh)"))
    struct BeatDatabaseOutageTests {
        @Test(.timeLimit(.minutes(2)))
        func aDatabaseOutageDoesNotStopTheSendsAndTheRunsAreWrittenAfter() async throws {
            guard BeatTablesTests.postgresAvailable else { return }
            let scratch = try BeatTablesTests.Scratch(.postgresql)
            let broker = TestEnvironment.redisURL + "/5"
            _ = BeatTakeoverTests.redis(broker, ["FLUSHDB"])
            let pg = BeatTablesTests.pg
            let env = scratch.folder + "/.env"
            try """
            SIGMA_BASE_DIR=\(scratch.folder)
            DB_ENGINE=django.db.backends.postgresql
            DB_NAME=\(scratch.name)
            DB_USER=\(pg.user)
            DB_PASSWORD=\(pg.password)
            DB_HOST=\(pg.host)
            DB_PORT=\(pg.port)
            CELERY_BROKER_URL=\(broker)
            CELERY_BEAT_SYNC_EVERY=2
            """.write(toFile: env, atomically: true, encoding: .utf8)
            try scratch.create([
                [
                    "name": "cada-segundo", "task": "servicio_tecnico.pulso",
                    "interval": ["every": 1, "period": "seconds"],
                    "expire_seconds": 100,
                ]
            ])
            let log = scratch.folder + "/beat.log"
            let beat = try BeatTakeoverTests.Beat(name: "beat-db-outage", env: env, log: log)
            defer { if beat.process.isRunning { beat.kill() } }
            let count = { Int(BeatTakeoverTests.redis(broker, ["LLEN", "celery"])) ?? 0 }
            #expect(try await BeatTakeoverTests.waitFor(30) { count() >= 3 } != nil, "no sends before the outage")
            let cut = try BeatTablesTests.psql(
                """
                ALTER DATABASE \(scratch.name) ALLOW_CONNECTIONS false;
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(scratch.name)';
                """)
            #expect(cut.status == 0, "\(cut.standardError)")
            let before = count()
            try await Task.sleep(for: .seconds(3))
            let during = count() - before
            print("beat sends during a 3 s database outage: \(during)")
            #expect(during >= 2, "the beat stopped sending while the database was away")
            #expect(beat.process.isRunning)
            #expect(try BeatTablesTests.psql("ALTER DATABASE \(scratch.name) ALLOW_CONNECTIONS true").status == 0)
            try await Task.sleep(for: .seconds(3))
            beat.terminate()
            #expect(beat.process.terminationStatus == 0)
            let sent = count()
            let rows = try scratch.dump()["tasks"] as? [[String: Any]] ?? []
            let row = try #require(rows.first { ($0["name"] as? String) == "cada-segundo" })
            #expect(row["total_run_count"] as? Int == sent, "\(row) after \(sent) sends")
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(text.contains("Database gave error"), "\(text.suffix(2000))")
            #expect(text.contains("beat: the database is reachable again"), "\(text.suffix(2000))")
            await scratch.close()
        }
    }
}
