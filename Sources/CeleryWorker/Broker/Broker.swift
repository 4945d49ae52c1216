import CeleryWire
import Foundation
import Logging
import ServiceLifecycle

/// kombu's Redis transport operations other than fetching: ack, reject/requeue, restore,
/// publish through the binding table, the visibility-timeout sweep and score refresh.
/// Everything runs on one dedicated pipeline thread, so concurrent acks share round trips.
public final class Broker: BrokerTransport {
    /// The key naming in use.
    public let keys: BrokerKeys
    let writer: RedisPipelineThread
    private let logger: Logger

    /// Creates the broker side of a worker.
    public init(url: RedisURL, keys: BrokerKeys, logger: Logger) {
        self.keys = keys
        self.logger = logger
        self.ackPrefixes = [["ZREM".bytes, keys.unackedIndex.bytes], ["HDEL".bytes, keys.unacked.bytes]]
        self.writer = RedisPipelineThread(name: "sigma-broker", url: url, logger: logger)
    }

    /// Ends the writer thread after the queued work, and waits until it is done.
    public func stop() async { await writer.stop() }

    /// Publishes an event on a fanout channel, fire and forget.
    public func publishEvent(channel: String, payload: [UInt8]) {
        writer.send([["PUBLISH".bytes, channel.bytes, payload]]) { _ in }
    }

    /// Failed connections fail at once from now on (shutdown).
    public func stopRetrying() { writer.stopRetrying() }

    /// Runs until graceful shutdown, then flushes what is queued (acks, restores, events) and stops.
    public func run() async throws {
        try? await gracefulShutdown()
        await stop()
    }

    /// The commands that declare the consumed queues' bindings and this node's mailbox, as the
    /// Python worker declares them at start-up.
    static func declarations(keys: BrokerKeys, queues: [String], node: String) -> [[[UInt8]]] {
        var commands: [[[UInt8]]] = []
        for queue in queues {
            let member = keys.bindingMember(routingKey: queue, queue: queue)
            commands.append(redisCommand("SADD", keys.bindingKey(exchange: queue), member))
            commands.append(redisCommand("SADD", keys.permanentBindingKey(exchange: queue), member))
        }
        let mailbox = keys.bindingMember(routingKey: "", queue: "\(node).celery.pidbox")
        commands.append(redisCommand("SADD", keys.bindingKey(exchange: "celery.pidbox"), mailbox))
        return commands
    }

    /// Acknowledges messages: `MULTI; ZREM unacked_index …; HDEL unacked …; EXEC`. Fire and forget.
    /// Acks queued back to back while the writer is busy share one transaction.
    /// Acknowledges messages by the exact bytes of their tags (a hostile tag need not be UTF-8).
    public func ack(rawTags tags: [[UInt8]]) {
        guard !tags.isEmpty else { return }
        writer.sendMergeable(prefixes: ackPrefixes, items: tags) { [logger] result in
            if case .failure(let error) = result {
                logger.error(
                    "Could not acknowledge messages", metadata: ["error": "\(error)", "count": "\(tags.count)"])
            }
        }
    }

    /// `ZREM unacked_index` and `HDEL unacked`, followed by the tags in an ack transaction.
    private let ackPrefixes: [[[UInt8]]]

    /// Pushes a message and removes its reservation in one transaction (used to forward a
    /// message unchanged to another queue).
    public func forward(tag: String, raw: [UInt8], toQueue queue: String, priority: Int) async throws(RedisError) {
        let replies = try await writer.send([
            redisCommand("MULTI"), ["LPUSH".bytes, keys.queueKey(queue, priority: priority).bytes, raw],
            redisCommand("ZREM", keys.unackedIndex, tag), redisCommand("HDEL", keys.unacked, tag), redisCommand("EXEC"),
        ])
        try replies.last?.check()
    }

    /// Puts reserved messages back: `restore` (RPUSH, consumed next) or `requeue` (LPUSH, consumed
    /// last), each with `redelivered` set and its delivery tag kept. Tags whose entry is gone
    /// (someone else restored or acked it) are only cleaned from the index.
    /// - Returns: how many messages were pushed back.
    @discardableResult
    public func restore(_ tags: [String], requeue: Bool) async throws(RedisError) -> Int {
        guard !tags.isEmpty else { return 0 }
        let keys = self.keys
        let logger = self.logger
        return try await writer.exclusive { (connection: RedisConnection) throws(RedisError) -> Int in
            var pushed = 0
            for tag in tags {
                if try Self.restoreOne(tag, requeue: requeue, keys: keys, logger: logger, connection: connection) {
                    pushed += 1
                }
            }
            return pushed
        }
    }

    static func restoreOne(
        _ tag: String, requeue: Bool, keys: BrokerKeys, logger: Logger, connection: RedisConnection
    ) throws(RedisError) -> Bool {
        for _ in 0..<5 {
            try connection.command(["WATCH", keys.unacked]).check()
            let value = try connection.command(["HGET", keys.unacked, tag]).check()
            // Already gone (acked or restored elsewhere), or unreadable: only the index entry remains to drop.
            guard let bytes = value.bytes, let (target, payload) = restorePayload(bytes, keys: keys) else {
                if value.bytes != nil {
                    logger.error(
                        "Dropping an unreadable reservation from unacked", metadata: ["delivery.tag": "\(tag)"])
                }
                try connection.command(["UNWATCH"]).check()
                _ = try connection.pipeline([
                    redisCommand("MULTI"), redisCommand("ZREM", keys.unackedIndex, tag),
                    redisCommand("HDEL", keys.unacked, tag),
                    redisCommand("EXEC"),
                ])
                return false
            }
            let replies = try connection.pipeline([
                redisCommand("MULTI"), redisCommand("ZREM", keys.unackedIndex, tag),
                redisCommand("HDEL", keys.unacked, tag),
                [(requeue ? "LPUSH" : "RPUSH").bytes, target.bytes, payload], redisCommand("EXEC"),
            ])
            if !(replies.last?.isNull ?? true) { return true }
            // WATCH fired: somebody touched `unacked` meanwhile; look again.
        }
        return false
    }

    /// The list and bytes a reservation goes back to.
    static func restorePayload(_ value: [UInt8], keys: BrokerKeys) -> (String, [UInt8])? {
        guard let (entry, envelope) = UnackedEntry.decode(value) else { return nil }
        return (
            keys.queueKey(entry.routingKey, priority: envelope.properties.priority),
            envelope.markedRedelivered().encoded()
        )
    }

    /// Publishes a message the way kombu routes it: exchange `""` pushes to the list named by the
    /// routing key; a named exchange is looked up in `_kombu.binding.<exchange>` (no match: dropped).
    public func publish(_ envelope: KombuEnvelope) async throws(RedisError) {
        let info = envelope.properties.deliveryInfo
        let payload = envelope.encoded()
        let priority = envelope.properties.priority
        if info.exchange.isEmpty {
            try await writer.send([["LPUSH".bytes, keys.queueKey(info.routingKey, priority: priority).bytes, payload]])[
                0
            ]
            .check()
            return
        }
        let keys = self.keys
        let logger = self.logger
        try await writer.exclusive { (connection: RedisConnection) throws(RedisError) in
            let members = try connection.command(["SMEMBERS", keys.bindingKey(exchange: info.exchange)]).check()
            var queues: [String] = []
            for member in members.array ?? [] {
                guard let text = member.string, let binding = keys.parseBindingMember(text) else { continue }
                if binding.routingKey == info.routingKey && !queues.contains(binding.queue) {
                    queues.append(binding.queue)
                }
            }
            if queues.isEmpty {
                logger.warning(
                    "No binding matches the message: it was dropped, as kombu drops it",
                    metadata: ["exchange": "\(info.exchange)", "routing_key": "\(info.routingKey)"])
            }
            for queue in queues {
                try connection.command(bytes: ["LPUSH".bytes, keys.queueKey(queue, priority: priority).bytes, payload])
                    .check()
            }
        }
    }

    /// Refreshes the `unacked_index` score of messages this worker still holds, so no sweep
    /// restores them while it is alive (`ZADD … XX`, never re-adding an acked tag).
    public func refresh(_ tags: [String]) {
        guard !tags.isEmpty else { return }
        let now = String(Date().timeIntervalSince1970)
        var command = ["ZADD".bytes, keys.unackedIndex.bytes, "XX".bytes]
        for tag in tags {
            command.append(now.bytes)
            command.append(tag.bytes)
        }
        writer.send([command]) { _ in }
    }

    /// The visibility sweep: under `unacked_mutex`, restore every reservation older than
    /// `visibilityTimeout` (its holder is presumed dead).
    /// - Returns: how many messages went back to their queues (nil when another sweeper held the lock).
    @discardableResult
    public func restoreVisible(visibilityTimeout: Double, limit: Int?) async throws(RedisError) -> Int? {
        let keys = self.keys
        let logger = self.logger
        return try await writer.exclusive { (connection: RedisConnection) throws(RedisError) -> Int? in
            let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let locked = try connection.command(["SET", keys.unackedMutex, token, "NX", "PX", "300000"]).check()
            guard locked.string == "OK" else { return nil }
            defer {
                _ = try? connection.command([
                    "EVAL",
                    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
                    "1", keys.unackedMutex, token,
                ])
            }
            let ceiling = String(Date().timeIntervalSince1970 - visibilityTimeout)
            var command = ["ZREVRANGEBYSCORE", keys.unackedIndex, ceiling, "0", "WITHSCORES"]
            if let limit { command += ["LIMIT", "0", String(limit)] }
            let rows = try connection.command(command).check().array ?? []
            var restored = 0
            var index = 0
            while index + 1 < rows.count {
                if let tag = rows[index].string,
                    try Self.restoreOne(tag, requeue: false, keys: keys, logger: logger, connection: connection)
                {
                    restored += 1
                }
                index += 2
            }
            if restored > 0 {
                logger.warning("Restored messages whose visibility timeout passed", metadata: ["count": "\(restored)"])
            }
            return restored
        }
    }
}
