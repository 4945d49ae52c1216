import CeleryWorker
import Foundation
import SigmaTestSupport
import Testing

/// Pure parts of the command line and remote control: Celery's name expansion, option values,
/// rate limits.
@Suite struct CommandLineUnitTests {
    @Test(
        arguments: [
            (nil, "vm", "celery@vm"), ("w1@%h", "box.example.com", "w1@box.example.com"), ("w1", "vm", "celery@w1"),
            ("%h", "box.example.com", "celery@box.example.com"), ("%n@%h", "box.example.com", "box@box.example.com"),
            ("worker-%d@%h", "box.example.com", "worker-example.com@box.example.com"), ("%%h@x", "vm", "%h@x"),
        ] as [(String?, String, String)])
    func nodeNamesExpandAsCeleryExpandsThem(_ value: String?, _ machine: String, _ expected: String) throws {
        #expect(try NodeNames.nodename(value, machineHostname: machine) == expected)
    }

    @Test(
        arguments: [
            ("logs/celery-worker-%n%I.log", "celery@vm", "logs/celery-worker-celery.log"),
            ("%n%i.log", "w1@box.example.com", "w10.log"), ("%h.log", "w1@box.example.com", "box.example.com.log"),
            ("%d.log", "celery@vm", ".log"), ("%p.log", "w1@box.example.com", "w1@box.example.com.log"),
            ("w-%n.pid", "celery@vm", "w-celery.pid"), ("100%%-%n.log", "celery@vm", "100%-celery.log"),
        ])
    func fileNamesExpandAgainstTheNodeName(_ pattern: String, _ node: String, _ expected: String) throws {
        #expect(try NodeNames.fileName(pattern, nodename: node) == expected)
    }

    @Test func unknownPlaceholdersAreRefused() {
        #expect(throws: NodeNames.UnknownKey.self) { try NodeNames.nodename("w1@%z", machineHostname: "vm") }
        #expect(throws: NodeNames.UnknownKey.self) { try NodeNames.fileName("%q.log", nodename: "celery@vm") }
    }

    @Test func concurrencyZeroAndAutoAreTheCPUCount() throws {
        #expect(try WorkerOptionValues.concurrency("0", cpus: 6) == 6)
        #expect(try WorkerOptionValues.concurrency("auto", cpus: 6) == 6)
        #expect(try WorkerOptionValues.concurrency("", cpus: 6) == 6)
        #expect(try WorkerOptionValues.concurrency("4", cpus: 6) == 4)
        let error = #expect(throws: WorkerOptionValues.Invalid.self) {
            try WorkerOptionValues.concurrency("abc", cpus: 2)
        }
        #expect(
            error?.description
                == "Invalid value for '-c' / '--concurrency': must be a non-negative integer or 'auto', got 'abc'")
        #expect(throws: WorkerOptionValues.Invalid.self) { try WorkerOptionValues.concurrency("-1", cpus: 2) }
    }

    @Test func autoscaleIsSortedAndValidated() throws {
        #expect(try WorkerOptionValues.autoscale("4,1") == (4, 1))
        #expect(try WorkerOptionValues.autoscale("1,4") == (4, 1))
        #expect(try WorkerOptionValues.autoscale("3") == (3, 0))
        #expect(throws: WorkerOptionValues.Invalid.self) { try WorkerOptionValues.autoscale("x") }
        #expect(throws: WorkerOptionValues.Invalid.self) { try WorkerOptionValues.autoscale("a,b") }
        #expect(throws: WorkerOptionValues.Invalid.self) { try WorkerOptionValues.autoscale("1,2,3") }
    }

    @Test func logLevelsAndPoolsAreCeleryChoices() throws {
        #expect(try WorkerOptionValues.logLevel("info") == "INFO")
        #expect(try WorkerOptionValues.logLevel("warn") == "WARNING")
        let error = #expect(throws: WorkerOptionValues.Invalid.self) { try WorkerOptionValues.logLevel("foo") }
        #expect(error?.description.contains("'FOO' is not one of 'DEBUG', 'INFO'") == true)
        #expect(try WorkerOptionValues.pool("threads") == .threads)
        #expect(try WorkerOptionValues.pool("solo") == .solo)
        #expect(throws: WorkerOptionValues.Invalid.self) { try WorkerOptionValues.pool("bogus") }
        #expect(try WorkerOptionValues.umask("0o22") == 0o22 && WorkerOptionValues.umask("027") == 0o27)
    }

    @Test func rateLimitsParseAsCeleryParsesThem() throws {
        #expect(try RateLimit.parse("10/m")?.perSecond == 10.0 / 60)
        #expect(try RateLimit.parse("2")?.perSecond == 2)
        #expect(try RateLimit.parse("7200/h")?.perSecond == 2)
        #expect(try RateLimit.parse(nil) == nil && RateLimit.parse("") == nil && RateLimit.parse("0") == nil)
        let bad = #expect(throws: RateLimit.Invalid.self) { try RateLimit.parse("abc") }
        #expect(bad?.exceptionRepr == "ValueError(\"could not convert string to float: 'abc'\")")
        let unit = #expect(throws: RateLimit.Invalid.self) { try RateLimit.parse("5/x") }
        #expect(unit?.exceptionRepr == "KeyError('x')")
    }

    @Test func theTokenBucketSpacesStarts() throws {
        var bucket = RateLimit.Bucket(limit: try #require(try RateLimit.parse("2/s")))
        #expect(bucket.take(now: 100) == 0)
        #expect(abs(bucket.take(now: 100.1) - 0.4) < 1e-9)
        #expect(bucket.take(now: 100.5) == 0)
    }
}

/// The command line and every remote-control command for real: the built binary, the real
/// Python client, the test Redis.
@Suite(
    .serialized, .enabled(if: TestEnvironment.celeryInteropAvailable, "needs the Celery venvs and the test Redis"),
    .timeLimit(.minutes(4))
)
struct OperationsCommandTests {
    static var broker: String { TestEnvironment.redisURL + "/9" }

    func start(_ arguments: [String] = []) async throws -> WorkerProcess {
        try #require(
            FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path), "build sigma-worker first")
        let worker = try WorkerProcess(arguments: arguments, broker: Self.broker)
        #expect(try await worker.waitForLog(" ready."), "log: \(worker.logText)")
        return worker
    }

    /// Sends one command and returns this node's reply (nil when it did not reply).
    func control(_ worker: WorkerProcess, _ command: String, _ arguments: [String: Any] = [:], reply: Bool = true)
        async throws -> Any?
    {
        let out = try await WorkerHarness.client(
            "broadcast",
            ["node": "\(worker.queue)@localhost", "command": command, "arguments": arguments, "reply": reply],
            queue: worker.queue, broker: Self.broker)
        let replies = out["reply"] as? [[String: Any]] ?? []
        return replies.first?["\(worker.queue)@localhost"] ?? (replies.isEmpty ? nil : NSNull())
    }

    func send(_ worker: WorkerProcess, _ task: String, _ args: [Any], queue: String? = nil) async throws -> String {
        let out = try await WorkerHarness.client(
            "send", ["task": task, "args": args], queue: queue ?? worker.queue, broker: Self.broker)
        return out["id"] as? String ?? ""
    }

    func result(_ worker: WorkerProcess, _ id: String, timeout: Double = 20) async throws -> [String: Any] {
        try await WorkerHarness.client("get", ["id": id, "timeout": timeout], queue: worker.queue, broker: Self.broker)
    }

    func poolSize(_ worker: WorkerProcess) async throws -> Int? {
        let stats = try await control(worker, "stats") as? [String: Any]
        let pool = stats?["pool"] as? [String: Any]
        #expect((pool?["processes"] as? [Int])?.count == pool?["max-concurrency"] as? Int)
        return pool?["max-concurrency"] as? Int
    }

    @Test func poolGrowAndShrinkChangeTheSlotsLive() async throws {
        let worker = try await start()
        #expect(try await poolSize(worker) == 2)
        #expect(try await control(worker, "pool_grow", ["n": 2]) as? [String: String] == ["ok": "pool will grow"])
        #expect(try await poolSize(worker) == 4)
        // Four 1 s tasks at once finish in about a second with four slots.
        let started = Date()
        var ids: [String] = []
        for _ in 0..<4 { ids.append(try await send(worker, "t.integration.tasks.sleeping", [1])) }
        for id in ids { #expect(try await result(worker, id)["state"] as? String == "SUCCESS") }
        let seconds = Date().timeIntervalSince(started)
        print("four 1 s tasks on a grown pool of 4: \(seconds) s (including the client's start-up)")
        #expect(try await control(worker, "pool_shrink", ["n": 3]) as? [String: String] == ["ok": "pool will shrink"])
        #expect(try await poolSize(worker) == 1)
        let refused = try await control(worker, "autoscale", ["max": 4, "min": 1]) as? [String: String]
        #expect(refused == ["error": "ValueError('Autoscale not enabled')"])
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    @Test func autoscaleAnswersAsCeleryDoes() async throws {
        let worker = try await start(["--autoscale", "3,1"])
        #expect(try await poolSize(worker) == 3)
        let stats = try await control(worker, "stats") as? [String: Any]
        #expect((stats?["autoscaler"] as? [String: Any])?["max"] as? Int == 3)
        #expect(
            try await control(worker, "autoscale", ["max": 5, "min": 2]) as? [String: String]
                == ["ok": "autoscale now max=5 min=2"])
        #expect(try await poolSize(worker) == 5)
        let grow = try await control(worker, "pool_grow") as? [String: String]
        #expect(grow?["error"] == "pool_grow is not supported with autoscale. Adjust autoscale range instead.")
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    @Test func addAndCancelConsumerChangeTheQueuesLive() async throws {
        let worker = try await start()
        let extra = worker.queue + "-extra"
        #expect(
            try await control(worker, "add_consumer", ["queue": extra]) as? [String: String]
                == ["ok": "add consumer \(extra)"])
        let id = try await send(worker, "t.integration.tasks.add", [1, 2], queue: extra)
        #expect(try await result(worker, id)["value"] as? Int == 3, "a task on the added queue runs")
        let queues = try await control(worker, "active_queues") as? [[String: Any]]
        #expect(queues?.compactMap { $0["name"] as? String }.contains(extra) == true)
        #expect(
            try await control(worker, "cancel_consumer", ["queue": extra]) as? [String: String]
                == ["ok": "no longer consuming from \(extra)"])
        try await Task.sleep(nanoseconds: 1_500_000_000)
        _ = try await send(worker, "t.integration.tasks.add", [1, 2], queue: extra)
        try await Task.sleep(nanoseconds: 2_000_000_000)
        #expect(try await WorkerHarness.redis(["LLEN", extra], url: Self.broker) == "1", "not consumed any more")
        _ = try await WorkerHarness.redis(["DEL", extra], url: Self.broker)
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    @Test func rateLimitSpacesTheStartsOfATaskType() async throws {
        let worker = try await start()
        #expect(
            try await control(worker, "rate_limit", ["task_name": "t.integration.tasks.add", "rate_limit": "abc"])
                as? [String: String]
                == ["error": "Invalid rate limit string: ValueError(\"could not convert string to float: 'abc'\")"])
        #expect(
            try await control(worker, "rate_limit", ["task_name": "nope", "rate_limit": "1/s"]) as? [String: String]
                == ["error": "unknown task"])
        #expect(
            try await control(worker, "rate_limit", ["task_name": "t.integration.tasks.add", "rate_limit": "2/s"])
                as? [String: String] == ["ok": "new rate limit set successfully"])
        var ids: [String] = []
        for index in 0..<5 { ids.append(try await send(worker, "t.integration.tasks.add", [index, 0])) }
        for id in ids { #expect(try await result(worker, id)["state"] as? String == "SUCCESS") }
        // 5 starts at 2/s: the last starts at least 2 s after the first.
        let log = worker.logText
        let times = log.split(separator: "\n").filter {
            $0.contains("t.integration.tasks.add[") && $0.contains("succeeded")
        }
        .compactMap { line -> Double? in
            let stamp = line.dropFirst().prefix(23)  // 2026-12-02 00:50:00,712
            let parts = stamp.split(separator: " ").last?.split(whereSeparator: { $0 == ":" || $0 == "," })
            guard let parts, parts.count == 4, let h = Double(parts[0]), let m = Double(parts[1]),
                let s = Double(parts[2]), let ms = Double(parts[3])
            else { return nil }
            return h * 3600 + m * 60 + s + ms / 1000
        }
        #expect(times.count == 5, "log: \(log)")
        if let first = times.min(), let last = times.max() {
            print("5 tasks at rate_limit 2/s: first to last finish \(last - first) s")
            #expect(last - first >= 1.8)
        }
        #expect(
            try await control(worker, "rate_limit", ["task_name": "t.integration.tasks.add", "rate_limit": 0])
                as? [String: String] == ["ok": "rate limit disabled successfully"])
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    @Test(arguments: ["terminate", "revoke"])
    func terminatingARunningTaskStoresRevokedTerminated(_ command: String) async throws {
        let worker = try await start()
        let id = try await send(worker, "t.integration.tasks.sleeping", [30])
        #expect(try await worker.waitForLog("[\(id)] received"))
        try await Task.sleep(nanoseconds: 500_000_000)
        let arguments: [String: Any] =
            command == "terminate" ? ["task_id": id, "signal": "SIGTERM"] : ["task_id": id, "terminate": true]
        #expect(try await control(worker, command, arguments) as? [String: String] == ["ok": "terminate: \(id)"])
        let done = try await result(worker, id, timeout: 10)
        #expect(done["state"] as? String == "REVOKED", "\(done); log: \(worker.logText)")
        let meta = try await WorkerHarness.redis(["GET", "celery-task-meta-\(id)"], url: WorkerHarness.backendURL)
        #expect(meta.contains("terminated"), "\(meta)")
        #expect(
            try await control(
                worker, "terminate", ["task_id": "00000000-0000-0000-0000-000000000000", "signal": "TERM"])
                as? [String: String] == ["ok": "terminate: tasks unknown"])
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    /// As Celery 5.7: a revoked id that is not running here and still PENDING is stored REVOKED at
    /// once; a finished task keeps its SUCCESS.
    @Test func revokeMarksPendingIdsRevokedAndLeavesFinishedOnes() async throws {
        let worker = try await start()
        let pending = UUID().uuidString.lowercased()
        let done = try await send(worker, "t.integration.tasks.add", [2, 2])
        #expect(try await result(worker, done)["value"] as? Int == 4)
        #expect(
            try await control(worker, "revoke", ["task_id": [pending, done]]) as? [String: String] != nil)
        let backend = WorkerHarness.backendURL
        #expect(
            try await WorkerHarness.wait(timeout: 10) {
                try await WorkerHarness.redis(["GET", "celery-task-meta-\(pending)"], url: backend).contains("REVOKED")
            })
        let meta = try await WorkerHarness.redis(["GET", "celery-task-meta-\(pending)"], url: backend)
        #expect(meta.contains("TaskRevokedError") && meta.contains("revoked"), "\(meta)")
        let finished = try await WorkerHarness.redis(["GET", "celery-task-meta-\(done)"], url: backend)
        #expect(finished.contains("SUCCESS"), "\(finished)")
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    /// Every command of Celery 5.7's `celery/worker/control.py` answers (or stays silent) as
    /// Celery does; none answers KeyError.
    @Test func noCommandAnswersKeyError() async throws {
        let worker = try await start()
        let commands: [(String, [String: Any])] = [
            ("report", [:]), ("memsample", [:]), ("memdump", [:]), ("objgraph", [:]), ("pool_restart", [:]),
            ("election", ["id": "e1", "topic": "t", "action": "a"]),
            ("revoke_by_stamped_headers", ["headers": ["k": "v"]]),
            ("dump_conf", [:]), ("dump_tasks", [:]), ("dump_active", [:]), ("dump_reserved", [:]),
            ("dump_schedule", [:]), ("dump_revoked", [:]), ("heartbeat", [:]), ("clock", [:]), ("ping", [:]),
            ("enable_events", [:]), ("disable_events", [:]), ("active_queues", [:]), ("stats", [:]),
        ]
        for (command, arguments) in commands {
            let reply = try await control(worker, command, arguments)
            let text = "\(reply ?? "no reply")"
            #expect(!text.contains("KeyError"), "\(command): \(text)")
            print("\(command): \(text.prefix(160))")
        }
        #expect(
            try await control(worker, "pool_restart") as? [String: String] == [
                "error": "ValueError('Pool restarts not enabled')"
            ])
        #expect(
            try await control(worker, "objgraph") as? [String: String] == [
                "error": "ImportError('Requires the objgraph library')"
            ])
        #expect(try await control(worker, "heartbeat") is NSNull, "heartbeat replies None when asked")
        #expect(try await control(worker, "heartbeat", reply: false) == nil, "and nothing otherwise")
        #expect((try await control(worker, "memsample") as? String)?.hasSuffix("MB") == true)
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    /// A failure's log line is followed by a Python-format traceback naming where the task raised.
    @Test func aFailureIsLoggedWithItsTraceback() async throws {
        let worker = try await start()
        let id = try await send(worker, "t.integration.tasks.fail", [])
        #expect(try await result(worker, id)["state"] as? String == "FAILURE")
        #expect(try await worker.waitForLog("raised unexpected"))
        let log = worker.logText
        let line = log.range(of: "] Task t.integration.tasks.fail[\(id)] raised unexpected: ")
        #expect(line != nil, "log: \(log)")
        if let line {
            let after = log[line.upperBound...]
            #expect(
                after.contains(
                    "\nTraceback (most recent call last):\n  File \"CeleryTestTasks/IntegrationTasks.swift\", line "),
                "\(after.prefix(400))")
            #expect(after.contains("ExpectedException: Task expected to fail"), "\(after.prefix(400))")
        }
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    @Test func theCommandLineRefusesBadValuesAsCeleryDoes() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path))
        let cases: [([String], String)] = [
            (["worker", "-c", "abc"], "Invalid value for '-c' / '--concurrency'"),
            (["worker", "--loglevel=foo"], "'FOO' is not one of"),
            (["worker", "--autoscale=x"], "Invalid value for '--autoscale'"),
            (["worker", "-P", "bogus"], "'bogus' is not one of 'prefork'"),
            (["worker", "-n", "w1@%z"], "unknown placeholder %z"),
            (["worker", "--time-limit=abc"], "Invalid value for '--time-limit'"),
        ]
        for (arguments, message) in cases {
            let run = try await ProcessRunner.run(WorkerProcess.binary.path, arguments, timeout: 20)
            #expect(run.status == 2, "\(arguments): \(run.status)")
            #expect(run.standardError.contains(message), "\(arguments): \(run.standardError)")
            #expect(!run.standardError.contains("NSCocoaErrorDomain") && !run.standardError.contains("Error Domain"))
        }
        let version = try await ProcessRunner.run(WorkerProcess.binary.path, ["--version"], timeout: 20)
        #expect(version.status == 0 && version.standardOutput.hasPrefix("sigma-worker "))
        let unwritable = try await ProcessRunner.run(
            WorkerProcess.binary.path, ["worker", "--logfile", "/nonexistent/x/w.log"], timeout: 20)
        #expect(unwritable.status == 2 && unwritable.standardError.contains("No such file or directory"))
        #expect(!unwritable.standardError.contains("Domain"))
    }

    /// SIGMA's own line: `-A config` before `worker`, `%n%I` in the log name, `-c 0`, a pidfile.
    @Test func sigmasCommandLineNamesItsFilesAsCeleryDoes() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = WorkerProcess.binary
        process.currentDirectoryURL = folder
        process.arguments = [
            "-A", "config", "-b", Self.broker, "worker", "--concurrency=0", "--max-tasks-per-child=100",
            "--loglevel=info", "--logfile=logs/celery-worker-%n%I.log", "--pidfile", "w-%n.pid",
            "--without-sigma-tasks",
        ]
        process.environment = ["PATH": "/usr/bin:/bin", "CELERY_RESULT_BACKEND": WorkerHarness.backendURL]
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let log = folder.appendingPathComponent("logs/celery-worker-celery.log").path
        #expect(
            try await WorkerHarness.wait(timeout: 20) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains(" ready.")
            },
            "logs/celery-worker-celery.log exists: \((try? FileManager.default.contentsOfDirectory(atPath: folder.path + "/logs")) ?? [])"
        )
        let pid = try String(contentsOfFile: folder.appendingPathComponent("w-celery.pid").path, encoding: .utf8)
        #expect(pid == "\(process.processIdentifier)\n")
        #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("Connected to redis://:**@"))
        kill(process.processIdentifier, SIGTERM)
        #expect(try await WorkerHarness.wait(timeout: 15) { !process.isRunning })
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("w-celery.pid").path))
    }
}
