import CeleryWire
import CeleryWorker
import Foundation
import SigmaTestSupport
import Testing

/// Signals and faults provoked for real on the built binary, against the test Redis (broker
/// database 7, results 1) and the real Python client. Deadlines are asserted with a generous
/// margin and printed as measured.
@Suite(
    .serialized, .enabled(if: TestEnvironment.celeryInteropAvailable, "needs the Celery venvs and the test Redis"),
    .timeLimit(.minutes(3))
)
struct SignalFaultTests {
    static var broker: String { TestEnvironment.redisURL + "/7" }

    func start(_ arguments: [String] = [], acksLate: Bool = false, broker: String = SignalFaultTests.broker)
        async throws -> WorkerProcess
    {
        try #require(
            FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path), "build sigma-worker first")
        let worker = try WorkerProcess(
            arguments: arguments, environment: ["CELERY_TASK_ACKS_LATE": acksLate ? "true" : "false"], broker: broker)
        #expect(try await worker.waitForLog(" ready."), "log: \(worker.logText)")
        return worker
    }

    func send(_ worker: WorkerProcess, _ task: String, _ args: [Any]) async throws -> String {
        let out = try await WorkerHarness.client(
            "send", ["task": task, "args": args], queue: worker.queue, broker: Self.broker)
        return out["id"] as? String ?? ""
    }

    func redis(_ arguments: [String]) async throws -> String {
        try await WorkerHarness.redis(arguments, url: Self.broker)
    }

    /// Waits until a task is running: received, and (acks late) still reserved or (early ack) no longer.
    func waitUntilRunning(_ worker: WorkerProcess, _ id: String, acksLate: Bool) async throws {
        #expect(try await worker.waitForLog("[\(id)] received"))
        let reserved = try await WorkerHarness.wait(timeout: 10) {
            try await self.redis(["HVALS", "unacked"]).contains(id) == acksLate
        }
        #expect(reserved)
        try await Task.sleep(nanoseconds: 200_000_000)
    }

    /// After a cold stop: the message is back on its queue, marked redelivered, and no state was stored.
    func expectRestored(_ worker: WorkerProcess, _ id: String) async throws {
        #expect(try await redis(["LLEN", worker.queue]) == "1")
        #expect(!(try await redis(["HVALS", "unacked"]).contains(id)))
        let raw = try await redis(["LINDEX", worker.queue, "0"])
        let request = try TaskRequest.decode(Array(raw.utf8))
        #expect(request.id == id && request.redelivered)
        let stored = try await WorkerHarness.redis(["GET", "celery-task-meta-\(id)"], url: WorkerHarness.backendURL)
        #expect(stored.isEmpty, "nothing is marked failed: \(stored)")
        _ = try await redis(["DEL", worker.queue])
    }

    /// A worker (acks late) running a 30 s task.
    func workerRunningALongAcksLateTask(_ arguments: [String] = []) async throws -> (WorkerProcess, String) {
        let worker = try await start(arguments, acksLate: true)
        let id = try await send(worker, "t.integration.tasks.sleeping", [30])
        try await waitUntilRunning(worker, id, acksLate: true)
        return (worker, id)
    }

    @Test func sigquitIsColdWithinASecondAndPutsBackRunningAcksLateTasks() async throws {
        let (worker, id) = try await workerRunningALongAcksLateTask()
        worker.signal(SIGQUIT)
        let seconds = try await worker.waitForExit(timeout: 10)
        print("SIGQUIT with a 30 s acks-late task running: exited in \(seconds.map { "\($0)" } ?? "never") s")
        #expect(seconds.map { $0 < 3 } == true, "cold shutdown is promised within 1 s; log: \(worker.logText)")
        try await expectRestored(worker, id)
    }

    @Test func aSecondSigtermTurnsTheWarmShutdownCold() async throws {
        let (worker, id) = try await workerRunningALongAcksLateTask()
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 1.5) == nil, "the first SIGTERM waits for the running task")
        worker.signal(SIGTERM)
        let seconds = try await worker.waitForExit(timeout: 10)
        print("second SIGTERM: exited in \(seconds.map { "\($0)" } ?? "never") s")
        #expect(seconds.map { $0 < 3 } == true, "log: \(worker.logText)")
        try await expectRestored(worker, id)
    }

    @Test func theShutdownTimeoutTurnsTheWarmShutdownCold() async throws {
        let (worker, id) = try await workerRunningALongAcksLateTask(["--shutdown-timeout", "1"])
        worker.signal(SIGTERM)
        let seconds = try await worker.waitForExit(timeout: 15)
        print("SIGTERM with --shutdown-timeout 1: exited in \(seconds.map { "\($0)" } ?? "never") s")
        #expect(seconds.map { $0 > 0.8 && $0 < 5 } == true, "log: \(worker.logText)")
        try await expectRestored(worker, id)
    }

    @Test(arguments: ["redis-down", "wrong-password"])
    func sigtermActsWithinASecondWhileRedisCannotBeReached(_ fault: String) async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path), "build sigma-worker first")
        let url =
            fault == "redis-down"
            ? "redis://127.0.0.1:6388/0"
            : TestEnvironment.redisURL.replacingOccurrences(of: "redis://", with: "redis://:wrong@") + "/0"
        let worker = try WorkerProcess(broker: url, backend: url.replacingOccurrences(of: "/0", with: "/1"))
        #expect(try await worker.waitForLog("Cannot connect to"), "log: \(worker.logText)")
        #expect(!worker.logText.contains("wrong"), "no secret in any log line")
        try await Task.sleep(nanoseconds: 1_500_000_000)  // into the backoff
        worker.signal(SIGTERM)
        let seconds = try await worker.waitForExit(timeout: 10)
        print("SIGTERM while \(fault): exited in \(seconds.map { "\($0)" } ?? "never") s")
        #expect(seconds.map { $0 < 2.5 } == true, "SIGTERM is promised to act within 1 s; log: \(worker.logText)")
    }

    /// Redis answers every command with `-LOADING` while it reads a dataset (here slowed down with
    /// `key-load-delay`): SIGTERM still acts at once.
    @Test func sigtermActsWithinASecondWhileRedisIsLoading() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path), "build sigma-worker first")
        let port = 6392
        let scratch = try ScratchRedis(port: port)
        defer { scratch.stop() }
        let url = "redis://127.0.0.1:\(port)/0"
        #expect(try await scratch.waitForPing())
        _ = try await WorkerHarness.redis(
            ["EVAL", "for i = 1, 20000 do redis.call('SET', 'filler:' .. i, 'x') end return 1", "0"], url: url)
        _ = try await WorkerHarness.redis(["SAVE"], url: url)
        scratch.stop()
        // 20,000 keys at 1 ms each: LOADING for about 20 s, events served every KiB read.
        let loading = try ScratchRedis(
            port: port, directory: scratch.directory,
            extra: ["--key-load-delay", "1000", "--loading-process-events-interval-bytes", "1024"])
        defer { loading.stop() }
        #expect(
            try await WorkerHarness.wait(timeout: 10) {
                (try? await WorkerHarness.redis(["PING"], url: url))?.hasPrefix("LOADING") == true
            }, "redis-server is loading")
        let worker = try WorkerProcess(broker: url, backend: "redis://127.0.0.1:\(port)/1")
        #expect(try await worker.waitForLog("LOADING"), "log: \(worker.logText)")
        try await Task.sleep(nanoseconds: 1_500_000_000)  // into the backoff
        #expect(
            (try? await WorkerHarness.redis(["PING"], url: url))?.hasPrefix("LOADING") == true, "still loading")
        worker.signal(SIGTERM)
        let seconds = try await worker.waitForExit(timeout: 10)
        print("SIGTERM while Redis is LOADING: exited in \(seconds.map { "\($0)" } ?? "never") s")
        #expect(seconds.map { $0 < 2.5 } == true, "SIGTERM is promised to act within 1 s; log: \(worker.logText)")
    }

    @Test func sighupRestartsWarmlyInPlaceAndLosesNothing() async throws {
        let worker = try await start()
        let id = try await send(worker, "t.integration.tasks.sleeping", [2])
        try await waitUntilRunning(worker, id, acksLate: false)
        worker.signal(SIGHUP)
        #expect(try await worker.waitForLog(" ready.", times: 2, timeout: 30), "log: \(worker.logText)")
        #expect(worker.process.isRunning, "same pid: the program re-executed itself")
        let done = try await WorkerHarness.client(
            "get", ["id": id, "timeout": 10], queue: worker.queue, broker: Self.broker)
        #expect(done["state"] as? String == "SUCCESS", "the running task finished before the restart")
        let after = try await WorkerHarness.client(
            "call", ["task": "t.integration.tasks.add", "args": [2, 3]], queue: worker.queue, broker: Self.broker)
        #expect(after["value"] as? Int == 5)
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
        #expect(worker.process.terminationStatus == 0)
    }

    @Test func sigusr1LogsRunningTasksAndKeepsRunning() async throws {
        let worker = try await start()
        let id = try await send(worker, "t.integration.tasks.sleeping", [3])
        try await waitUntilRunning(worker, id, acksLate: false)
        worker.signal(SIGUSR1)
        #expect(try await worker.waitForLog("SIGUSR1: 1 running task(s)"), "log: \(worker.logText)")
        #expect(worker.logText.contains("t.integration.tasks.sleeping[\(id)] running for"))
        let done = try await WorkerHarness.client(
            "get", ["id": id, "timeout": 10], queue: worker.queue, broker: Self.broker)
        #expect(done["state"] as? String == "SUCCESS")
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    /// A retry whose publish Redis refuses (the worker's user lost LPUSH through an ACL) is not
    /// lost: the republish is tried again until Redis accepts it, then the task runs to SUCCESS.
    @Test func aRetryWhosePublishFailsIsPublishedOnceRedisAcceptsIt() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path), "build sigma-worker first")
        let port = 6391
        let scratch = try ScratchRedis(port: port)
        defer { scratch.stop() }
        let admin = "redis://127.0.0.1:\(port)/0"
        #expect(try await scratch.waitForPing(), "the scratch redis-server answers")
        _ = try await WorkerHarness.redis(["ACL", "SETUSER", "client", "on", ">pw", "~*", "&*", "+@all"], url: admin)
        let worker = try WorkerProcess(broker: admin)
        #expect(try await worker.waitForLog(" ready."), "log: \(worker.logText)")
        _ = try await WorkerHarness.redis(["ACL", "SETUSER", "default", "-lpush"], url: admin)
        let client = "redis://client:pw@127.0.0.1:\(port)/0"
        let sent = try await WorkerHarness.client(
            "send", ["task": "t.integration.tasks.retry_once", "args": []], queue: worker.queue, broker: client)
        let id = sent["id"] as? String ?? ""
        #expect(try await worker.waitForLog("Could not publish the retry"), "log: \(worker.logText)")
        try await Task.sleep(nanoseconds: 1_500_000_000)  // several refused attempts
        _ = try await WorkerHarness.redis(["ACL", "SETUSER", "default", "+lpush"], url: admin)
        let done = try await WorkerHarness.client(
            "get", ["id": id, "timeout": 15], queue: worker.queue, broker: client)
        #expect(done["state"] as? String == "SUCCESS", "\(done); log: \(worker.logText)")
        #expect(done["value"] as? Int == 1)
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    /// A message with a second `delivery_tag` key (in its headers) is not read by pattern: the
    /// script decodes it and reserves it under the tag of its properties.
    @Test func theReserveScriptIsNotFooledByAHeaderNamedDeliveryTag() async throws {
        let queue = "reserve-\(UUID().uuidString.prefix(8))"
        var message = TaskMessage(task: "t.integration.tasks.add", args: [1, 2], routingKey: queue)
        message.id = TaskMessage.newID()
        let raw = String(decoding: message.encoded(), as: UTF8.self).replacingOccurrences(
            of: "\"headers\": {", with: "\"headers\": {\"delivery_tag\": \"evil\", ")
        #expect(raw.contains("\"evil\""))
        _ = try await redis(["RPUSH", queue, raw])
        _ = try await redis(["EVAL", ReserveScript.source, "3", "unacked_index", "unacked", queue, "5", "1000"])
        #expect(try await redis(["HEXISTS", "unacked", "evil"]) == "0")
        #expect(try await redis(["HEXISTS", "unacked", message.deliveryTag]) == "1")
        _ = try await redis(["HDEL", "unacked", message.deliveryTag])
        _ = try await redis(["ZREM", "unacked_index", message.deliveryTag])
    }

    /// The reserve script writes each `unacked` value byte for byte as kombu's `json.dumps` does
    /// (and as ``UnackedEntry`` encodes it), whatever the routing key holds.
    @Test func theReserveScriptWritesKombusReservationBytes() async throws {
        for routingKey in ["celery", "a/b \"q\" \\ tab\t", "ñandú ☃ 🙂", "ctl\u{01}\u{7f}"] {
            let queue = "reserve-\(UUID().uuidString.prefix(8))"
            var message = TaskMessage(task: "t.integration.tasks.add", args: [1, 2], routingKey: routingKey)
            message.id = TaskMessage.newID()
            let raw = message.encoded()
            _ = try await WorkerHarness.redis(["RPUSH", queue, String(decoding: raw, as: UTF8.self)], url: Self.broker)
            let popped = try await WorkerHarness.redis(
                ["EVAL", ReserveScript.source, "3", "unacked_index", "unacked", queue, "5", "1000"], url: Self.broker)
            #expect(popped.contains(message.deliveryTag))
            let stored = try await WorkerHarness.redis(["HGET", "unacked", message.deliveryTag], url: Self.broker)
            let expected = UnackedEntry(raw: raw, exchange: "", routingKey: routingKey).encoded()
            #expect(stored == String(decoding: expected, as: UTF8.self), "routing key \(routingKey)")
            #expect(try await WorkerHarness.redis(["LLEN", queue], url: Self.broker) == "0")
            #expect(
                try await WorkerHarness.redis(["ZSCORE", "unacked_index", message.deliveryTag], url: Self.broker)
                    == "1000")
            _ = try await WorkerHarness.redis(["HDEL", "unacked", message.deliveryTag], url: Self.broker)
            _ = try await WorkerHarness.redis(["ZREM", "unacked_index", message.deliveryTag], url: Self.broker)
        }
    }
}

/// A throwaway `redis-server` on its own port and directory, for faults the shared test Redis
/// must not see (ACL changes, a slow dataset load).
final class ScratchRedis {
    let port: Int
    let directory: URL
    private let process: Process

    init(port: Int, directory: URL? = nil, extra: [String] = []) throws {
        self.port = port
        let directory =
            directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments =
            ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.path]
            + extra
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// Waits until the server answers PING with PONG.
    func waitForPing() async throws -> Bool {
        let url = "redis://127.0.0.1:\(port)/0"
        return try await WorkerHarness.wait(timeout: 10) {
            (try? await WorkerHarness.redis(["PING"], url: url)) == "PONG"
        }
    }

    /// Kills the server and waits for it to be gone (its directory stays for a restart).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
