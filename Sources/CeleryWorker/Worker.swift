import CeleryWire
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A Celery-compatible worker on Redis: consumes `-Q` queues with kombu's ack model, runs
/// registered Swift tasks with bounded concurrency and time limits, and stores results that
/// Python's `AsyncResult` reads. A swift-service-lifecycle `Service`: SIGTERM/SIGINT stop it
/// warmly (stop fetching, finish running work up to a deadline, put everything else back);
/// cancellation (SIGQUIT) stops it cold (everything still unacknowledged is put back).
public final class Worker: Service, Sendable {
    /// What the worker holds for a delivery tag until it is acked or put back.
    struct Held: Sendable {
        var message: ReservedMessage
        /// Counted against the prefetch limit (ETA-held messages are not).
        var countsTowardPrefetch: Bool
        var started: Bool
    }

    struct State: Sendable {
        var held: [String: Held] = [:]
        var etaTimers: [String: Task<Void, Never>] = [:]
        var revoked: Set<String> = []
        /// `revoked` in insertion order, to forget the oldest first.
        var revokedOrder: [String] = []
        var shuttingDown = false
        var processed = 0
        var running = 0
        /// Starts a warm shutdown from inside (set while `run()` consumes).
        var stopFromInside: (@Sendable () -> Void)?
        /// Why the process must be replaced after this run, if it must.
        var replacementReason: String?
        /// Messages whose task body is running (by delivery tag), for `inspect active`.
        var active: [String: Active] = [:]
        /// Completed tasks by name, for `inspect stats`.
        var totals: [String: Int] = [:]
        /// The Lamport clock of remote control.
        var clock = 0
        /// Time limits set by the `time_limit` control command, by task name.
        var timeLimits: [String: TimeLimit] = [:]
    }

    /// A running task, for `inspect active`.
    struct Active: Sendable {
        var message: ReservedMessage
        var startedAt: Double
    }

    public let configuration: WorkerConfiguration
    public let registry: TaskRegistry
    let logger: Logger
    let broker: Broker
    let backend: ResultBackend?
    let gate: PrefetchGate
    let ready = ReadyQueue<ReservedMessage>()
    let state = Mutex(State())
    let shutdownStarted = Atomic<Bool>(false)
    let startedAt = Date()
    let taskEvents: Atomic<Bool>

    /// Creates a worker; nothing connects until `run()`.
    public init(configuration: WorkerConfiguration, registry: TaskRegistry, logger: Logger) {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.broker = Broker(url: configuration.brokerURL, keys: configuration.brokerKeys, logger: logger)
        self.backend = configuration.backendURL.map {
            ResultBackend(
                url: $0, keys: configuration.backendKeys, expires: configuration.resultExpires,
                dateStyle: configuration.dateStyle, logger: logger)
        }
        self.gate = PrefetchGate(limit: configuration.prefetchLimit)
        self.taskEvents = Atomic(configuration.sendTaskEvents)
    }

    /// Tasks completed since start.
    public var processed: Int { state.withLock { $0.processed } }

    /// Set when the worker stopped itself because its process must be replaced (a task still
    /// running after its hard time limit): the caller should exec a fresh process.
    public var replacementReason: String? { state.withLock { $0.replacementReason } }

    /// Runs until shut down.
    public func run() async throws {
        try await broker.declare(queues: configuration.queues)
        try await broker.declareMailbox(node: configuration.hostname)
        do {
            try await broker.restoreVisible(visibilityTimeout: configuration.visibilityTimeout)
        } catch {
            logger.warning("Visibility sweep at start-up failed", metadata: ["error": "\(error)"])
        }
        let (stream, continuation) = AsyncStream<[Delivery]>.makeStream()
        let consumer = Consumer(
            url: configuration.brokerURL, keys: configuration.brokerKeys, queues: configuration.queues,
            pollInterval: configuration.pollingInterval, gate: gate, logger: logger
        ) { deliveries in continuation.yield(deliveries) }
        consumer.start()
        state.withLock { state in
            state.stopFromInside = { self.beginShutdown(consumer: consumer, continuation: continuation, cold: false) }
        }
        let mailbox = ControlMailbox(url: configuration.brokerURL, logger: logger) { request in
            Task { await self.control(request) }
        }
        mailbox.start()
        sendWorkerEvent("worker-online")
        logger.info(
            "\(configuration.hostname) ready.",
            metadata: [
                "broker": "\(configuration.brokerURL)", "queues": "\(configuration.queues)",
                "concurrency": "\(configuration.concurrency)", "tasks": "\(registry.names)",
            ])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await deliveries in stream {
                        for delivery in deliveries { await self.receive(delivery) }
                    }
                }
                for _ in 0..<configuration.concurrency {
                    group.addTask {
                        while let message = await self.ready.take() { await self.execute(message) }
                    }
                }
                group.addTask { await self.maintain() }
                await withTaskCancellationHandler {
                    await group.waitForAll()
                } onCancel: {
                    // Cold shutdown: stop fetching; everything unacked is put back below.
                    self.beginShutdown(consumer: consumer, continuation: continuation, cold: true)
                }
            }
        } onGracefulShutdown: {
            self.beginShutdown(consumer: consumer, continuation: continuation, cold: false)
        }
        mailbox.stop()
        await restoreRemaining()
        sendWorkerEvent("worker-offline")
        await broker.stop()
        await backend?.stop()
        logger.info("Worker stopped", metadata: ["processed": "\(processed)"])
    }

    /// Starts a warm (or cold) shutdown: stop fetching, close the ready queue, cancel ETA timers.
    func beginShutdown(consumer: Consumer, continuation: AsyncStream<[Delivery]>.Continuation, cold: Bool) {
        guard !shutdownStarted.exchange(true, ordering: .sequentiallyConsistent) else { return }
        logger.warning(cold ? "Cold shutdown (SIGQUIT)" : "Warm shutdown (stop fetching, finish running tasks)")
        let timers = state.withLock { state -> [Task<Void, Never>] in
            state.shuttingDown = true
            let timers = Array(state.etaTimers.values)
            state.etaTimers.removeAll()
            return timers
        }
        timers.forEach { $0.cancel() }
        Thread.detachNewThread {
            consumer.stop()
            continuation.finish()
        }
        Task {
            _ = await self.ready.close()
            if !cold { await self.waitForRunningTasks() }
        }
    }

    /// Waits up to `shutdownTimeout` for running tasks.
    func waitForRunningTasks() async {
        let deadline = Date().addingTimeInterval(configuration.shutdownTimeout)
        while state.withLock({ $0.running }) > 0 && Date() < deadline {
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// Puts back every message still held: reserved, ETA-held and unfinished acks-late ones
    /// (RPUSH with `redelivered`, most recently received first, so the oldest is consumed next).
    func restoreRemaining() async {
        let tags = state.withLock { state -> [String] in
            state.held.values.sorted { $0.message.delivery.receivedAt > $1.message.delivery.receivedAt }.map(
                \.message.tag)
        }
        guard !tags.isEmpty else { return }
        do {
            let count = try await broker.restore(tags)
            logger.warning("Restored unacknowledged messages to their queues", metadata: ["count": "\(count)"])
        } catch {
            logger.error(
                "Could not restore unacknowledged messages; a visibility sweep will recover them",
                metadata: ["error": "\(error)", "count": "\(tags.count)"])
        }
        state.withLock { $0.held.removeAll() }
    }

    /// Periodic work: the visibility sweep and keeping held messages' index scores fresh.
    func maintain() async {
        var lastSweep = Date()
        var lastRefresh = Date()
        var lastHeartbeat = Date()
        while !shutdownStarted.load(ordering: .relaxed) {
            try? await Task.sleep(nanoseconds: 200_000_000)
            let now = Date()
            if configuration.sendHeartbeats && now.timeIntervalSince(lastHeartbeat) >= Self.heartbeatInterval {
                lastHeartbeat = now
                sendWorkerEvent("worker-heartbeat")
            }
            if now.timeIntervalSince(lastRefresh) >= configuration.refreshInterval {
                lastRefresh = now
                broker.refresh(state.withLock { Array($0.held.keys) })
            }
            if now.timeIntervalSince(lastSweep) >= configuration.restoreInterval {
                lastSweep = now
                do {
                    try await broker.restoreVisible(visibilityTimeout: configuration.visibilityTimeout)
                } catch {
                    logger.warning("Visibility sweep failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Stops the worker warmly so that its process can be replaced; ``replacementReason`` says why.
    func requestReplacement(_ reason: String) {
        let stop = state.withLock { state -> (@Sendable () -> Void)? in
            guard state.replacementReason == nil else { return nil }
            state.replacementReason = reason
            return state.stopFromInside
        }
        guard let stop else { return }
        logger.critical("Replacing the worker process: \(reason)")
        stop()
    }

    /// Marks task ids revoked: their messages are discarded with a REVOKED result.
    public func revoke(_ ids: [String]) {
        state.withLock { state in
            for id in ids where state.revoked.insert(id).inserted { state.revokedOrder.append(id) }
            // Celery keeps at most 50,000 revoked ids (its LimitedSet); the oldest go first.
            let excess = state.revokedOrder.count - Self.maximumRevoked
            if excess > 0 {
                for id in state.revokedOrder.prefix(excess) { state.revoked.remove(id) }
                state.revokedOrder.removeFirst(excess)
            }
        }
    }

    /// Whether a task id is flagged as revoked on this worker.
    public func isRevoked(_ id: String) -> Bool {
        state.withLock { $0.revoked.contains(id) }
    }

    /// The most revoked ids remembered (Celery's `REVOKES_MAX`).
    static let maximumRevoked = 50_000
}
