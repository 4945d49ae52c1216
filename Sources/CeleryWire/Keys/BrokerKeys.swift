import Foundation

/// Key and channel names of kombu's Redis transport, from its transport options.
///
/// Defaults: separator `\x06\x16`, priority steps `[0, 3, 6, 9]`, `unacked`, `unacked_index`,
/// `unacked_mutex`, no `global_keyprefix` (which, when set, prefixes every key and channel verbatim).
public struct BrokerKeys: Sendable, Hashable {
    /// `global_keyprefix`, prepended verbatim.
    public var prefix: String
    /// `sep`, between a queue name and its priority bucket.
    public var separator: String
    /// `priority_steps`, ascending.
    public var prioritySteps: [Int]
    /// `unacked_key`.
    public var unackedName: String
    /// `unacked_index_key`.
    public var unackedIndexName: String
    /// `unacked_mutex_key`.
    public var unackedMutexName: String
    /// `fanout_prefix`: true → `/<db>.`.
    public var fanoutPrefix: Bool
    /// `fanout_patterns`: true → `/<routing_key>` suffix on fanout channels.
    public var fanoutPatterns: Bool

    /// Creates key naming with kombu's defaults.
    public init(
        prefix: String = "", separator: String = "\u{06}\u{16}", prioritySteps: [Int] = [0, 3, 6, 9],
        unackedName: String = "unacked", unackedIndexName: String = "unacked_index",
        unackedMutexName: String = "unacked_mutex", fanoutPrefix: Bool = true, fanoutPatterns: Bool = true
    ) {
        self.prefix = prefix
        self.separator = separator
        self.prioritySteps = prioritySteps.isEmpty ? [0] : prioritySteps.sorted()
        self.unackedName = unackedName
        self.unackedIndexName = unackedIndexName
        self.unackedMutexName = unackedMutexName
        self.fanoutPrefix = fanoutPrefix
        self.fanoutPatterns = fanoutPatterns
    }

    /// The hash of reserved messages: delivery tag → `[envelope, exchange, routing_key]`.
    public var unacked: String { prefix + unackedName }
    /// The sorted set of reserved delivery tags scored by reservation time.
    public var unackedIndex: String { prefix + unackedIndexName }
    /// The lock of the visibility sweep.
    public var unackedMutex: String { prefix + unackedMutexName }

    /// The bucket (largest step ≤ priority) a priority falls into.
    public func priorityStep(for priority: Int) -> Int {
        let clamped = max(0, min(9, priority))
        return prioritySteps.last(where: { $0 <= clamped }) ?? prioritySteps[0]
    }

    /// The list holding a queue's messages of one priority (bucket 0 is the bare name).
    public func queueKey(_ queue: String, priority: Int = 0) -> String {
        let step = priorityStep(for: priority)
        return prefix + (step == 0 ? queue : queue + separator + String(step))
    }

    /// Every list of a queue, highest priority (lowest number) first.
    public func queueKeys(_ queue: String) -> [String] {
        prioritySteps.map { prefix + ($0 == 0 ? queue : queue + separator + String($0)) }
    }

    /// BRPOP's keys for several queues: steps outer, queues inner, as kombu orders them.
    public func consumeKeys(queues: [String]) -> [String] {
        prioritySteps.flatMap { step in queues.map { prefix + ($0 + (step == 0 ? "" : separator + String(step))) } }
    }

    /// The queue name behind a key BRPOP returned: prefix removed, trailing `<sep><digits>` removed.
    public func queueName(fromKey key: String) -> String {
        let name = key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : key
        // `<queue><sep><digits>` → `<queue>`; a plain queue name (no digits after a separator) stays.
        let bytes = Array(name.utf8)
        let digits = bytes.reversed().prefix { (0x30...0x39).contains($0) }.count
        let separatorBytes = Array(separator.utf8)
        let head = bytes.count - digits
        guard digits > 0, head >= separatorBytes.count,
            bytes[(head - separatorBytes.count)..<head].elementsEqual(separatorBytes)
        else { return name }
        return String(decoding: bytes[..<(head - separatorBytes.count)], as: UTF8.self)
    }

    /// `_kombu.binding.<exchange>`: the routing table set of an exchange.
    public func bindingKey(exchange: String) -> String { prefix + "_kombu.binding." + exchange }

    /// `_kombu.binding_permanent.<exchange>` (kombu 5.7), for queues without expiry.
    public func permanentBindingKey(exchange: String) -> String { prefix + "_kombu.binding_permanent." + exchange }

    /// A binding member: `routing_key + sep + pattern + sep + queue`.
    public func bindingMember(routingKey: String, pattern: String = "", queue: String) -> String {
        routingKey + separator + pattern + separator + queue
    }

    /// Splits a binding member into routing key, pattern and queue.
    public func parseBindingMember(_ member: String) -> (routingKey: String, pattern: String, queue: String)? {
        let parts = member.components(separatedBy: separator)
        guard parts.count == 3 else { return nil }
        return (parts[0], parts[1], parts[2])
    }

    /// A fanout channel: `/<db>.<exchange>` and, with a routing key, `/<routing_key>`.
    public func fanoutChannel(db: Int, exchange: String, routingKey: String = "") -> String {
        var channel = prefix + (fanoutPrefix ? "/\(db)." : "") + exchange
        if fanoutPatterns, !routingKey.isEmpty { channel += "/" + routingKey }
        return channel
    }
}
