import CeleryWorker
import Foundation
import Logging
import SigmaTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Pure parts of what operators rely on: systemd's notification protocol, process recycling,
/// log files that survive rotation.
@Suite struct OperationsUnitTests {
    @Test func notifySocketAddressesParseAsLibsystemdReadsThem() {
        #expect(SystemdNotifier.Address.parse("/run/systemd/notify") == .path("/run/systemd/notify"))
        #expect(
            SystemdNotifier.Address.parse("@/org/freedesktop/systemd1/notify/123")
                == .abstract("/org/freedesktop/systemd1/notify/123"))
        #expect(SystemdNotifier.Address.parse(nil) == nil)
        #expect(SystemdNotifier.Address.parse("") == nil)
        #expect(SystemdNotifier.Address.parse("relative/path") == nil)
        #expect(SystemdNotifier.Address.parse("/" + String(repeating: "x", count: 200)) == nil)
    }

    @Test func theWatchdogIsOnlyForThePidSystemdNamed() {
        #expect(SystemdNotifier.watchdogInterval(usec: "30000000", pid: nil, ownPID: 42) == 30)
        #expect(SystemdNotifier.watchdogInterval(usec: "500000", pid: "42", ownPID: 42) == 0.5)
        #expect(SystemdNotifier.watchdogInterval(usec: "500000", pid: "41", ownPID: 42) == nil)
        #expect(SystemdNotifier.watchdogInterval(usec: "0", pid: nil, ownPID: 42) == nil)
        #expect(SystemdNotifier.watchdogInterval(usec: "soon", pid: nil, ownPID: 42) == nil)
        #expect(SystemdNotifier.watchdogInterval(usec: nil, pid: "42", ownPID: 42) == nil)
    }

    @Test func theWatchdogIsFedOnlyWhileTheConsumerLoopIsAlive() {
        #expect(SystemdNotifier.shouldPetWatchdog(now: 100, lastPulse: 99.5, interval: 1))
        #expect(!SystemdNotifier.shouldPetWatchdog(now: 100, lastPulse: 98.9, interval: 1))
    }

    /// A listener that never reads (its queue of 10 datagrams full) must not stall the worker.
    @Test func aNotificationNeverBlocks() throws {
        let listener = try NotifyListener(abstract: true)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.address])
        let started = Date()
        for _ in 0..<100 { notifier.status("busy") }
        let seconds = Date().timeIntervalSince(started)
        print("100 notifications to a full socket: \(seconds) s")
        #expect(seconds < 1)
    }

    @Test func aPoolTurnsOverEveryMaxTasksTimesConcurrencyTasks() {
        let policy = RecyclePolicy(maxTasksPerChild: 100, maxMemoryPerChild: nil, concurrency: 4)
        #expect(policy.taskLimit == 400)
        #expect(policy.reason(processed: 399, anonymousKiB: nil) == nil)
        #expect(policy.reason(processed: 400, anonymousKiB: nil) == .tasks(limit: 100, processed: 400))
        #expect(!policy.watchesMemory)
    }

    @Test func memoryAboveTheLimitRecyclesAndNoLimitNeverDoes() {
        let policy = RecyclePolicy(maxTasksPerChild: nil, maxMemoryPerChild: 200_000, concurrency: 2)
        #expect(policy.reason(processed: 1_000_000, anonymousKiB: 199_999) == nil)
        #expect(policy.reason(processed: 1, anonymousKiB: 200_001) == .memory(limit: 200_000, used: 200_001))
        #expect(policy.reason(processed: 1, anonymousKiB: nil) == nil)
        let none = RecyclePolicy(maxTasksPerChild: 0, maxMemoryPerChild: 0, concurrency: 2)
        #expect(none.taskLimit == nil && !none.watchesMemory)
    }

    @Test func anonymousMemoryIsReadFromProcStatus() {
        let status = "Name:\tsigma-worker\nVmRSS:\t   41000 kB\nRssAnon:\t   12345 kB\nRssFile:\t   28000 kB\n"
        #expect(RecyclePolicy.anonymousKiB(status: status) == 12345)
        #expect(RecyclePolicy.anonymousKiB(status: "Name:\tx\n") == nil)
    }

    /// The file sink against the two things logrotate does, done by hand.
    @Test func theLogFileFollowsRenameAndTruncation() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("worker.log").path
        let sink = try CeleryLogHandler.Sink.file(path)
        let logger = Logger(label: "t") { _ in CeleryLogHandler(level: .info, sink: sink) }
        logger.info("first")
        // copytruncate: the file is copied, then truncated in place.
        truncate(path, 0)
        logger.info("after truncation")
        let truncated = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(!truncated.contains(0), "no NUL bytes: the line is appended at the new end")
        #expect(String(decoding: truncated, as: UTF8.self).hasSuffix("] after truncation\n"))
        // create: renamed away, the next line goes to a new file at the path.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        // The path is checked at most every 0.1 s: a line right after the rename still lands in
        // the rotated file (not lost); the next check reopens the path.
        logger.info("right after rename")
        Thread.sleep(forTimeInterval: 0.15)
        logger.info("after rename")
        let fresh = try String(contentsOfFile: path, encoding: .utf8)
        let rotated = try String(contentsOfFile: path + ".1", encoding: .utf8)
        #expect(fresh.contains("] after rename") && !rotated.contains("] after rename"))
        #expect((fresh + rotated).contains("right after rename"), "nothing lost")
    }

    /// Threads that log at once never interleave or lose lines, and each thread's lines keep
    /// their order (one thread writes while the others only append).
    @Test func linesLoggedFromManyThreadsStayWholeAndInOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("worker.log").path
        let sink = try CeleryLogHandler.Sink.file(path)
        let logger = Logger(label: "t") { _ in CeleryLogHandler(level: .info, sink: sink) }
        let threads = 8, lines = 2_000
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for line in 0..<lines { logger.info("thread \(thread) line \(line) \(String(repeating: "x", count: 40))") }
        }
        sink.flush()
        let written = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(written.count == threads * lines)
        var next = [Int](repeating: 0, count: threads)
        for text in written {
            let words = text.split(separator: " ")
            guard let at = words.firstIndex(of: "thread"), at + 3 < words.count,
                let thread = Int(words[at + 1]), let line = Int(words[at + 3]), words.last?.count == 40
            else {
                Issue.record("a torn line: \(text)")
                continue
            }
            #expect(line == next[thread], "thread \(thread): line \(line) after \(next[thread] - 1)")
            next[thread] = line + 1
        }
    }

    @Test func anUnopenableLogFileIsSaidPlainly() {
        let error = #expect(throws: LogFileError.self) {
            _ = try CeleryLogHandler.Sink.file("/nonexistent-folder/x/worker.log")
        }
        #expect(
            error?.description == "cannot open the log file /nonexistent-folder/x/worker.log: No such file or directory"
        )
    }
}

/// A datagram socket standing in for systemd's notification socket.
final class NotifyListener: @unchecked Sendable {
    let address: String
    private let descriptor: Int32
    private let path: String?

    /// Binds a socket: a file in the temporary folder, or an abstract name (`@...`).
    init(abstract: Bool) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var name = sockaddr_un()
        name.sun_family = sa_family_t(AF_UNIX)
        let label = "sigma-notify-\(UUID().uuidString.prefix(8))"
        let bytes: [UInt8]
        if abstract {
            bytes = [0] + Array(label.utf8)
            address = "@" + label
            path = nil
        } else {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(label).path
            bytes = Array(file.utf8)
            address = file
            path = file
        }
        withUnsafeMutableBytes(of: &name.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let size = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &name) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, size) }
        }
        guard bound == 0 else { throw HarnessError("bind \(address): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        stop()
        close(descriptor)
        if let path { unlink(path) }
    }

    private let received = Mutex<[String]>([])
    private let reading = Atomic<Bool>(true)

    /// Every datagram received so far, in order.
    var messages: [String] { received.withLock { $0 } }

    /// Reads datagrams on a thread of its own, as systemd does, so the sender's queue never fills.
    func start() {
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while reading.load(ordering: .relaxed) {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { continue }
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                received.withLock { $0.append(message) }
            }
        }.start()
    }

    func stop() { reading.store(false, ordering: .relaxed) }

    /// Waits until `times` datagrams contain `text` or the timeout passes.
    func waitFor(_ text: String, times: Int = 1, timeout: Double = 20) async throws -> Bool {
        try await WorkerHarness.wait(timeout: timeout) { self.messages.filter { $0.contains(text) }.count >= times }
    }
}

/// Operations for real: systemd's notifications over a real datagram socket, process recycling,
/// and log rotation by the real logrotate.
@Suite(
    .serialized, .enabled(if: TestEnvironment.celeryInteropAvailable, "needs the Celery venvs and the test Redis"),
    .timeLimit(.minutes(3))
)
struct OperationsProcessTests {
    static var broker: String { TestEnvironment.redisURL + "/8" }

    func binaryBuilt() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path), "build sigma-worker first")
    }

    @Test(arguments: [false, true])
    func systemdHearsReadyReloadingWatchdogAndStopping(_ abstract: Bool) async throws {
        try binaryBuilt()
        let listener = try NotifyListener(abstract: abstract)
        listener.start()
        defer { listener.stop() }
        let worker = try WorkerProcess(
            environment: ["NOTIFY_SOCKET": listener.address, "WATCHDOG_USEC": "1000000"], broker: Self.broker)
        #expect(try await listener.waitFor("READY=1"), "got \(listener.messages); log: \(worker.logText)")
        #expect(listener.messages.first { $0.contains("READY=1") }?.contains("MAINPID=\(worker.pid)") == true)
        #expect(try await listener.waitFor("WATCHDOG=1", timeout: 3), "fed twice a second: \(listener.messages)")
        worker.signal(SIGHUP)
        #expect(try await listener.waitFor("RELOADING=1"), "\(listener.messages)")
        #expect(listener.messages.last { $0.contains("RELOADING=1") }?.contains("MONOTONIC_USEC=") == true)
        #expect(try await worker.waitForLog(" ready.", times: 2, timeout: 30), "log: \(worker.logText)")
        #expect(
            try await listener.waitFor("READY=1", times: 2), "READY=1 again after the re-exec: \(listener.messages)")
        #expect(worker.process.isRunning, "same pid after SIGHUP")
        worker.signal(SIGTERM)
        #expect(try await listener.waitFor("STOPPING=1"), "\(listener.messages)")
        #expect(try await worker.waitForExit(timeout: 15) != nil)
        print(
            "systemd notifications (\(abstract ? "abstract" : "path") socket): \(listener.messages.map { $0.replacingOccurrences(of: "\n", with: " ") })"
        )
    }

    @Test func maxTasksPerChildReplacesTheProcessWarmlyAndLosesNothing() async throws {
        try binaryBuilt()
        // -c 2 and 3 tasks per child: the process is replaced after 6 tasks.
        let worker = try WorkerProcess(arguments: ["--max-tasks-per-child", "3"], broker: Self.broker)
        #expect(try await worker.waitForLog(" ready."), "log: \(worker.logText)")
        let sent = try await WorkerHarness.client(
            "send_many",
            ["tasks": (0..<14).map { ["task": "t.integration.tasks.add", "args": [$0, 1]] }, "interval": 0.3],
            queue: worker.queue, broker: Self.broker)
        let ids = sent["ids"] as? [String] ?? []
        #expect(ids.count == 14)
        let done = try await WorkerHarness.client(
            "get_many", ["ids": ids, "timeout": 30], queue: worker.queue, broker: Self.broker)
        let values = (done["values"] as? [Any]) ?? []
        #expect(values.count == 14)
        for (index, value) in values.enumerated() { #expect(value as? Int == index + 1, "\(done)") }
        #expect(worker.count("Recycling the worker process") >= 2, "log: \(worker.logText)")
        #expect(worker.count(" ready.") >= 3)
        #expect(worker.process.isRunning, "same pid")
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    @Test func maxMemoryPerChildReplacesTheProcessAfterTheTaskThatPassedIt() async throws {
        try binaryBuilt()
        // 1 KiB: any process is above it, so the first task's end recycles the process.
        let worker = try WorkerProcess(arguments: ["--max-memory-per-child", "1"], broker: Self.broker)
        #expect(try await worker.waitForLog(" ready."), "log: \(worker.logText)")
        let out = try await WorkerHarness.client(
            "call", ["task": "t.integration.tasks.add", "args": [1, 2]], queue: worker.queue, broker: Self.broker)
        #expect(out["value"] as? Int == 3, "the task completes first")
        #expect(try await worker.waitForLog("Recycling the worker process (max memory per child reached"))
        #expect(try await worker.waitForLog(" ready.", times: 2, timeout: 30), "log: \(worker.logText)")
        #expect(worker.process.isRunning, "same pid")
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }

    @Test(arguments: ["copytruncate", "create"])
    func logrotateRotatesTheLogWithoutLosingOrCorruptingLines(_ mode: String) async throws {
        try binaryBuilt()
        let logrotate = "/usr/sbin/logrotate"
        try #require(FileManager.default.isExecutableFile(atPath: logrotate), "apt install logrotate")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("worker.log").path
        let worker = try WorkerProcess(arguments: ["--logfile", log], broker: Self.broker)
        #expect(
            try await WorkerHarness.wait(timeout: 20) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains(" ready.")
            })
        let configuration = folder.appendingPathComponent("logrotate.conf").path
        try "\(log) {\n    \(mode)\n    rotate 2\n    missingok\n}\n".write(
            toFile: configuration, atomically: true, encoding: .utf8)
        let state = folder.appendingPathComponent("state").path
        let rotated = try await ProcessRunner.run(logrotate, ["-f", "-s", state, configuration], timeout: 30)
        #expect(rotated.status == 0, "\(rotated.standardError)")
        let out = try await WorkerHarness.client(
            "call", ["task": "t.integration.tasks.add", "args": [20, 22]], queue: worker.queue, broker: Self.broker)
        #expect(out["value"] as? Int == 42)
        #expect(
            try await WorkerHarness.wait(timeout: 10) {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("succeeded")
            }, "the task's lines are in the file at the path")
        let current = try Data(contentsOf: URL(fileURLWithPath: log))
        #expect(!current.contains(0), "no NUL bytes after \(mode)")
        let old = try String(contentsOfFile: log + ".1", encoding: .utf8)
        #expect(old.contains(" ready.") && !old.contains("succeeded"), "the rotated file keeps the old lines only")
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 15) != nil)
    }
}
