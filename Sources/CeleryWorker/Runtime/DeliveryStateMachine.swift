/// The life of every message this worker holds, from its reservation in `unacked` until it is
/// acknowledged or put back, as a pure state machine: each `mutating` method takes one event and
/// returns the action the I/O layer must execute. Nothing here touches Redis, clocks or threads.
///
/// Per delivery tag there is one ``Phase``. The machine also holds the revoked task ids, the
/// counters `inspect stats` and SIGUSR1 show, and the shutdown ``Mode``. Its invariants:
///
/// - a message is acknowledged at most once, and never after it was put back (a restored
///   message keeps its delivery tag: a late ack would delete another worker's reservation);
/// - every message held when the worker stops is either acknowledged or put back;
/// - messages counted against the prefetch limit are exactly the held ones not waiting for an ETA.
public struct DeliveryStateMachine<Message: Sendable>: Sendable {
    /// Where a held message is.
    public enum Phase: Sendable, Hashable {
        /// Waiting for an execution slot.
        case reserved
        /// Waiting for its ETA (not counted against the prefetch limit, as in Celery).
        case scheduled
        /// Its task body is running.
        case running
        /// Its body returned; results, callbacks and the ack are being written.
        case finishing
    }

    /// What the machine knows of a held message.
    public struct Entry: Sendable {
        /// What the I/O layer keeps with it (the decoded message).
        public var message: Message
        /// The task id.
        public var taskID: String
        /// The current phase.
        public var phase: Phase
        /// Acknowledged after the task ran (`acks_late`).
        public var acksLate: Bool
        /// Whether the ack was already sent (early ack, before the body ran).
        public var acknowledged: Bool
        /// The message was delivered before (`redelivered` in its delivery info).
        public var redelivered: Bool
        /// When it was reserved (seconds since the epoch).
        public var receivedAt: Double
        /// When its body started.
        public var startedAt: Double?

        /// kombu's QoS counts unacknowledged deliveries; Celery leaves ETA messages out of it.
        var countsTowardPrefetch: Bool { phase != .scheduled && !acknowledged }
    }

    /// Whether the worker runs or stops.
    public enum Mode: Sendable, Hashable {
        /// Consuming.
        case running
        /// Warm shutdown: no new work starts; running bodies finish.
        case warm
        /// Cold shutdown: everything unacknowledged was put back; nothing more is acknowledged.
        case cold
    }

    /// A message as it arrives, decoded enough to decide what happens to it.
    public enum Arrival: Sendable, Hashable {
        /// A task message for a registered task.
        case task(Task)
        /// A message that cannot be decoded (bad body, content type, protocol).
        case undecodable
        /// A task message for a task this worker does not know.
        case unregistered(forward: Bool)

        /// The parts of a task message the machine needs.
        public struct Task: Sendable, Hashable {
            public var taskID: String
            /// ETA as seconds since the epoch.
            public var eta: Double?
            /// Expiry as seconds since the epoch.
            public var expires: Double?
            public var acksLate: Bool
            public var redelivered: Bool

            /// Creates the description of a task message.
            public init(taskID: String, eta: Double? = nil, expires: Double? = nil, acksLate: Bool, redelivered: Bool) {
                self.taskID = taskID
                self.eta = eta
                self.expires = expires
                self.acksLate = acksLate
                self.redelivered = redelivered
            }
        }
    }

    /// Why a message is discarded without running.
    public enum DiscardReason: String, Sendable, Hashable {
        case revoked
        case expired
    }

    /// What to do with an arrived message.
    public enum ReceiveAction: Sendable, Hashable {
        /// Queue it for an execution slot.
        case enqueue
        /// Keep it reserved and wake it after this many seconds.
        case schedule(after: Double)
        /// Store REVOKED and acknowledge it.
        case discard(DiscardReason)
        /// Store FAILURE when possible and acknowledge it (undecodable, or unregistered without forwarding).
        case reject
        /// Push it unchanged to the forwarding queue, removing the reservation in one step.
        case forward
        /// The worker is stopping: put it back on its queue now.
        case putBack
    }

    /// What to do when an ETA passes.
    public enum DueAction: Sendable, Hashable {
        case enqueue
        case discard(DiscardReason)
        /// Nothing: the message was put back or is no longer held.
        case none
    }

    /// What to do when an execution slot takes a message.
    public enum StartAction: Sendable, Hashable {
        /// Run the body. `acknowledgeFirst`: send the ack before running (early ack).
        /// `checkStoredResult`: a redelivered message, whose SUCCESS may already be stored.
        case run(acknowledgeFirst: Bool, checkStoredResult: Bool)
        case discard(DiscardReason)
        /// Nothing: the message was put back (shutdown) or is not held.
        case none
    }

    /// How a started message's work ended, as the executor reports it.
    public enum Completion: Sendable, Hashable {
        /// Results and callbacks written (or not needed): the work is done.
        case done
        /// The task raised `Reject(requeue=True)`: back to the end of its queue.
        case requeue
        /// A redelivered message whose SUCCESS was already stored: acknowledged without running.
        case duplicate
    }

    /// What to do once a message's work ended.
    public enum CompleteAction: Sendable, Hashable {
        case acknowledge
        case requeue
        /// Nothing: already acknowledged (early ack) or already put back (cold shutdown).
        case none
    }

    /// The messages to put back when a shutdown begins.
    public struct ShutdownAction: Sendable, Hashable {
        /// Delivery tags to put back on their queues, oldest reservation last (so it is consumed first).
        public var restore: [String]
        /// Bodies still running.
        public var running: Int
        /// False when this shutdown (or a colder one) had already begun.
        public var began: Bool
    }

    /// The held messages by delivery tag.
    public private(set) var entries: [String: Entry] = [:]
    /// Whether the worker runs or stops.
    public private(set) var mode: Mode = .running
    /// The revoked task ids.
    public private(set) var revoked: RevokedSet
    /// Tasks completed (run to an outcome) since start.
    public private(set) var processed = 0
    /// Completed tasks by name are counted by the caller; this counts discarded duplicates.
    public private(set) var duplicatesSkipped = 0
    /// The most messages held at once against the prefetch limit.
    public private(set) var prefetchLimit: Int
    private var counted = 0
    private var runningCount = 0
    private var waitingCount = 0

    /// Creates a machine for a prefetch limit (`worker_prefetch_multiplier × concurrency`).
    public init(prefetchLimit: Int, maximumRevoked: Int = RevokedSet.celeryMaximum) {
        self.prefetchLimit = max(1, prefetchLimit)
        self.revoked = RevokedSet(maximum: maximumRevoked)
    }

    /// How many more messages may be reserved now.
    /// A new prefetch limit (the pool grew or shrank); held messages above it stay until they finish.
    public mutating func resize(prefetchLimit: Int) {
        self.prefetchLimit = max(1, prefetchLimit)
    }

    public var room: Int { mode == .running ? max(0, prefetchLimit - counted) : 0 }

    /// Bodies running now.
    public var running: Int { runningCount }

    /// Reserved messages waiting for a slot.
    public var waiting: Int { waitingCount }

    /// How many messages the consumer should take now. While at least `lowWater` messages wait
    /// for a slot it waits until `lowWater` can be taken at once, so fetches come in batches
    /// (fewer round trips); when work runs short it takes whatever room there is.
    public func fetchSize(lowWater: Int) -> Int {
        let available = room
        guard available > 0 else { return 0 }
        return waitingCount < lowWater || available >= lowWater ? available : 0
    }

    // MARK: Events

    /// A message was taken off a queue and reserved.
    public mutating func receive(tag: String, _ arrival: Arrival, message: Message, now: Double) -> ReceiveAction {
        guard mode == .running else { return .putBack }
        guard case .task(let task) = arrival else {
            if case .unregistered(forward: true) = arrival { return .forward }
            return .reject
        }
        var entry = Entry(
            message: message, taskID: task.taskID, phase: .reserved, acksLate: task.acksLate, acknowledged: false,
            redelivered: task.redelivered, receivedAt: now)
        if revoked.contains(task.taskID) { return .discard(.revoked) }
        if let expires = task.expires, expires < now {
            revoked.insert(task.taskID)
            return .discard(.expired)
        }
        if let eta = task.eta, eta > now {
            entry.phase = .scheduled
            insert(tag, entry)
            return .schedule(after: eta - now)
        }
        insert(tag, entry)
        return .enqueue
    }

    /// A scheduled message's ETA passed.
    public mutating func etaPassed(tag: String) -> DueAction {
        guard mode == .running, var entry = entries[tag], entry.phase == .scheduled else { return .none }
        if revoked.contains(entry.taskID) {
            entries[tag] = nil
            return .discard(.revoked)
        }
        entry.phase = .reserved
        insert(tag, entry)
        return .enqueue
    }

    /// An execution slot takes a reserved message.
    public mutating func start(tag: String, now: Double, expires: Double? = nil) -> StartAction {
        guard mode == .running, var entry = entries[tag], entry.phase == .reserved else { return .none }
        if revoked.contains(entry.taskID) {
            remove(tag)
            return .discard(.revoked)
        }
        if let expires, expires < now {
            revoked.insert(entry.taskID)
            remove(tag)
            return .discard(.expired)
        }
        entry.phase = .running
        entry.startedAt = now
        entry.acknowledged = !entry.acksLate
        if entry.acknowledged { counted -= 1 }
        waitingCount -= 1
        entries[tag] = entry
        runningCount += 1
        return .run(acknowledgeFirst: !entry.acksLate, checkStoredResult: entry.redelivered)
    }

    /// A running message's body returned (results are written next).
    public mutating func bodyReturned(tag: String) {
        guard entries[tag]?.phase == .running else { return }
        entries[tag]?.phase = .finishing
        runningCount -= 1
        processed += 1
    }

    /// A started message's work ended; it is forgotten and its slot freed.
    public mutating func complete(tag: String, _ completion: Completion) -> CompleteAction {
        guard let entry = remove(tag) else { return .none }
        if entry.phase == .running && completion != .duplicate { processed += 1 }
        if completion == .duplicate { duplicatesSkipped += 1 }
        if entry.acknowledged { return .none }
        return completion == .requeue ? .requeue : .acknowledge
    }

    /// Task ids revoked by remote control (`revoke`, `hello`).
    public mutating func revoke(_ ids: [String]) {
        for id in ids { revoked.insert(id) }
    }

    // MARK: Shutdown

    /// Warm shutdown: stop reserving; reserved and scheduled messages go back now; running bodies finish.
    public mutating func beginWarmShutdown() -> ShutdownAction {
        guard mode == .running else { return ShutdownAction(restore: [], running: runningCount, began: false) }
        mode = .warm
        let waiting = entries.filter { $0.value.phase == .reserved || $0.value.phase == .scheduled }
        for tag in waiting.keys { remove(tag) }
        return ShutdownAction(restore: Self.restoreOrder(waiting), running: runningCount, began: true)
    }

    /// Cold shutdown: every unacknowledged message goes back now, running acks-late ones
    /// included; early-acked running ones are forgotten (they were acknowledged before they ran).
    public mutating func beginColdShutdown() -> ShutdownAction {
        guard mode != .cold else { return ShutdownAction(restore: [], running: runningCount, began: false) }
        mode = .cold
        let unacknowledged = entries.filter { !$0.value.acknowledged }
        let running = runningCount
        entries.removeAll()
        counted = 0
        runningCount = 0
        waitingCount = 0
        return ShutdownAction(restore: Self.restoreOrder(unacknowledged), running: running, began: true)
    }

    /// Whether a warm shutdown has nothing left to wait for.
    public var isDrained: Bool { mode != .running && runningCount == 0 && entries.isEmpty }

    // MARK: Helpers

    private mutating func insert(_ tag: String, _ entry: Entry) {
        remove(tag)
        entries[tag] = entry
        if entry.countsTowardPrefetch { counted += 1 }
        if entry.phase == .reserved { waitingCount += 1 }
    }

    @discardableResult
    private mutating func remove(_ tag: String) -> Entry? {
        guard let entry = entries.removeValue(forKey: tag) else { return nil }
        if entry.countsTowardPrefetch { counted -= 1 }
        if entry.phase == .reserved { waitingCount -= 1 }
        if entry.phase == .running { runningCount -= 1 }
        return entry
    }

    /// Most recently received first: restore RPUSHes each to the consuming end, so the oldest is consumed next.
    private static func restoreOrder(_ entries: [String: Entry]) -> [String] {
        entries.sorted { ($0.value.receivedAt, $0.key) > ($1.value.receivedAt, $1.key) }.map(\.key)
    }
}
