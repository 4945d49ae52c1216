import CeleryWorker
import Foundation
import SigmaTestSupport
import Testing
import WorkerObservability

/// The pure parts: labels as celery-exporter makes them, the health rule, the settings.
@Suite("Metrics: labels, health rule and settings")
struct MetricsRulesTests {
    @Test func labelsAreCeleryExportersLabels() {
        #expect(WorkerMetrics.hostnameLabel("celery@web-1") == "web-1")
        #expect(WorkerMetrics.hostnameLabel("w1@host@x") == "host@x")
        #expect(WorkerMetrics.hostnameLabel("plain") == "plain")
        #expect(WorkerMetrics.exceptionLabel("ValueError") == "ValueError")
        #expect(WorkerMetrics.exceptionLabel("ExpectedException('x')") == "ExpectedException")
        #expect(WorkerMetrics.exceptionLabel("") == "UnknownException")
        #expect(WorkerMetrics.State.succeeded.series == "celery_task_succeeded_total")
    }

    @Test func healthyOnlyWhileTheLoopTurnsAndRedisAnswers() {
        #expect(WorkerHealth.isHealthy(now: 100, loopTurned: 99, redisAnswered: 98.5))
        #expect(!WorkerHealth.isHealthy(now: 100, loopTurned: 96.9, redisAnswered: 99.9))
        #expect(!WorkerHealth.isHealthy(now: 100, loopTurned: 99.9, redisAnswered: 96.5))
        #expect(!WorkerHealth.isHealthy(now: 100, loopTurned: nil, redisAnswered: 99))
        #expect(!WorkerHealth.isHealthy(now: 100, loopTurned: 99, redisAnswered: nil))
    }

    @Test func theEndpointIsOffUnlessAPortIsGiven() throws {
        #expect(try MetricsEndpoint.settings(port: nil, host: nil, environment: [:]) == nil)
        #expect(
            try MetricsEndpoint.settings(port: 9808, host: nil, environment: [:])
                == .init(host: "127.0.0.1", port: 9808))
        #expect(
            try MetricsEndpoint.settings(
                port: nil, host: nil, environment: ["SIGMA_METRICS_PORT": "9100", "SIGMA_METRICS_HOST": "0.0.0.0"])
                == .init(host: "0.0.0.0", port: 9100))
        #expect(throws: WorkerOptionValues.Invalid.self) {
            try MetricsEndpoint.settings(port: nil, host: nil, environment: ["SIGMA_METRICS_PORT": "nine"])
        }
        #expect(throws: WorkerOptionValues.Invalid.self) {
            try MetricsEndpoint.settings(port: 70_000, host: nil, environment: [:])
        }
    }
}

/// The endpoint for real: a worker with `--metrics-port 0` on a private `redis-server`
/// (append-only), tasks sent by Celery's Python client, `/metrics` scraped with curl and its
/// counters compared with what was sent; then Redis is killed (`/healthz` turns 503) and
/// started again (200 again).
@Suite(
    .serialized,
    .enabled(if: TestEnvironment.python("celery-5.7") != nil, "needs .venv/celery-5.7 (scripts/setup-python.sh)"),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs curl"))
struct MetricsEndpointTests {
    static let port = 6398
    static let broker = "redis://127.0.0.1:\(port)/0"

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let result = try await ProcessRunner.run(
            "/usr/bin/curl", ["-s", "-m", "5", "-w", "\n%{http_code}", url], timeout: 10)
        var lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    /// The value of one series (`name{labels}`) in an exposition, or nil.
    static func value(_ exposition: String, _ series: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test(.timeLimit(.minutes(3)))
    func countersMatchWhatWasSentAndHealthFollowsRedis() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: WorkerProcess.binary.path), "build sigma-worker first")
        let server = try PrivateRedisServer(port: Self.port)
        try await server.start()
        let worker = try WorkerProcess(
            arguments: ["--metrics-port", "0"], broker: Self.broker, backend: "redis://127.0.0.1:\(Self.port)/1")
        defer { if worker.process.isRunning { kill(worker.pid, SIGKILL) } }
        #expect(try await worker.waitForLog(" ready."), "log: \(worker.logText)")
        #expect(try await worker.waitForLog("metrics: serving http://127.0.0.1:"))
        let line = worker.logText.split(separator: "\n").first { $0.contains("metrics: serving") } ?? ""
        let port = try #require(
            line.components(separatedBy: "http://127.0.0.1:").last?.split(separator: "/").first.flatMap { Int($0) })
        let base = "http://127.0.0.1:\(port)"
        #expect(try await Self.get(base + "/readyz").status == 200)
        #expect(try await WorkerHarness.wait(timeout: 10) { try await Self.get(base + "/healthz").status == 200 })

        let adds = 20
        let fails = 5
        let tasks: [[String: Any]] =
            (0..<adds).map { ["task": "t.integration.tasks.add", "args": [$0, 1]] }
            + Array(repeating: ["task": "t.integration.tasks.fail"], count: fails)
            + [["task": "t.integration.tasks.no_such_task"]]
        let sent = try await WorkerHarness.client(
            "send_many", ["tasks": tasks], queue: worker.queue, broker: Self.broker)
        #expect((sent["ids"] as? [String])?.count == tasks.count)
        #expect(try await worker.waitForLog("succeeded in", times: adds, timeout: 30))
        #expect(try await worker.waitForLog("raised unexpected", times: fails, timeout: 30))
        #expect(try await worker.waitForLog("Received unregistered task", timeout: 30))
        let scrape = try await Self.get(base + "/metrics")
        #expect(scrape.status == 200)
        let text = scrape.body
        let host = "hostname=\"localhost\""
        let queue = "queue_name=\"\(worker.queue)\""
        let add = "name=\"t.integration.tasks.add\",\(host),\(queue)"
        let fail = "name=\"t.integration.tasks.fail\",\(host)"
        #expect(Self.value(text, "celery_task_received_total{\(add)}") == Double(adds), "\(text)")
        #expect(Self.value(text, "celery_task_started_total{\(add)}") == Double(adds))
        #expect(Self.value(text, "celery_task_succeeded_total{\(add)}") == Double(adds))
        #expect(Self.value(text, "celery_task_runtime_count{\(add)}") == Double(adds))
        #expect(
            Self.value(text, "celery_task_failed_total{\(fail),exception=\"ExpectedException\",\(queue)}")
                == Double(fails))
        #expect(Self.value(text, "celery_task_succeeded_total{\(fail),\(queue)}") == 0)
        #expect(
            Self.value(
                text,
                "celery_task_failed_total{name=\"t.integration.tasks.no_such_task\",\(host),exception=\"NotRegistered\",\(queue)}"
            ) == 1)
        #expect(Self.value(text, "celery_worker_up{\(host)}") == 1)
        #expect(Self.value(text, "celery_worker_tasks_active{\(host)}") == 0)
        #expect(Self.value(text, "celery_queue_length{\(queue)}") == 0)
        #expect((Self.value(text, "sigma_redis_round_trips_total") ?? 0) > 0)
        #expect((Self.value(text, "sigma_result_write_seconds_count{\(host)}") ?? 0) >= Double(adds + fails))
        print("metrics scrape: \(text.split(separator: "\n").count) lines, counters equal to what was sent")

        // Redis goes away: /healthz turns 503 within the window; back, it turns 200 again.
        server.kill()
        let down = Date()
        #expect(try await WorkerHarness.wait(timeout: 10) { try await Self.get(base + "/healthz").status == 503 })
        print("/healthz 503 \(String(format: "%.2f", Date().timeIntervalSince(down))) s after Redis was killed")
        try await server.start()
        let up = Date()
        #expect(try await WorkerHarness.wait(timeout: 15) { try await Self.get(base + "/healthz").status == 200 })
        print("/healthz 200 \(String(format: "%.2f", Date().timeIntervalSince(up))) s after Redis came back")
        let again = try await Self.get(base + "/metrics").body
        #expect(
            (Self.value(again, "sigma_redis_reconnects_total{connection=\"sigma-consumer\"}") ?? 0) >= 1, "\(again)")
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit(timeout: 10) != nil)
    }
}
