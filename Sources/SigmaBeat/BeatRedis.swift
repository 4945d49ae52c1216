import CeleryWire
import CeleryWorker
import Logging

/// The beat's Redis side: the lease that lets one beat send at a time across hosts, and the
/// publish that records, in the same Lua script, when each entry was last sent, so a beat that
/// takes over never sends a run twice.
///
/// Keys (under kombu's `global_keyprefix`): `sigma-beat:lease` holds the node name of the
/// holder with an expiry; `sigma-beat:sent` is a hash from entry name to the microsecond time
/// of its last send.
public final class BeatRedis: Sendable {
    public let node: String
    public let keys: BrokerKeys
    /// How long a lease lasts without renewal (another beat takes over after it).
    public let leaseMilliseconds: Int
    private let redis: RedisPipelineThread

    var leaseKey: String { keys.prefix + "sigma-beat:lease" }
    var sentKey: String { keys.prefix + "sigma-beat:sent" }

    public init(url: RedisURL, keys: BrokerKeys, node: String, leaseMilliseconds: Int = 5000, logger: Logger) {
        self.node = node
        self.keys = keys
        self.leaseMilliseconds = leaseMilliseconds
        self.redis = RedisPipelineThread(name: "sigma-beat-redis", url: url, logger: logger)
    }

    /// Takes the lease if nobody holds it, or renews it if this node does.
    /// - Returns: whether this node holds it now.
    public func acquireOrRenew() async throws(RedisError) -> Bool {
        let script = """
            local holder = redis.call('GET', KEYS[1])
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            if not holder then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 1
            end
            return 0
            """
        let reply = try await redis.send([
            ["EVAL".bytes, script.bytes, "1".bytes, leaseKey.bytes, node.bytes, String(leaseMilliseconds).bytes]
        ])[0].check()
        return reply.integer == 1
    }

    /// Gives the lease up (at shutdown) if this node holds it.
    public func release() async {
        let script = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """
        _ = try? await redis.send([["EVAL".bytes, script.bytes, "1".bytes, leaseKey.bytes, node.bytes]])
    }

    /// The last send time recorded for each entry (µs since the epoch).
    public func lastSent() async throws(RedisError) -> [String: Int64] {
        let reply = try await redis.send([["HGETALL".bytes, sentKey.bytes]])[0].check()
        var result: [String: Int64] = [:]
        let items = reply.array ?? []
        var index = 0
        while index + 1 < items.count {
            if let name = items[index].string, let text = items[index + 1].string, let value = Int64(text) {
                result[name] = value
            }
            index += 2
        }
        return result
    }

    /// The outcome of a publish.
    public enum Publish: Sendable, Equatable {
        case sent
        /// Another beat holds the lease: nothing was sent.
        case notHolder
        /// This entry was already sent at or after `lastRun` (by this or another beat).
        case alreadySent
    }

    /// Publishes a beat message if this node still holds the lease and the entry has not been
    /// sent since `previousRun`, recording `sentAt` as its last send, atomically.
    ///
    /// - Parameters:
    ///   - message: the task message.
    ///   - entry: the entry's name.
    ///   - previousRun: the `last_run_at` the scheduler computed this run from (µs).
    ///   - sentAt: the send time recorded (µs).
    public func publish(_ message: TaskMessage, entry: String, previousRun: Int64, sentAt: Int64)
        async throws(RedisError) -> Publish
    {
        let envelope = message.envelope
        let priority = envelope.properties.priority
        let info = envelope.properties.deliveryInfo
        var queueKeys: [String] = []
        if info.exchange.isEmpty {
            queueKeys = [keys.queueKey(info.routingKey, priority: priority)]
        } else {
            let members = try await redis.send([["SMEMBERS".bytes, keys.bindingKey(exchange: info.exchange).bytes]])[0]
                .check()
            for member in members.array ?? [] {
                guard let text = member.string, let binding = keys.parseBindingMember(text),
                    binding.routingKey == info.routingKey
                else { continue }
                let key = keys.queueKey(binding.queue, priority: priority)
                if !queueKeys.contains(key) { queueKeys.append(key) }
            }
        }
        let script = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            local last = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '-1')
            if last > tonumber(ARGV[3]) then return 2 end
            for i = 3, #KEYS do redis.call('LPUSH', KEYS[i], ARGV[5]) end
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
            return 1
            """
        var command: [[UInt8]] = [
            "EVAL".bytes, script.bytes, String(2 + queueKeys.count).bytes, leaseKey.bytes, sentKey.bytes,
        ]
        command += queueKeys.map(\.bytes)
        command += [node.bytes, entry.bytes, String(previousRun).bytes, String(sentAt).bytes, envelope.encoded()]
        let reply = try await redis.send([command])[0].check()
        switch reply.integer {
        case 1: return .sent
        case 2: return .alreadySent
        default: return .notHolder
        }
    }

    /// From now on a call fails at once when Redis cannot be reached (shutdown).
    public func stopRetrying() { redis.stopRetrying() }

    public func stop() async { await redis.stop() }
}

extension String {
    fileprivate var bytes: [UInt8] { Array(utf8) }
}
