import CoreMetrics
import Foundation
import Synchronization

/// The worker's own counts through swift-metrics, under danihodovic/celery-exporter's series
/// names and labels (so its Grafana dashboards work), plus what only the worker knows. Only
/// this worker's own work is counted. With metrics off (no `--metrics-port`) every call returns
/// at once; with them on, the executable bootstraps swift-metrics with a Prometheus registry.
///
/// | series | type | labels |
/// |---|---|---|
/// | `celery_task_received_total`, `_started_total`, `_succeeded_total`, `_rejected_total`, `_revoked_total`, `_retried_total` | counter | name, hostname, queue_name |
/// | `celery_task_failed_total` | counter | name, hostname, exception, queue_name |
/// | `celery_task_runtime` | histogram (seconds) | name, hostname, queue_name |
/// | `celery_worker_up`, `celery_worker_tasks_active` | gauge | hostname |
/// | `celery_queue_length` | gauge | queue_name |
/// | `sigma_worker_prefetched`, `sigma_worker_scheduled` | gauge | hostname |
/// | `sigma_redis_round_trips_total` | counter | |
/// | `sigma_redis_reconnects_total` | counter | connection |
/// | `sigma_result_write_seconds` | histogram | hostname |
/// | `sigma_messages_restored_total` | counter | hostname |
public final class WorkerMetrics: Sendable {
    /// A task's state, as celery-exporter names its counters.
    public enum State: String, Sendable, CaseIterable {
        case received, started, succeeded, failed, rejected, revoked, retried

        public var series: String { "celery_task_\(rawValue)_total" }
    }

    /// The Prometheus buckets of `celery_task_runtime` (prometheus_client's defaults, which
    /// celery-exporter uses), in seconds.
    public static let runtimeBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
    ]

    /// The buckets of `sigma_result_write_seconds`: a result write is usually well under a
    /// millisecond.
    public static let resultWriteBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1, 5,
    ]

    /// celery-exporter's `hostname` label: the node name after its first `@`.
    public static func hostnameLabel(_ node: String) -> String {
        guard let at = node.firstIndex(of: "@") else { return node }
        return String(node[node.index(after: at)...])
    }

    /// celery-exporter's `exception` label: the exception's type name.
    public static func exceptionLabel(_ exception: String) -> String {
        let name = exception.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return name.isEmpty ? "UnknownException" : String(name)
    }

    public let enabled: Bool
    public let hostname: String

    private struct Key: Hashable {
        var state: State
        var name: String
        var queue: String
        var exception: String
    }

    private let counters = Mutex<[Key: CoreMetrics.Counter]>([:])
    private let runtimes = Mutex<[Key: CoreMetrics.Timer]>([:])
    private let seen = Mutex<Set<Key>>([])

    /// Made once (swift-metrics is bootstrapped before the runtime is built); nil when off.
    private let resultWrites: CoreMetrics.Timer?
    private let restoredCounter: CoreMetrics.Counter?

    public init(enabled: Bool, node: String) {
        self.enabled = enabled
        let hostname = Self.hostnameLabel(node)
        self.hostname = hostname
        resultWrites =
            enabled ? CoreMetrics.Timer(label: "sigma_result_write_seconds", dimensions: [("hostname", hostname)]) : nil
        restoredCounter =
            enabled
            ? CoreMetrics.Counter(label: "sigma_messages_restored_total", dimensions: [("hostname", hostname)]) : nil
    }

    private func counter(_ key: Key) -> CoreMetrics.Counter {
        counters.withLock { table in
            if let found = table[key] { return found }
            var dimensions = [("name", key.name), ("hostname", hostname)]
            if key.state == .failed { dimensions.append(("exception", key.exception)) }
            dimensions.append(("queue_name", key.queue))
            let made = CoreMetrics.Counter(label: key.state.series, dimensions: dimensions)
            table[key] = made
            return made
        }
    }

    /// Counts one task event. The first event of a task name and queue shows every other state
    /// at zero too, as celery-exporter does.
    public func task(_ state: State, name: String, queue: String, exception: String? = nil) {
        guard enabled else { return }
        let base = Key(state: .received, name: name, queue: queue, exception: "")
        if seen.withLock({ $0.insert(base).inserted }) {
            for other in State.allCases {
                counter(Key(state: other, name: name, queue: queue, exception: "")).increment(by: 0)
            }
        }
        let label = exception.map(Self.exceptionLabel) ?? ""
        counter(Key(state: state, name: name, queue: queue, exception: state == .failed ? label : "")).increment()
    }

    /// A successful run's time (`celery_task_runtime`, observed on success as celery-exporter does).
    public func runtime(name: String, queue: String, seconds: Double) {
        guard enabled else { return }
        let key = Key(state: .succeeded, name: name, queue: queue, exception: "")
        let timer = runtimes.withLock { table in
            if let found = table[key] { return found }
            let made = CoreMetrics.Timer(
                label: "celery_task_runtime",
                dimensions: [("name", name), ("hostname", hostname), ("queue_name", queue)])
            table[key] = made
            return made
        }
        timer.recordNanoseconds(Int64(max(seconds, 0) * 1e9))
    }

    /// How long one result write took (`sigma_result_write_seconds`).
    public func resultWrite(seconds: Double) {
        resultWrites?.recordNanoseconds(Int64(max(seconds, 0) * 1e9))
    }

    /// Messages put back on their queue (`sigma_messages_restored_total`).
    public func restored(_ count: Int) {
        if count > 0 { restoredCounter?.increment(by: count) }
    }

    /// The gauges read when scraped.
    public struct Gauges: Sendable, Equatable {
        public var up: Bool
        public var active: Int
        public var prefetched: Int
        public var scheduled: Int
        public var queueLengths: [String: Int]
    }

    /// Sets the gauges (called before each scrape).
    public func set(_ gauges: Gauges) {
        guard enabled else { return }
        let host = [("hostname", hostname)]
        CoreMetrics.Gauge(label: "celery_worker_up", dimensions: host).record(gauges.up ? 1 : 0)
        CoreMetrics.Gauge(label: "celery_worker_tasks_active", dimensions: host).record(gauges.active)
        CoreMetrics.Gauge(label: "sigma_worker_prefetched", dimensions: host).record(gauges.prefetched)
        CoreMetrics.Gauge(label: "sigma_worker_scheduled", dimensions: host).record(gauges.scheduled)
        for (queue, length) in gauges.queueLengths {
            CoreMetrics.Gauge(label: "celery_queue_length", dimensions: [("queue_name", queue)]).record(length)
        }
    }
}

/// Counters of the Redis connections, which know no runtime: swift-metrics' global system
/// (a no-op until the executable bootstraps it).
enum RedisMetrics {
    static let enabled = Atomic<Bool>(false)
    private static let roundTrips = Mutex<CoreMetrics.Counter?>(nil)
    private static let reconnects = Mutex<[String: CoreMetrics.Counter]>([:])

    private static func counter(
        _ table: borrowing Mutex<[String: CoreMetrics.Counter]>, _ label: String, _ connection: String
    ) -> CoreMetrics.Counter {
        table.withLock { counters in
            if let found = counters[connection] { return found }
            let made = CoreMetrics.Counter(label: label, dimensions: [("connection", connection)])
            counters[connection] = made
            return made
        }
    }

    /// One request written and its replies read (a command or a pipeline), on any connection.
    static func roundTrip() {
        guard enabled.load(ordering: .relaxed) else { return }
        let counter = roundTrips.withLock { stored in
            if let stored { return stored }
            let made = CoreMetrics.Counter(label: "sigma_redis_round_trips_total")
            stored = made
            return made
        }
        counter.increment()
    }

    /// An outage of the named connection ended.
    static func reconnected(_ connection: String) {
        guard enabled.load(ordering: .relaxed) else { return }
        counter(reconnects, "sigma_redis_reconnects_total", connection).increment()
    }
}
