import CeleryWire
import CeleryWorker
import Foundation
import SigmaTestSupport
import Synchronization
import Testing

/// The real Python Celery client talks to sigma-worker through a real Redis and cannot tell it
/// from `celery worker`.
@Suite(
    .serialized, .enabled(if: TestEnvironment.celeryInteropAvailable, "needs the Celery venvs and the test Redis"),
    .timeLimit(.minutes(3))
)
struct WorkerInteropTests {
    @Test(arguments: ["celery-5.3", "celery-5.7"])
    func delayThenGetReturnsTheValue(_ python: String) async throws {
        let harness = try WorkerHarness()
        let out = try await harness.client(
            "call", ["task": "t.integration.tasks.add", "args": [2, 3]], python: python)
        #expect(out["outcome"] as? String == "value")
        #expect(out["value"] as? Int == 5)
        let ids = try await harness.client("call", ["task": "t.integration.tasks.ids", "args": [7]], python: python)
        // (root_id, parent_id, i), as Celery's `ids` returns it.
        let value = ids["value"] as? [Any]
        #expect(value?.first as? String == ids["id"] as? String)
        #expect(value?.last as? Int == 7)
        try await harness.stop()
    }

    @Test func failureRaisesTheNamedException() async throws {
        let harness = try WorkerHarness()
        let out = try await harness.client("call", ["task": "t.integration.tasks.fail"])
        #expect(out["outcome"] as? String == "raised")
        #expect(out["exc_class"] as? String == "ExpectedException")
        #expect(out["exc_args"] as? [String] == ["Task expected to fail"])
        let typeError = try await harness.client("call", ["task": "t.integration.tasks.add", "args": [1]])
        #expect(typeError["exc_class"] as? String == "TypeError")
        #expect((typeError["exc_args"] as? [String])?.first == "add() missing 1 required positional argument: 'y'")
        try await harness.stop()
    }

    @Test func retryWithCountdownThenSuccessOrFailure() async throws {
        let harness = try WorkerHarness()
        let once = try await harness.client(
            "states", ["task": "t.integration.tasks.retry_once", "kwargs": ["countdown": 0.5]])
        #expect(once["value"] as? Int == 1)
        #expect((once["elapsed"] as? Double ?? 0) >= 0.5)
        #expect((once["seen"] as? [String])?.contains("RETRY") == true)
        let exhausted = try await harness.client(
            "states", ["task": "sigma.test.retry_always", "kwargs": ["countdown": 0.2]])
        #expect(exhausted["outcome"] as? String == "raised")
        #expect(exhausted["exc_class"] as? String == "ExpectedException")
        #expect((exhausted["seen"] as? [String])?.filter { $0 == "RETRY" }.count == 2)
        try await harness.stop()
    }

    @Test func resultsAreStoredAfterTheScriptCacheIsFlushed() async throws {
        let harness = try WorkerHarness()
        let first = try await harness.client("call", ["task": "t.integration.tasks.add", "args": [1, 1]])
        #expect(first["value"] as? Int == 2)
        // A restarted Redis has forgotten the result script: EVALSHA fails, EVAL loads it again.
        _ = try await WorkerHarness.redis(["SCRIPT", "FLUSH"], url: WorkerHarness.backendURL)
        let second = try await harness.client("call", ["task": "t.integration.tasks.add", "args": [2, 2]])
        #expect(second["value"] as? Int == 4)
        let third = try await harness.client("call", ["task": "t.integration.tasks.add", "args": [3, 3]])
        #expect(third["value"] as? Int == 6)
        try await harness.stop()
    }

    /// More of Celery's own integration tasks, with their names and results.
    @Test func celerySuiteTasksAnswerAsCelerysDo() async throws {
        let harness = try WorkerHarness()
        #expect(
            try await harness.client("call", ["task": "t.integration.tasks.tsum", "args": [[1, 2, 3]]])["value"] as? Int
                == 6)
        let delayed = try await harness.client(
            "call", ["task": "t.integration.tasks.delayed_sum", "args": [[1, 2]], "kwargs": ["pause_time": 0.1]])
        #expect(delayed["value"] as? Int == 3)
        let guarded = try await harness.client(
            "call",
            [
                "task": "t.integration.tasks.delayed_sum_with_soft_guard", "args": [[1, 2]],
                "kwargs": ["pause_time": 5],
                "options": ["soft_time_limit": 0.3],
            ])
        #expect(guarded["value"] as? Int == 0)
        let raised = try await harness.client("call", ["task": "t.integration.tasks.raise_error", "args": [1]])
        #expect(raised["exc_class"] as? String == "ValueError")
        #expect(raised["exc_args"] as? [String] == ["deliberate error"])
        let priority = try await harness.client(
            "call", ["task": "t.integration.tasks.retry_once_priority", "options": ["priority": 7]])
        #expect(priority["value"] as? Int == 7)
        let collected = try await harness.client(
            "call", ["task": "t.integration.tasks.collect_ids", "args": ["r", 2]])
        #expect((collected["value"] as? [Any])?.first as? String == "r")
        let ignored = try await harness.client(
            "call", ["task": "t.integration.tasks.add_ignore_result", "args": [1, 2], "timeout": 1])
        #expect(ignored["exc_class"] as? String == "TimeoutError")
        // Celery's suite reaches its Redis through REDIS_HOST / REDIS_PORT (the worker's environment).
        let key = "sigma-count-\(UUID().uuidString.prefix(8))"
        setenv("REDIS_HOST", URL(string: TestEnvironment.redisURL)?.host ?? "127.0.0.1", 1)
        setenv("REDIS_PORT", "\(URL(string: TestEnvironment.redisURL)?.port ?? 6390)", 1)
        let counted = try await harness.client(
            "call", ["task": "t.integration.tasks.redis_count", "kwargs": ["redis_key": key]])
        #expect(counted["outcome"] as? String == "value")
        #expect(try await WorkerHarness.redis(["GET", key]) == "1")
        _ = try await WorkerHarness.redis(["DEL", key])
        try await harness.stop()
    }

    @Test func countdownAndExpiresAreHonoured() async throws {
        let harness = try WorkerHarness()
        let delayed = try await harness.client(
            "call", ["task": "t.integration.tasks.add", "args": [2, 3], "options": ["countdown": 1.5]])
        #expect(delayed["value"] as? Int == 5)
        #expect((delayed["elapsed"] as? Double ?? 0) >= 1.4)
        let expired = try await harness.client(
            "call", ["task": "t.integration.tasks.add", "args": [2, 3], "options": ["expires": -5]])
        #expect(expired["exc_class"] as? String == "TaskRevokedError")
        #expect(expired["state"] as? String == "REVOKED")
        try await harness.stop()
    }

    @Test func unknownTasksAndMalformedMessagesLeaveTheWorkerRunning() async throws {
        let harness = try WorkerHarness()
        let unknown = try await harness.client("call", ["task": "no.such.task", "timeout": 10])
        #expect(unknown["exc_class"] as? String == "NotRegistered")
        for payload in ["not json at all", "{\"body\": 5}", "[1, 2]", "{\"truncated\": ", "\u{7F}\u{1}garbage"] {
            _ = try await harness.client("raw", ["payload": payload])
        }
        let pickled = try await harness.client("pickle", ["task": "t.integration.tasks.add", "args": [1, 2]])
        let refused = try await harness.client("get", ["id": pickled["id"] as? String ?? "", "timeout": 10])
        #expect(refused["exc_class"] as? String == "ContentDisallowed")
        let after = try await harness.client("call", ["task": "t.integration.tasks.add", "args": [20, 22]])
        #expect(after["value"] as? Int == 42)
        #expect(try await WorkerHarness.redis(["LLEN", harness.queue]) == "0")
        try await harness.stop()
    }

    /// `celery inspect` / `celery control` / `app.control`: the real client's broadcasts reach the
    /// worker through the pidbox channel and the replies come back on the client's reply queue.
    @Test func remoteControlAnswersTheCeleryClient() async throws {
        let node = "sigma-\(UUID().uuidString.prefix(8).lowercased())@test"
        let harness = try WorkerHarness { $0.hostname = node }
        let sent = try await harness.client(
            "send", ["task": "t.integration.tasks.add", "args": [1, 2], "options": ["countdown": 60]])
        let scheduledID = try #require(sent["id"] as? String)
        #expect(try await waitForReservation(ofTaskID: scheduledID) != nil)
        let out = try await harness.client("control", ["node": node, "ids": [scheduledID], "timeout": 3])
        #expect((out["ping"] as? [[String: [String: String]]]) == [[node: ["ok": "pong"]]])
        #expect((out["ping_elsewhere"] as? [Any])?.isEmpty == true)
        #expect((out["ping_glob"] as? [[String: Any]])?.contains { $0[node] != nil } == true)
        let stats = (out["stats"] as? [String: Any])?[node] as? [String: Any]
        #expect(stats?["pid"] as? Int == Int(getpid()))
        #expect((stats?["pool"] as? [String: Any])?["max-concurrency"] as? Int == 4)
        #expect(
            ((out["registered"] as? [String: Any])?[node] as? [String])?.contains("t.integration.tasks.add") == true)
        let queues = (out["active_queues"] as? [String: Any])?[node] as? [[String: Any]]
        #expect(queues?.first?["name"] as? String == harness.queue)
        #expect(((out["reserved"] as? [String: Any])?[node] as? [Any])?.isEmpty == true)
        let scheduled = (out["scheduled"] as? [String: Any])?[node] as? [[String: Any]]
        #expect((scheduled?.first?["request"] as? [String: Any])?["id"] as? String == scheduledID)
        #expect((scheduled?.first?["request"] as? [String: Any])?["args"] as? [Int] == [1, 2])
        let query = (out["query_task"] as? [String: Any])?[node] as? [String: [Any]]
        #expect(query?[scheduledID]?.first as? String == "scheduled")
        #expect((out["unknown"] as? [[String: [String: String]]]) == [[node: ["error": "KeyError('no_such_method')"]]])
        let conf = (out["conf"] as? [String: Any])?[node] as? [String: Any]
        #expect(conf?["task_default_queue"] as? String == harness.queue)
        #expect(conf?["worker_concurrency"] == nil, "as Celery's conf: -c is not a setting")
        #expect((conf?["broker_url"] as? String)?.hasPrefix("redis://:**@") == true, "masked as kombu masks it")
        #expect(
            (out["time_limit"] as? [[String: [String: String]]]) == [[node: ["ok": "time limits set successfully"]]])
        #expect((out["limited"] as? [String: Any])?["exc_class"] as? String == "SoftTimeLimitExceeded")

        // app.control.revoke(id) before the message arrives: the task ends REVOKED.
        let revokedID = UUID().uuidString.lowercased()
        _ = try await harness.client("revoke", ["id": revokedID])
        try await Task.sleep(nanoseconds: 300_000_000)
        let revoked = try await harness.client(
            "call", ["task": "t.integration.tasks.add", "args": [1, 1], "options": ["task_id": revokedID]])
        #expect(revoked["exc_class"] as? String == "TaskRevokedError")
        try await harness.stop()
    }

    /// Chords from both client versions: the header tasks join on the Redis backend and the body
    /// runs with their results; a failing header task fails the body with `ChordError`.
    @Test(arguments: ["celery-5.3", "celery-5.7"])
    func chordsJoinAndRunTheirBody(_ python: String) async throws {
        let harness = try WorkerHarness()
        let joined = try await harness.client("chord", ["n": 4, "timeout": 20], python: python)
        #expect(joined["value"] as? Int == 12)
        #expect(joined["body_state"] as? String == "SUCCESS")
        let failed = try await harness.client("chord", ["n": 2, "fail": true, "timeout": 20], python: python)
        #expect(failed["outcome"] as? String == "raised")
        #expect(failed["body_state"] as? String == "FAILURE")
        #expect(failed["body_result"] as? String == "ChordError")
        #expect((failed["body_message"] as? String)?.hasPrefix("Dependency ") == true)
        #expect((failed["body_message"] as? String)?.contains("ExpectedException") == true)
        try await harness.stop()
    }

    /// Flower's view: `events.Receiver` sees the worker's heartbeats and, with task events on,
    /// a task's received / started / succeeded events.
    @Test func eventsReachCeleryEventReceivers() async throws {
        let node = "events-\(UUID().uuidString.prefix(8).lowercased())@test"
        let harness = try WorkerHarness {
            $0.hostname = node
            $0.sendTaskEvents = true
        }
        let out = try await harness.client("events", ["seconds": 3, "timeout": 10])
        #expect(out["value"] as? Int == 5)
        let types = out["types"] as? [String] ?? []
        #expect(types.contains("worker-heartbeat"), "\(types)")
        #expect(types.contains("task-received") && types.contains("task-started"), "\(types)")
        let succeeded = out["succeeded"] as? [String: Any]
        #expect(succeeded?["result"] as? String == "5")
        #expect(succeeded?["hostname"] as? String == node)
        #expect((out["hostnames"] as? [String])?.contains(node) == true)
        try await harness.stop()
    }

    /// A corpus of hostile messages (mutations of every captured message) ahead of a real task:
    /// the worker keeps running, the task after them succeeds, and nothing is left behind in the
    /// queue or in `unacked`.
    @Test(arguments: [1, 2])
    func hostileMessagesLeaveNothingBehind(_ seed: Int) async throws {
        let broker = TestEnvironment.redisURL + "/6"
        _ = try await WorkerHarness.redis(["FLUSHDB"], url: broker)
        let harness = try WorkerHarness(broker: broker)
        let fixtures = TestEnvironment.repositoryRoot.appendingPathComponent("Fixtures/celery-5.7").path
        let out = try await harness.client(
            "hostile", ["fixtures": fixtures, "count": 300, "seed": seed, "timeout": 60], broker: broker)
        #expect(out["pushed"] as? Int == 300)
        #expect(out["value"] as? Int == 42, "\(out)")
        try await harness.stop()
        #expect(try await WorkerHarness.redis(["LLEN", harness.queue], url: broker) == "0")
        #expect(try await WorkerHarness.redis(["HLEN", "unacked"], url: broker) == "0")
        #expect(try await WorkerHarness.redis(["ZCARD", "unacked_index"], url: broker) == "0")
    }

    @Test func forwardUnknownPushesTheEnvelopeUnchanged() async throws {
        let target = "forward-\(UUID().uuidString.prefix(8))"
        let harness = try WorkerHarness { $0.forwardUnknownQueue = target }
        let sent = try await harness.client("send", ["task": "python.only.task", "args": [1]])
        #expect(try await WorkerHarness.wait { try await WorkerHarness.redis(["LLEN", target]) == "1" })
        let raw = try await WorkerHarness.redis(["LINDEX", target, "0"])
        let request = try TaskRequest.decode(Array(raw.utf8))
        #expect(request.id == sent["id"] as? String && request.task == "python.only.task")
        _ = try await WorkerHarness.redis(["DEL", target])
        try await harness.stop()
    }

    @Test func warmShutdownRequeuesReservedMessages() async throws {
        let harness = try WorkerHarness { $0.concurrency = 1 }
        let slow = try await harness.client("send", ["task": "t.integration.tasks.sleeping", "args": [6]])
        var ids: [String] = []
        for index in 0..<3 {
            ids.append(
                try await harness.client("send", ["task": "t.integration.tasks.add", "args": [index, 1]])["id"]
                    as? String ?? "")
        }
        let eta = try await harness.client(
            "send", ["task": "t.integration.tasks.add", "args": [9, 9], "options": ["countdown": 60]])
        // Everything reserved (sleeping running, 3 waiting, 1 ETA) and nothing left in the queue.
        var reserved = true
        for id in ids + [eta["id"] as? String ?? ""] {
            reserved = try await waitForReservation(ofTaskID: id) != nil && reserved
        }
        #expect(reserved)
        try await harness.stop()
        let slowDone = try await harness.client("get", ["id": slow["id"] as? String ?? "", "timeout": 5])
        #expect(slowDone["state"] as? String == "SUCCESS")
        let queued = try await WorkerHarness.redis(["LLEN", harness.queue])
        let unacked = try await WorkerHarness.redis(["HLEN", "unacked"])
        #expect(queued == "4", "queue \(queued), unacked \(unacked)")
        let restored = try await WorkerHarness.redis(["LRANGE", harness.queue, "0", "-1"]).split(separator: "\n")
        for line in restored {
            let request = try TaskRequest.decode(Array(line.utf8))
            #expect(request.redelivered)
            #expect((ids + [eta["id"] as? String ?? ""]).contains(request.id))
        }
        _ = try await WorkerHarness.redis(["DEL", harness.queue])
    }

    @Test func visibilitySweepRestoresAbandonedReservations() async throws {
        let queue = "sweep-\(UUID().uuidString.prefix(8))"
        var message = TaskMessage(task: "t.integration.tasks.add", args: [40, 2], routingKey: queue)
        message.id = TaskMessage.newID()
        let envelope = String(decoding: message.encoded(), as: UTF8.self)
        let value = "[\(envelope), \"\", \"\(queue)\"]"
        _ = try await WorkerHarness.redis(["HSET", "unacked", message.deliveryTag, value])
        _ = try await WorkerHarness.redis([
            "ZADD", "unacked_index", String(Date().timeIntervalSince1970 - 100), message.deliveryTag,
        ])
        let harness = try WorkerHarness(queue: queue) { $0.visibilityTimeout = 30 }
        let out = try await harness.client("get", ["id": message.id, "timeout": 15])
        #expect(out["value"] as? Int == 42)
        #expect(try await WorkerHarness.redis(["HEXISTS", "unacked", message.deliveryTag]) == "0")
        try await harness.stop()
    }

    @Test func pythonWorkerRestoresWhatSigmaWorkerHeld() async throws {
        let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/sigma-worker")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the sigma-worker product first")
        let queue = "mixed-\(UUID().uuidString.prefix(8))"
        let process = Process()
        process.executableURL = binary
        process.arguments = ["worker", "--include-test-tasks", "-Q", queue, "-c", "1"]
        process.environment = [
            "CELERY_BROKER_URL": WorkerHarness.brokerURL, "CELERY_RESULT_BACKEND": WorkerHarness.backendURL,
            "PATH": "/usr/bin:/bin",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let sent = try await WorkerHarness.client(
            "send", ["task": "t.integration.tasks.add", "args": [1, 2], "options": ["countdown": 3]], queue: queue)
        let tag = try #require(try await waitForReservation(ofTaskID: sent["id"] as? String ?? ""))
        kill(process.processIdentifier, SIGKILL)  // a crash: nothing is restored
        #expect(try await WorkerHarness.wait(timeout: 10) { !process.isRunning })
        #expect(try await WorkerHarness.redis(["HEXISTS", "unacked", tag]) == "1")
        // A Python worker with a short visibility timeout sweeps the abandoned reservation back
        // to the queue and runs it.
        let celery = try pythonWorker(queue: queue, visibilityTimeout: 1)
        try await Task.sleep(nanoseconds: 1_200_000_000)
        try celery.run()
        defer { if celery.isRunning { kill(celery.processIdentifier, SIGKILL) } }
        let out = try await WorkerHarness.client(
            "get", ["id": sent["id"] as? String ?? "", "timeout": 40], queue: queue)
        #expect(out["value"] as? Int == 3)
        // The Python worker is killed by the deferred SIGKILL: its warm shutdown does not end
        // within a bounded time here (and is not what this test is about).
    }

    @Test func sigmaWorkerRestoresWhatAPythonWorkerHeld() async throws {
        let queue = "mixed2-\(UUID().uuidString.prefix(8))"
        let celery = try pythonWorker(queue: queue)
        try celery.run()
        let sent = try await WorkerHarness.client(
            "send", ["task": "t.integration.tasks.add", "args": [5, 6], "options": ["countdown": 2]], queue: queue)
        let tag = try #require(try await waitForReservation(ofTaskID: sent["id"] as? String ?? ""))
        kill(celery.processIdentifier, SIGKILL)
        #expect(try await WorkerHarness.wait(timeout: 10) { !celery.isRunning })
        _ = try await WorkerHarness.redis([
            "ZADD", "unacked_index", "XX", String(Date().timeIntervalSince1970 - 100), tag,
        ])
        let harness = try WorkerHarness(queue: queue) { $0.visibilityTimeout = 30 }
        let out = try await harness.client("get", ["id": sent["id"] as? String ?? "", "timeout": 20])
        #expect(out["value"] as? Int == 11)
        try await harness.stop()
    }

    /// DECISIONS.md: a task still running after its hard time limit (here one that ignores
    /// cancellation) is abandoned with FAILURE `TimeLimitExceeded`; when it has not stopped after
    /// the grace period, the worker process replaces itself (same pid) and goes on consuming.
    @Test func aTaskThatIgnoresItsHardLimitGetsTheProcessReplaced() async throws {
        let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/sigma-worker")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the sigma-worker product first")
        let queue = "runaway-\(UUID().uuidString.prefix(8))"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("runaway-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "worker", "--include-test-tasks", "-Q", queue, "-c", "2", "--loglevel", "INFO", "--logfile", log.path,
        ]
        process.environment = [
            "CELERY_BROKER_URL": WorkerHarness.brokerURL, "CELERY_RESULT_BACKEND": WorkerHarness.backendURL,
            "PATH": "/usr/bin:/bin",
        ]
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let busy = try await WorkerHarness.client(
            "call", ["task": "t.integration.tasks.busy", "args": [20], "options": ["time_limit": 1]], queue: queue)
        #expect(busy["exc_class"] as? String == "TimeLimitExceeded")
        func logText() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        let replaced = try await WorkerHarness.wait(timeout: 30) {
            logText().components(separatedBy: " ready.").count == 3
        }
        #expect(replaced, "log: \(logText())")
        #expect(logText().contains("Replacing the worker process: t.integration.tasks.busy["))
        #expect(process.isRunning)
        let after = try await WorkerHarness.client(
            "call", ["task": "t.integration.tasks.add", "args": [2, 3]], queue: queue)
        #expect(after["value"] as? Int == 5)
        // The replacement still answers signals: SIGTERM is a warm shutdown.
        kill(process.processIdentifier, SIGTERM)
        let stopped = try await WorkerHarness.wait(timeout: 30) { !process.isRunning }
        #expect(stopped)
        if stopped { #expect(process.terminationStatus == 0) }
    }

    @Test func redisRestartMidDrainLosesNothing() async throws {
        let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/sigma-worker")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the sigma-worker product first")
        let port = 6393
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "redis-restart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = "redis://127.0.0.1:\(port)"
        var redisProcess: Process?
        func startRedis() async throws {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
            child.arguments = [
                "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path, "--appendonly", "yes",
                "--appendfsync", "always", "--save", "", "--logfile", directory.appendingPathComponent("log").path,
            ]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            redisProcess = child
            _ = try await WorkerHarness.wait(timeout: 10) {
                (try? await WorkerHarness.redis(["PING"], url: server)) == "PONG"
            }
        }
        try await startRedis()
        defer { if let redisProcess { kill(redisProcess.processIdentifier, SIGKILL) } }
        let broker = server + "/0", backend = server + "/1"
        let queue = "restart-\(UUID().uuidString.prefix(8))"
        let total = 600
        let python = try #require(TestEnvironment.python("celery-5.7"))
        let fill = """
            from celery import Celery
            app = Celery('fill', broker='\(broker)')
            for i in range(\(total)):
                app.send_task('t.integration.tasks.sleeping', args=(0.05,), queue='\(queue)')
            """
        _ = try await ProcessRunner.run(python.path, ["-c", fill], timeout: 60)
        #expect(try await WorkerHarness.redis(["LLEN", queue], url: broker) == "\(total)")
        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "worker", "--include-test-tasks", "-Q", queue, "-c", "4", "--loglevel", "INFO",
            "--logfile", directory.appendingPathComponent("worker.log").path,
        ]
        process.environment = ["CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": backend, "PATH": "/usr/bin:/bin"]
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let started = try await WorkerHarness.wait {
            Int(try await WorkerHarness.redis(["DBSIZE"], url: backend)) ?? 0 >= 40
        }
        #expect(started)
        _ = try await WorkerHarness.redis(["SHUTDOWN"], url: broker)  // the AOF is fsynced on every write
        try await Task.sleep(nanoseconds: 1_000_000_000)
        let before = Int(try await WorkerHarness.redis(["DBSIZE"], url: backend)) ?? 0
        try await startRedis()
        let back = Date()
        let resumed = try await WorkerHarness.wait(timeout: 10) {
            Int(try await WorkerHarness.redis(["DBSIZE"], url: backend)) ?? 0 > before
        }
        let latency = Date().timeIntervalSince(back)
        print("consuming again \(latency) s after the restarted Redis answered PING")
        #expect(resumed && latency < 4, "consuming is promised within 2 s of Redis coming back")
        let drained = try await WorkerHarness.wait(timeout: 90) {
            Int(try await WorkerHarness.redis(["DBSIZE"], url: backend)) ?? 0 >= total
        }
        let stored = try await WorkerHarness.redis(["DBSIZE"], url: backend)
        #expect(drained, "results: \(stored) of \(total)")
        #expect(try await WorkerHarness.redis(["LLEN", queue], url: broker) == "0")
        kill(process.processIdentifier, SIGTERM)
        #expect(try await WorkerHarness.wait(timeout: 30) { !process.isRunning })
        #expect(try await WorkerHarness.redis(["HLEN", "unacked"], url: broker) == "0")
        let log = (try? String(contentsOf: directory.appendingPathComponent("worker.log"), encoding: .utf8)) ?? ""
        #expect(log.contains("consumer: Connection to broker lost. Trying to re-establish the connection..."))
        #expect(log.components(separatedBy: "] Connected to redis://:**@").count >= 3, "Connected again: \(log)")
    }

    /// The pipeline thread writes batches while earlier replies are due: replies still reach
    /// their completions in order, and an exclusive job runs only once every earlier reply came.
    @Test func thePipelineThreadKeepsOrderWhileWritingAhead() async throws {
        let thread = RedisPipelineThread(
            name: "order-test", url: try RedisURL(parsing: WorkerHarness.backendURL), logger: WorkerHarness.logger)
        let key = "pipeline-order-\(UUID().uuidString)"
        let values = Mutex<[Int]>([])
        let total = 3_000
        for index in 1...total {
            if index % 500 == 0 {
                let seen = try await thread.exclusive { (connection: RedisConnection) throws(RedisError) in
                    try connection.command(["GET", key]).string
                }
                #expect(seen == String(index - index / 500), "the exclusive GET overtook an INCR")  // INCRs sent so far
                continue
            }
            thread.send([["INCR", key].map { Array($0.utf8) }]) { result in
                if case .success(let replies) = result, let value = replies.first?.integer {
                    values.withLock { $0.append(Int(value)) }
                }
            }
        }
        let last = try await thread.send([["GET", key], ["DEL", key]].map { $0.map { Array($0.utf8) } })
        let expected = total - total / 500
        #expect(last.first?.string == String(expected))
        let received = values.withLock { $0 }
        #expect(received == Array(1...expected), "replies out of order or missing")
        await thread.stop()
    }

    /// A server that answers BUSY (a long script; LOADING after a restart is the same kind of
    /// reply) is waited for: the result write is retried until it lands, not dropped.
    @Test func resultWritesWaitForABusyServer() async throws {
        let port = 6394
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-busy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        server.arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path, "--save", "",
            "--lua-time-limit", "100", "--logfile", directory.appendingPathComponent("log").path,
        ]
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL) }
        let url = "redis://127.0.0.1:\(port)/1"
        #expect(
            try await WorkerHarness.wait(timeout: 10) { (try? await WorkerHarness.redis(["PING"], url: url)) == "PONG" }
        )
        let backend = ResultBackend(url: try RedisURL(parsing: url), logger: WorkerHarness.logger)
        // A script that keeps the server busy for two seconds.
        let busy = Task {
            try await ProcessRunner.run(
                "/usr/bin/env",
                [
                    "redis-cli", "-p", "\(port)", "EVAL",
                    "local s = tonumber(redis.call('TIME')[1]) while tonumber(redis.call('TIME')[1]) < s + 2 do end return 1",
                    "0",
                ],
                timeout: 30)
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect((try? await WorkerHarness.redis(["PING"], url: url))?.hasPrefix("BUSY") == true)
        let id = UUID().uuidString.lowercased()
        let stored = try await backend.store(ResultRecord(taskID: id, status: .success, result: 42, dateDone: 0))
        #expect(stored)
        #expect(try await WorkerHarness.redis(["EXISTS", "celery-task-meta-\(id)"], url: url) == "1")
        _ = try await busy.value
        await backend.stop()
    }

    /// A real `celery worker` (solo pool, Celery 5.7) on the test Redis, not yet started.
    func pythonWorker(queue: String, visibilityTimeout: Int? = nil) throws -> Process {
        let python = try #require(TestEnvironment.python("celery-5.7"))
        let celery = Process()
        celery.executableURL = python.deletingLastPathComponent().appendingPathComponent("celery")
        celery.currentDirectoryURL = TestEnvironment.repositoryRoot.appendingPathComponent(
            "Tests/CeleryWorkerTests/Support")
        celery.arguments = [
            "-A", "python_worker", "worker", "-P", "solo", "-Q", queue, "--without-mingle", "--without-gossip",
        ]
        celery.environment = [
            "SIGMA_BROKER": WorkerHarness.brokerURL, "SIGMA_BACKEND": WorkerHarness.backendURL, "SIGMA_QUEUE": queue,
            "PATH": "/usr/bin:/bin",
        ]
        if let visibilityTimeout { celery.environment?["SIGMA_VISIBILITY"] = "\(visibilityTimeout)" }
        celery.standardOutput = FileHandle.nullDevice
        celery.standardError = FileHandle.nullDevice
        return celery
    }

    /// The `unacked` tag of a task id, once some worker reserved it.
    func waitForReservation(ofTaskID id: String) async throws -> String? {
        var found: String?
        _ = try await WorkerHarness.wait(timeout: 15) {
            let all = try await WorkerHarness.redis(["HGETALL", "unacked"]).split(separator: "\n").map(String.init)
            var index = 0
            while index + 1 < all.count {
                if all[index + 1].contains(id) {
                    found = all[index]
                    return true
                }
                index += 2
            }
            return false
        }
        return found
    }
}
