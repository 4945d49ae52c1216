import CeleryWire
import CeleryWorker
import ServiceLifecycle
import Synchronization

/// A ``BrokerTransport`` in memory, for tests of the executor and the delivery state machine
/// without Redis: it records what it is asked in a ``Journal`` and can refuse publishes.
public final class InMemoryBroker: BrokerTransport {
    /// What was asked.
    public let journal: Journal
    private let state = Mutex<(refusePublishes: Int, published: [KombuEnvelope])>((0, []))

    /// Creates a broker writing to a journal.
    public init(journal: Journal = Journal()) { self.journal = journal }

    /// The next `count` publishes fail as a Redis refusal would.
    public func refusePublishes(_ count: Int) { state.withLock { $0.refusePublishes = count } }

    /// The envelopes published so far.
    public var published: [KombuEnvelope] { state.withLock { $0.published } }

    public func run() async throws { try? await gracefulShutdown() }

    public func ack(rawTags: [[UInt8]]) {
        for tag in rawTags { journal.record("ack \(String(decoding: tag, as: UTF8.self))") }
    }

    public func restore(_ tags: [String], requeue: Bool) async throws(RedisError) -> Int {
        for tag in tags { journal.record("\(requeue ? "requeue" : "restore") \(tag)") }
        return tags.count
    }

    public func forward(tag: String, raw: [UInt8], toQueue queue: String, priority: Int) async throws(RedisError) {
        journal.record("forward \(tag) \(queue)")
    }

    public func publish(_ envelope: KombuEnvelope) async throws(RedisError) {
        let refused = state.withLock { state -> Bool in
            guard state.refusePublishes > 0 else {
                state.published.append(envelope)
                return false
            }
            state.refusePublishes -= 1
            return true
        }
        let id = TaskRequest.identity(of: envelope).id ?? "?"
        if refused {
            journal.record("refused publish \(id)")
            throw RedisError(.server, "OOM command not allowed when used memory > 'maxmemory'")
        }
        journal.record("publish \(id)")
    }

    public func refresh(_ tags: [String]) {}

    public func restoreVisible(visibilityTimeout: Double, limit: Int?) async throws(RedisError) -> Int? { 0 }

    public func publishEvent(channel: String, payload: [UInt8]) {}

    public func stopRetrying() {}
}
