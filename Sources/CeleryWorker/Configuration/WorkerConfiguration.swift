import CeleryWire
import Foundation

/// Everything a worker needs to run, with Celery's defaults.
public struct WorkerConfiguration: Sendable {
    /// `broker_url`.
    public var brokerURL: RedisURL
    /// `result_backend`; nil stores no results.
    public var backendURL: RedisURL?
    /// Queues to consume (`-Q`), in declared order.
    public var queues: [String]
    /// Tasks running at once (`--concurrency`).
    public var concurrency: Int
    /// `worker_prefetch_multiplier`: reserved messages per concurrency slot.
    public var prefetchMultiplier: Int
    /// The node name (`-n`), `celery@<host>` by default.
    public var hostname: String
    /// Broker key naming (transport options `sep`, `priority_steps`, `global_keyprefix`…).
    public var brokerKeys: BrokerKeys
    /// Result key naming (`result_backend_transport_options.global_keyprefix`).
    public var backendKeys: BackendKeys
    /// `visibility_timeout` in seconds.
    public var visibilityTimeout: Double
    /// BRPOP timeout in seconds (`polling_interval`).
    public var pollingInterval: Double
    /// Seconds between visibility sweeps (kombu sweeps every 10 s).
    public var restoreInterval: Double
    /// Seconds between refreshes of held messages' `unacked_index` scores.
    public var refreshInterval: Double
    /// `result_expires` in seconds; nil or 0 stores without expiry.
    public var resultExpires: Int?
    /// How `date_done` is written.
    public var dateStyle: ResultRecord.DateStyle
    /// `task_soft_time_limit` default in seconds.
    public var softTimeLimit: Double?
    /// `task_time_limit` default in seconds.
    public var timeLimit: Double?
    /// `task_acks_late` default.
    public var acksLate: Bool
    /// `task_track_started` default.
    public var trackStarted: Bool
    /// `task_default_queue`: where callbacks go without an explicit queue.
    public var defaultQueue: String
    /// Offset (seconds east of UTC) for naive ETA/expires values (`timezone`; Celery default UTC).
    public var naiveTimeOffset: Int
    /// `--forward-unknown`: push messages for unregistered tasks unchanged onto this queue.
    public var forwardUnknownQueue: String?
    /// `--shutdown-timeout`: how long a warm shutdown waits for running tasks before it turns
    /// cold (every unacknowledged message back to its queue). nil waits as long as they run, as Celery.
    public var shutdownTimeout: Double?
    /// Count tasks, runtimes and Redis work into swift-metrics (`--metrics-port`; the executable
    /// bootstraps the Prometheus registry).
    public var metricsEnabled = false
    /// `--max-tasks-per-child`: the process is replaced warmly after this many tasks per slot
    /// (``RecyclePolicy``).
    public var maxTasksPerChild: Int?
    /// `--max-memory-per-child` (KiB): the process is replaced warmly when its resident anonymous
    /// memory passes this after a task.
    public var maxMemoryPerChild: Int?
    /// `--autoscale MAX,MIN`: reported by `inspect stats`; `autoscale` and `pool_grow`/`pool_shrink` adjust the slots.
    public var autoscale: Autoscale?
    /// `-P/--pool` as given (tasks always run in this process; `solo` means one slot).
    public var pool: String
    /// `--purge`: erase the consumed queues' messages before consuming.
    public var purgeAtStart: Bool
    /// `worker_pool_restarts` (`CELERY_WORKER_POOL_RESTARTS`): `pool_restart` restarts the worker warmly.
    public var poolRestarts: Bool

    /// `--autoscale`'s bounds.
    public struct Autoscale: Sendable, Equatable {
        public var maximum: Int
        public var minimum: Int

        public init(maximum: Int, minimum: Int) {
            self.maximum = maximum
            self.minimum = minimum
        }
    }

    /// `-E` / `worker_send_task_events`: publish task events (worker events are always sent).
    public var sendTaskEvents: Bool
    /// `--without-heartbeat`: no `worker-heartbeat` events.
    public var sendHeartbeats: Bool
    /// How long a task abandoned at its hard time limit may take to stop before the worker
    /// replaces its process (DECISIONS.md, time limits).
    public var runawayGrace: Double

    /// Creates a configuration with Celery's defaults.
    public init(
        brokerURL: RedisURL = RedisURL(endpoint: .tcp(host: "localhost", port: 6379)),
        backendURL: RedisURL? = RedisURL(endpoint: .tcp(host: "localhost", port: 6379), database: 1),
        queues: [String] = ["celery"], concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        prefetchMultiplier: Int = 4, hostname: String = "celery@" + ProcessInfo.processInfo.hostName
    ) {
        self.brokerURL = brokerURL
        self.backendURL = backendURL
        self.queues = queues
        self.concurrency = max(1, concurrency)
        self.prefetchMultiplier = max(1, prefetchMultiplier)
        self.hostname = hostname
        self.brokerKeys = BrokerKeys()
        self.backendKeys = BackendKeys()
        self.visibilityTimeout = 3600
        self.pollingInterval = 1
        self.restoreInterval = 10
        self.refreshInterval = 60
        self.resultExpires = 86_400
        self.dateStyle = .aware
        self.softTimeLimit = nil
        self.timeLimit = nil
        self.acksLate = false
        self.trackStarted = false
        self.defaultQueue = "celery"
        self.naiveTimeOffset = 0
        self.forwardUnknownQueue = nil
        self.shutdownTimeout = nil
        self.maxTasksPerChild = nil
        self.maxMemoryPerChild = nil
        self.autoscale = nil
        self.pool = "prefork"
        self.purgeAtStart = false
        self.poolRestarts = false
        self.runawayGrace = 2
        self.sendTaskEvents = false
        self.sendHeartbeats = true
    }

    /// When the process replaces itself.
    public var recyclePolicy: RecyclePolicy {
        RecyclePolicy(
            maxTasksPerChild: maxTasksPerChild, maxMemoryPerChild: maxMemoryPerChild, concurrency: concurrency)
    }

    /// `prefetch_count`: the most messages held unacknowledged at once.
    public var prefetchLimit: Int { concurrency * prefetchMultiplier }
}
