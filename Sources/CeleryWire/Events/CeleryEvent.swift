import Foundation

/// A monitoring event (Flower, `celery events`), as a worker publishes it on the `celeryev`
/// fanout exchange of the Redis transport (celery-wire.md §7).
public struct CeleryEvent: Sendable, Hashable {
    /// `worker-heartbeat`, `task-succeeded`, …
    public var type: String
    /// The event's fields without the common ones.
    public var fields: JSONObject

    /// Creates an event.
    public init(type: String, fields: JSONObject = JSONObject()) {
        self.type = type
        self.fields = fields
    }

    /// The routing key: the type with `-` turned into `.` (`task-succeeded` → `task.succeeded`).
    public var routingKey: String { type.replacingOccurrences(of: "-", with: ".") }

    /// The pub/sub channel kombu publishes it on: `/<db>.celeryev/<routing key>`, after the
    /// transport's `global_keyprefix` when one is set.
    public func channel(database: Int, keys: BrokerKeys = BrokerKeys()) -> String {
        keys.fanoutChannel(db: database, exchange: "celeryev", routingKey: routingKey)
    }

    /// The event body: `hostname`, `utcoffset` (hours west of UTC), `pid`, `clock`, the fields,
    /// `timestamp` and `type`, in the Python worker's order.
    public func body(hostname: String, pid: Int, clock: Int, timestamp: Double, secondsFromGMT: Int) -> JSONObject {
        var body = JSONObject([
            ("hostname", .string(hostname)), ("utcoffset", .double(Double(-secondsFromGMT) / 3600)),
            ("pid", .int(Int64(pid))), ("clock", .int(Int64(clock))),
        ])
        for (key, value) in fields { body[key] = value }
        body["timestamp"] = .double(timestamp)
        body["type"] = .string(type)
        return body
    }

    /// The envelope published on the channel (delivery mode 1, exchange `celeryev`).
    public func envelope(body: JSONObject, hostname: String, deliveryTag: String) -> KombuEnvelope {
        let payload = JSONSerializer().serialize(.object(body))
        let properties = MessageProperties(
            deliveryTag: deliveryTag, deliveryInfo: DeliveryInfo(exchange: "celeryev", routingKey: routingKey),
            deliveryMode: 1)
        return KombuEnvelope(
            body: Data(payload).base64EncodedString(), headers: JSONObject([("hostname", .string(hostname))]),
            properties: properties)
    }
}
