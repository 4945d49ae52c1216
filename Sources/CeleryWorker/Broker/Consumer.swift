import CeleryWire
import Foundation
import Logging

/// The fetch loop, on its own thread: BRPOP across the queues and their priority lists,
/// then (when there is room for more) RPOP the rest of a burst, and reserve everything popped
/// in `unacked` / `unacked_index` in one MULTI before handing it on — kombu's ack emulation.
final class Consumer: @unchecked Sendable {
    private let url: RedisURL
    private let keys: BrokerKeys
    private var queues: [String]
    private let pollInterval: Double
    private let gate: PrefetchGate
    private let logger: Logger
    private let deliver: @Sendable ([Delivery]) -> Void
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    private var batchPops = true
    private var fetchConnection: RedisConnection?
    private var reserveConnection: RedisConnection?
    private var outage = false
    /// Messages popped but not yet reserved when the connection failed: pushed back first thing
    /// after reconnecting, so a connection loss between the pop and the reservation loses nothing.
    private var unreserved: [(key: String, payload: [UInt8])] = []

    init(
        url: RedisURL, keys: BrokerKeys, queues: [String], pollInterval: Double, gate: PrefetchGate, logger: Logger,
        deliver: @escaping @Sendable ([Delivery]) -> Void
    ) {
        self.url = url
        self.keys = keys
        self.queues = queues
        self.pollInterval = pollInterval
        self.gate = gate
        self.logger = logger
        self.deliver = deliver
    }

    /// Starts fetching on a dedicated thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "sigma-consumer"
        thread.start()
    }

    /// Stops fetching and waits (up to the poll interval plus a margin) for the loop to end.
    func stop() {
        condition.lock()
        stopping = true
        condition.unlock()
        gate.close()
        condition.lock()
        let deadline = Date().addingTimeInterval(pollInterval + 5)
        while !finished && condition.wait(until: deadline) {}
        condition.unlock()
    }

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    private func run() {
        var delay = 0.1
        while !isStopping {
            let room = gate.waitForRoom(timeout: pollInterval)
            if room == 0 || isStopping { continue }
            do throws(RedisError) {
                let deliveries = try fetch(room: room)
                if outage {
                    outage = false
                    logger.info(
                        "Consumer reconnected to the broker, consuming again", metadata: ["redis.url": "\(url)"])
                }
                delay = 0.1
                if !deliveries.isEmpty { deliver(deliveries) }
            } catch {
                fetchConnection = nil
                reserveConnection = nil
                if outage {
                    logger.debug("Still cannot consume", metadata: ["error": "\(error.message)"])
                } else {
                    outage = true
                    logger.error(
                        "Connection to broker lost, reconnecting with backoff",
                        metadata: ["redis.url": "\(url)", "error": "\(error.message)"])
                }
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            }
        }
        fetchConnection?.close()
        reserveConnection?.close()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func connection(_ existing: inout RedisConnection?, timeout: Double?) throws(RedisError) -> RedisConnection
    {
        if let existing { return existing }
        let fresh = try RedisConnection(url: url, connectTimeout: 5, commandTimeout: timeout)
        existing = fresh
        return fresh
    }

    private func fetch(room: Int) throws(RedisError) -> [Delivery] {
        let fetcher = try connection(&fetchConnection, timeout: pollInterval + 25)
        if !unreserved.isEmpty {
            // Back to the head of their lists, first-popped last so it is consumed first again.
            for item in unreserved.reversed() {
                try fetcher.command(bytes: ["RPUSH".bytes, item.key.bytes, item.payload]).check()
            }
            logger.warning(
                "Put back messages popped before the connection was lost", metadata: ["count": "\(unreserved.count)"])
            unreserved.removeAll()
        }
        let consumeKeys = keys.consumeKeys(queues: queues)
        let timeout = pollInterval >= 1 ? String(Int(pollInterval)) : String(pollInterval)
        let reply = try fetcher.command(["BRPOP"] + consumeKeys + [timeout])
        guard let pair = try reply.check().array, pair.count == 2, let key = pair[0].string, let first = pair[1].bytes
        else { return [] }
        var popped: [(key: String, payload: [UInt8])] = [(key, first)]
        do {
            if room > 1 && batchPops { popped += try popMore(fetcher, keys: consumeKeys, count: room - 1) }
            rotate(after: keys.queueName(fromKey: key))
            return try reserve(popped)
        } catch {
            unreserved = popped
            logger.error(
                "Could not reserve popped messages; they go back to their queue on reconnect",
                metadata: ["count": "\(popped.count)", "error": "\(error.message)"])
            throw error
        }
    }

    /// Takes up to `count` more messages without blocking, highest priority list first.
    private func popMore(_ connection: RedisConnection, keys consumeKeys: [String], count: Int) throws(RedisError)
        -> [(key: String, payload: [UInt8])]
    {
        var result: [(key: String, payload: [UInt8])] = []
        for key in consumeKeys where result.count < count {
            let reply = try connection.command(["RPOP", key, String(count - result.count)])
            if case .error = reply {
                batchPops = false  // Redis < 6.2 has no RPOP count: fetch one at a time like kombu.
                break
            }
            for element in reply.array ?? [] {
                if let payload = element.bytes { result.append((key, payload)) }
            }
        }
        return result
    }

    private func rotate(after queue: String) {
        guard queues.count > 1, let index = queues.firstIndex(of: queue) else { return }
        queues.append(queues.remove(at: index))
    }

    private func reserve(_ popped: [(key: String, payload: [UInt8])]) throws(RedisError) -> [Delivery] {
        let now = Date().timeIntervalSince1970
        var deliveries: [Delivery] = []
        var zadd: [[UInt8]] = ["ZADD".bytes, keys.unackedIndex.bytes]
        var hset: [[UInt8]] = ["HSET".bytes, keys.unacked.bytes]
        for item in popped {
            let envelope: KombuEnvelope
            do {
                envelope = try KombuEnvelope.decode(item.payload)
            } catch {
                // No delivery tag can be read: it cannot be reserved or restored. Python crashes here.
                logger.error(
                    "Received a message that is not a kombu envelope; it was dropped",
                    metadata: [
                        "broker.queue": "\(keys.queueName(fromKey: item.key))", "error": "\(error)",
                        "message.prefix": "\(String(decoding: item.payload.prefix(200), as: UTF8.self))",
                    ])
                continue
            }
            let tag = envelope.properties.deliveryTag
            zadd.append(String(now).bytes)
            zadd.append(tag.bytes)
            hset.append(tag.bytes)
            hset.append(Delivery.reservationValue(raw: item.payload, envelope: envelope))
            deliveries.append(
                Delivery(
                    raw: item.payload, envelope: envelope, queue: keys.queueName(fromKey: item.key), receivedAt: now))
        }
        guard !deliveries.isEmpty else { return [] }
        let reserver = try connection(&reserveConnection, timeout: 30)
        let replies = try reserver.pipeline([["MULTI".bytes], zadd, hset, ["EXEC".bytes]])
        try replies.last?.check()
        gate.take(deliveries.count)
        return deliveries
    }
}
