import CeleryWire
import Foundation
import Logging
import Synchronization

/// What the worker's services share: settings, tasks, the Redis clients and the one
/// ``DeliveryStateMachine`` that decides what happens to every held message. The services
/// (consumer, executor, control mailbox, maintenance, writers, signals) are built around it by
/// ``WorkerApplication/build(configuration:registry:logger:)``; this type only executes the
/// machine's shutdown actions and answers what the outside asks (processed, restart, revoked).
public final class WorkerRuntime: Sendable {
    /// The settings in effect.
    public let configuration: WorkerConfiguration
    /// The tasks this worker runs.
    public let registry: TaskRegistry
    let logger: Logger
    let broker: any BrokerTransport
    let backend: (any ResultStore)?
    let deliveries: Mutex<DeliveryStateMachine<ReservedMessage>>
    let ready = ReadyQueue<ReservedMessage>()
    let wake = WakeSignal()
    let events: EventPublisher
    /// Time limits set by the `time_limit` control command, by task name.
    let limits = Mutex<[String: TimeLimit]>([:])
    /// Completed tasks by name, for `inspect stats`.
    let totals = Mutex<[String: Int]>([:])
    let timers = Mutex<[String: Task<Void, Never>]>([:])
    let startedAt = Date()
    /// Writes started outside an execution slot (discards, rejects, forwards), waited for at shutdown.
    let sideTasks = WaitGroup()
    /// Early-acked results queued and not yet in the socket buffer, at most `concurrency`.
    let unwritten: UnwrittenResults
    /// Early acks, each sent once the results queued before its task started are written.
    let earlyAcks: EarlyAcks
    /// systemd's notification socket (a no-op outside a `Type=notify` unit).
    let notifier: SystemdNotifier
    /// The counts behind `/metrics` (no-ops unless ``WorkerConfiguration/metricsEnabled``).
    public let metrics: WorkerMetrics
    /// What `/healthz` and `/readyz` answer from.
    public let health = WorkerHealth()
    private let lifecycle = Mutex(Lifecycle())
    /// Execution slots now (`-c`, changed live by `pool_grow`, `pool_shrink` and `autoscale`).
    private let slotCount: Atomic<Int>
    /// Called with the new slot count when it changes (the executor starts or ends loops).
    private let resizeHandler = Mutex<(@Sendable (Int) -> Void)?>(nil)

    private struct Lifecycle {
        var trigger: (@Sendable () -> Void)?
        var replacementReason: String?
        var restartRequested = false
    }

    /// Creates the shared state; nothing connects until the services run.
    /// - Parameters:
    ///   - broker: the broker transport; kombu's Redis transport on `brokerURL` when nil.
    ///   - results: the result store; Celery's Redis backend on `backendURL` when nil (none
    ///     without a `backendURL`).
    public init(
        configuration: WorkerConfiguration, registry: TaskRegistry, logger: Logger,
        broker: (any BrokerTransport)? = nil, results: (any ResultStore)? = nil,
        notifier: SystemdNotifier = SystemdNotifier()
    ) {
        self.notifier = notifier
        self.metrics = WorkerMetrics(enabled: configuration.metricsEnabled, node: configuration.hostname)
        if configuration.metricsEnabled { RedisMetrics.enabled.store(true, ordering: .relaxed) }
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.broker = broker ?? Broker(url: configuration.brokerURL, keys: configuration.brokerKeys, logger: logger)
        self.backend =
            results
            ?? configuration.backendURL.map {
                ResultBackend(
                    url: $0, keys: configuration.backendKeys, expires: configuration.resultExpires,
                    dateStyle: configuration.dateStyle, logger: logger)
            }
        self.deliveries = Mutex(DeliveryStateMachine(prefetchLimit: configuration.prefetchLimit))
        self.slotCount = Atomic(configuration.concurrency)
        self.rateLimited.store(
            registry.names.contains { registry.task(named: $0)?.options.rateLimit != nil }, ordering: .relaxed)
        self.autoscaleBounds = Mutex(configuration.autoscale)
        self.consumedQueues = Mutex(configuration.queues)
        self.unwritten = UnwrittenResults(limit: configuration.concurrency)
        self.earlyAcks = EarlyAcks(broker: self.broker, backend: self.backend)
        self.events = EventPublisher(configuration: configuration, broker: self.broker)
    }

    // MARK: What the outside asks

    /// Execution slots now.
    public var slots: Int { slotCount.load(ordering: .relaxed) }

    // MARK: Live changes (remote control)

    /// Rate-limit buckets by task name; a nil value is "no limit" (set by `rate_limit`).
    let rateBuckets = Mutex<[String: RateLimit.Bucket?]>([:])
    /// Whether any task type may have a rate limit (a task option, or the `rate_limit`
    /// command): without one, starting a task takes no lock for it.
    private let rateLimited = Atomic<Bool>(false)
    var hasRateLimits: Bool { rateLimited.load(ordering: .relaxed) }
    /// `--autoscale` bounds now (the `autoscale` command changes them).
    let autoscaleBounds: Mutex<WorkerConfiguration.Autoscale?>
    /// The queues consumed now (`add_consumer` / `cancel_consumer` change them).
    let consumedQueues: Mutex<[String]>
    /// Stamps revoked by `revoke_by_stamped_headers`: header → revoked values (Python reprs).
    let revokedStamps = Mutex<[String: Set<String>]>([:])

    /// Remembers revoked stamps (a value or a list of values per header).
    func revokeStamps(_ headers: JSONObject) {
        revokedStamps.withLock { revoked in
            for (header, value) in headers {
                for item in value.arrayValue ?? [value] { revoked[header, default: []].insert(PythonRepr.repr(item)) }
            }
        }
    }

    /// Whether a request carries a revoked stamp (Celery's `Request.revoked`, by header).
    func carriesRevokedStamp(_ request: TaskRequest) -> Bool {
        let stamps = request.stamps.objectValue ?? [:]
        guard !stamps.isEmpty else { return false }
        return revokedStamps.withLock { revoked in
            guard !revoked.isEmpty else { return false }
            for (header, value) in stamps {
                guard let values = revoked[header], value != .null else { continue }
                if (value.arrayValue ?? [value]).contains(where: { values.contains(PythonRepr.repr($0)) }) {
                    return true
                }
            }
            return false
        }
    }

    /// RSS samples taken by `memsample`, for `memdump`.
    let memorySamples = Mutex<[Int]>([])

    /// Seconds to wait before a task of this type may start (its rate limit), taking the token
    /// when it may start now.
    func rateLimitDelay(for task: String, option: String?) -> Double {
        rateBuckets.withLock { buckets -> Double in
            if buckets[task] == nil {
                buckets[task] = .some((try? RateLimit.parse(option))?.map { RateLimit.Bucket(limit: $0) })
            }
            guard case .some(.some(var bucket)) = buckets[task] else { return 0 }
            let delay = bucket.take(now: Date().timeIntervalSince1970)
            buckets[task] = bucket
            return delay
        }
    }

    /// Sets (or, nil, removes) a task type's rate limit.
    func setRateLimit(_ limit: RateLimit?, for task: String) {
        rateBuckets.withLock { $0[task] = .some(limit.map { RateLimit.Bucket(limit: $0) }) }
        if limit != nil { rateLimited.store(true, ordering: .sequentiallyConsistent) }
    }

    /// The queues consumed now.
    public var queues: [String] { consumedQueues.withLock { $0 } }

    /// Set once the process signals are trapped (at once without a ``SignalService``): the
    /// consumer says "ready" (and systemd's `READY=1`) only after, so a SIGTERM sent on "ready"
    /// always gets the warm shutdown instead of the default action.
    let signalsTrapped = Atomic<Bool>(false)

    /// Waits (bounded) until the signals are trapped.
    func waitForSignalsTrapped(timeout: Double = 2) {
        let deadline = Date().addingTimeInterval(timeout)
        while !signalsTrapped.load(ordering: .sequentiallyConsistent) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Bumped when the consumed queues change (the consumer compares it, not the lists).
    let queuesVersion = Atomic<Int>(0)

    /// `add_consumer`: whether the queue is new.
    func addQueue(_ queue: String) -> Bool {
        let added = consumedQueues.withLock { queues -> Bool in
            guard !queues.contains(queue) else { return false }
            queues.append(queue)
            return true
        }
        if added {
            queuesVersion.add(1, ordering: .sequentiallyConsistent)
            wake.roomChanged()
        }
        return added
    }

    /// `cancel_consumer`: whether the queue was consumed.
    func cancelQueue(_ queue: String) -> Bool {
        consumedQueues.withLock { queues -> Bool in
            guard let index = queues.firstIndex(of: queue) else { return false }
            queues.remove(at: index)
            queuesVersion.add(1, ordering: .sequentiallyConsistent)
            return true
        }
    }

    /// The prefetch limit now: slots × `worker_prefetch_multiplier`.
    public var prefetchLimit: Int { deliveries.withLock { $0.prefetchLimit } }

    /// Sets the number of execution slots (at least 1) and the prefetch limit with it, as
    /// Celery's pool grow/shrink updates `prefetch_count`. - Returns: the new count.
    @discardableResult
    func resize(slots requested: Int) -> Int {
        let count = max(1, requested)
        slotCount.store(count, ordering: .sequentiallyConsistent)
        deliveries.withLock { $0.resize(prefetchLimit: count * configuration.prefetchMultiplier) }
        resizeHandler.withLock { $0 }?(count)
        wake.roomChanged()
        return count
    }

    /// The executor's hook for ``resize(slots:)``.
    func onResize(_ handler: @escaping @Sendable (Int) -> Void) {
        resizeHandler.withLock { $0 = handler }
    }

    /// Tasks completed since start.
    public var processed: Int { deliveries.withLock { $0.processed } }

    /// Set when the worker stopped itself because its process must be replaced (a task still
    /// running after its hard time limit): the caller should exec a fresh process.
    public var replacementReason: String? { lifecycle.withLock { $0.replacementReason } }

    /// Set when SIGHUP asked for a warm restart: the caller re-executes the program once the group ended.
    public var restartRequested: Bool { lifecycle.withLock { $0.restartRequested } }

    /// Marks task ids revoked: their messages are discarded with a REVOKED result.
    public func revoke(_ ids: [String]) {
        deliveries.withLock { $0.revoke(ids) }
    }

    /// Whether a task id is flagged as revoked on this worker.
    public func isRevoked(_ id: String) -> Bool {
        deliveries.withLock { $0.revoked.contains(id) }
    }

    /// How many more messages the consumer may reserve now.
    var room: Int { deliveries.withLock { $0.room } }

    /// Whether a cold shutdown began.
    var isCold: Bool { deliveries.withLock { $0.mode == .cold } }

    // MARK: Stopping

    /// Sets what starts the group's graceful shutdown (the build function does).
    func setShutdownTrigger(_ trigger: @escaping @Sendable () -> Void) {
        lifecycle.withLock { $0.trigger = trigger }
    }

    /// Starts the warm shutdown of every service (remote `shutdown`, SIGTERM, replacement, restart).
    func requestStop() {
        let (trigger, reexec) = lifecycle.withLock { ($0.trigger, $0.restartRequested || $0.replacementReason != nil) }
        if reexec { notifier.reloading() } else { notifier.stopping() }
        trigger?()
    }

    /// Stops the worker warmly so that its process can be replaced; ``replacementReason`` says why.
    func requestReplacement(_ reason: String) {
        let first = lifecycle.withLock { state -> Bool in
            guard state.replacementReason == nil else { return false }
            state.replacementReason = reason
            return true
        }
        guard first else { return }
        logger.critical("Replacing the worker process: \(reason)")
        requestStop()
    }

    /// SIGHUP: warm shutdown, then the caller re-executes the program.
    func requestRestart() {
        lifecycle.withLock { $0.restartRequested = true }
        logger.warning("worker: Warm restart (SIGHUP): finishing running tasks, then restarting")
        requestStop()
    }

    /// The consumer stopped fetching: reserved and scheduled messages go back to their queues.
    func beginWarmShutdown() async {
        let action = deliveries.withLock { $0.beginWarmShutdown() }
        // From here a Redis outage no longer holds the writers: results are retried by their
        // writers' callers until a cold shutdown; what cannot be restored stays in `unacked`.
        broker.stopRetrying()
        backend?.stopRetrying()
        guard action.began else { return }
        health.setReady(false)
        logger.warning("worker: Warm shutdown (MainProcess)", metadata: ["running": "\(action.running)"])
        cancelTimers()
        await restore(action.restore, reason: "reserved")
    }

    /// Cold shutdown (SIGQUIT, a second SIGTERM, the shutdown timeout): every unacknowledged
    /// message goes back to its queue now, running acks-late ones included; nothing is marked failed.
    func coldShutdown(_ why: String) async {
        let action = deliveries.withLock { $0.beginColdShutdown() }
        guard action.began else { return }
        health.setReady(false)
        logger.warning(
            "worker: Cold shutdown (MainProcess)", metadata: ["reason": "\(why)", "running": "\(action.running)"])
        wake.stop()
        broker.stopRetrying()
        backend?.stopRetrying()
        cancelTimers()
        ready.close()
        await restore(action.restore, reason: "unacknowledged")
        requestStop()
    }

    /// The gauges as they stand, with the queue lengths a probe read.
    public func gauges(queueLengths: [String: Int]) -> WorkerMetrics.Gauges {
        let (running, waiting) = deliveries.withLock { ($0.running, $0.waiting) }
        return WorkerMetrics.Gauges(
            up: health.isReady, active: running, prefetched: waiting, scheduled: timers.withLock { $0.count },
            queueLengths: queueLengths)
    }

    private func cancelTimers() {
        let cancelled = timers.withLock { timers -> [Task<Void, Never>] in
            defer { timers.removeAll() }
            return Array(timers.values)
        }
        cancelled.forEach { $0.cancel() }
    }

    /// Puts messages back on their queues (RPUSH with `redelivered`, tags kept).
    func restore(_ tags: [String], reason: String) async {
        guard !tags.isEmpty else { return }
        do {
            let count = try await broker.restore(tags)
            metrics.restored(count)
            logger.warning(
                "Restored \(reason) messages to their queues", metadata: ["count": "\(count)", "tags": "\(tags.count)"])
        } catch {
            logger.error(
                "Could not restore \(reason) messages; a visibility sweep will recover them",
                metadata: ["error": "\(error)", "count": "\(tags.count)"])
        }
        wake.roomChanged()
    }

    /// Runs a write outside the execution slots; the executor waits for it before the writers stop.
    func sideWork(_ work: @escaping @Sendable () async -> Void) {
        sideTasks.enter()
        Task {
            await work()
            sideTasks.leave()
        }
    }

    /// Runs a write until it succeeds, with backoff (capped at 1 s), while no cold shutdown began.
    /// - Returns: whether it succeeded.
    func persist(
        _ what: String, _ request: TaskRequest? = nil, taskID: String? = nil,
        _ write: () async throws(RedisError) -> Void
    ) async -> Bool {
        var policy = ReconnectPolicy()
        while true {
            do {
                try await write()
                if policy.inOutage {
                    logger.info(
                        "Could \(what) after retrying", metadata: ["celery.task.id": "\(taskID ?? request?.id ?? "?")"])
                }
                return true
            } catch {
                let failure = policy.failed()
                if failure.beginsOutage {
                    logger.error(
                        "Could not \(what); trying again until it succeeds",
                        metadata: ["celery.task.id": "\(taskID ?? request?.id ?? "?")", "error": "\(error)"])
                }
                if isCold { return false }
                try? await Task.sleep(nanoseconds: UInt64(failure.delay * 1e9))
                if isCold { return false }
            }
        }
    }

    // MARK: Acknowledgement

    /// Acknowledges a message whose entry the machine already dropped, and frees its slot.
    func acknowledge(_ tag: String) {
        broker.ack([tag])
        wake.roomChanged()
    }

    /// A started message's work ended: acknowledge, requeue or nothing, as the machine says.
    func complete(_ message: ReservedMessage, _ completion: DeliveryStateMachine<ReservedMessage>.Completion) async {
        let action = deliveries.withLock { $0.complete(tag: message.tag, completion) }
        switch action {
        case .acknowledge:
            broker.ack([message.tag])
        case .requeue:
            do {
                try await broker.restore([message.tag], requeue: true)
                metrics.restored(1)
            } catch {
                logger.error("Could not requeue the message; it stays reserved", metadata: ["error": "\(error)"])
            }
        case .none:
            break
        }
        wake.roomChanged()
        checkRecycle()
    }

    /// After a task: replace the process warmly when `--max-tasks-per-child` or
    /// `--max-memory-per-child` says so (``RecyclePolicy``).
    private func checkRecycle() {
        let policy = configuration.recyclePolicy
        guard policy.taskLimit != nil || policy.watchesMemory else { return }
        let memory =
            policy.watchesMemory
            ? RecyclePolicy.anonymousKiB(status: RecyclePolicy.processStatus())
            : nil
        guard let reason = policy.reason(processed: processed, anonymousKiB: memory) else { return }
        requestRecycle(reason)
    }

    /// Replaces the process as a prefork pool recycles a child: warm shutdown, then re-execution.
    func requestRecycle(_ reason: RecyclePolicy.Reason) {
        let first = lifecycle.withLock { state -> Bool in
            guard !state.restartRequested else { return false }
            state.restartRequested = true
            return true
        }
        guard first else { return }
        logger.info("Recycling the worker process (\(reason)): finishing running tasks, then starting afresh")
        requestStop()
    }

    /// Metadata naming a request, for log lines.
    static func metadata(_ request: TaskRequest) -> Logger.Metadata {
        ["celery.task.id": "\(request.id)", "celery.task.name": "\(request.task)"]
    }

    /// Seconds as Celery prints them: an integral value without a fraction, otherwise Python's
    /// shortest round-trip `repr` (which Swift's `description` matches).
    static func seconds(_ value: Double) -> String {
        if value.rounded() == value && value < 1e9 { return String(Int(value)) }
        return value.description
    }
}
