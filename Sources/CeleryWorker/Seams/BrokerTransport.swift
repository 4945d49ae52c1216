import CeleryWire
import ServiceLifecycle

/// What the runtime asks of the broker besides fetching (the consumer takes and reserves
/// messages itself): acks, restores, forwards, publishes, reservation upkeep and events. ``Broker``
/// is kombu's Redis transport; the tests drive the executor and the delivery state machine on an
/// in-memory one. A `Service`: run until graceful shutdown, then flush and stop.
public protocol BrokerTransport: Service, Sendable {
    /// Acknowledges messages by their delivery tags' bytes. Fire and forget.
    func ack(rawTags: [[UInt8]])
    /// Puts reserved messages back with `redelivered`: `restore` (consumed next) or `requeue`
    /// (consumed last). - Returns: how many were pushed back.
    @discardableResult func restore(_ tags: [String], requeue: Bool) async throws(RedisError) -> Int
    /// Moves a reserved message unchanged to another queue, removing its reservation in one step.
    func forward(tag: String, raw: [UInt8], toQueue queue: String, priority: Int) async throws(RedisError)
    /// Publishes a message the way kombu routes it.
    func publish(_ envelope: KombuEnvelope) async throws(RedisError)
    /// Keeps held messages' reservations fresh, so no sweep takes them from a live worker.
    func refresh(_ tags: [String])
    /// Restores reservations older than the visibility timeout, whoever held them.
    /// - Returns: how many went back (nil when another sweeper held the lock).
    func restoreVisible(visibilityTimeout: Double, limit: Int?) async throws(RedisError) -> Int?
    /// Publishes an event on a fanout channel. Fire and forget.
    func publishEvent(channel: String, payload: [UInt8])
    /// From now on a write whose connection fails fails at once (shutdown).
    func stopRetrying()
}

extension BrokerTransport {
    /// Acknowledges messages. Fire and forget.
    public func ack(_ tags: [String]) { ack(rawTags: tags.map { Array($0.utf8) }) }

    /// Puts reserved messages back (consumed next).
    @discardableResult
    public func restore(_ tags: [String]) async throws(RedisError) -> Int { try await restore(tags, requeue: false) }

    /// Restores every reservation older than the visibility timeout.
    @discardableResult
    public func restoreVisible(visibilityTimeout: Double) async throws(RedisError) -> Int? {
        try await restoreVisible(visibilityTimeout: visibilityTimeout, limit: nil)
    }
}
