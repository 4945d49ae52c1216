/// A value of kombu's `unacked` hash: `[envelope, exchange, routing_key]`, the envelope kept
/// verbatim, written with Python's `json.dumps` separators so kombu and Celery read it as their own.
public struct UnackedEntry: Sendable, Hashable {
    /// The envelope bytes exactly as they were popped.
    public var raw: [UInt8]
    /// The exchange the message was published to.
    public var exchange: String
    /// The routing key it goes back under when restored.
    public var routingKey: String

    /// Creates an entry.
    public init(raw: [UInt8], exchange: String, routingKey: String) {
        self.raw = raw
        self.exchange = exchange
        self.routingKey = routingKey
    }

    /// The hash value.
    public func encoded() -> [UInt8] {
        let serializer = JSONSerializer()
        var value: [UInt8] = [UInt8(ascii: "[")]
        value.append(contentsOf: raw)
        value.append(contentsOf: ", ".utf8)
        serializer.write(.string(exchange), into: &value)
        value.append(contentsOf: ", ".utf8)
        serializer.write(.string(routingKey), into: &value)
        value.append(UInt8(ascii: "]"))
        return value
    }

    /// Reads a hash value, whoever wrote it (kombu or sigma-worker).
    /// - Returns: the entry and its decoded envelope, or nil when the value is not a reservation.
    public static func decode(_ value: [UInt8]) -> (entry: UnackedEntry, envelope: KombuEnvelope)? {
        guard let parts = try? JSONParser().parse(value).arrayValue, parts.count == 3,
            case .object(let object) = parts[0], let envelope = try? KombuEnvelope(decoding: object)
        else { return nil }
        let exchange = parts[1].stringValue ?? envelope.properties.deliveryInfo.exchange
        let routingKey = parts[2].stringValue ?? envelope.properties.deliveryInfo.routingKey
        return (UnackedEntry(raw: envelope.encoded(), exchange: exchange, routingKey: routingKey), envelope)
    }
}
