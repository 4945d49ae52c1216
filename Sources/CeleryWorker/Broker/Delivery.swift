import CeleryWire
import Foundation

/// One message popped from a queue and reserved in `unacked`.
public struct Delivery: Sendable {
    /// The envelope bytes exactly as popped.
    public var raw: [UInt8]
    /// The decoded envelope.
    public var envelope: KombuEnvelope
    /// The queue it came from.
    public var queue: String
    /// When it was reserved (seconds since the epoch).
    public var receivedAt: Double

    /// The `unacked` hash field.
    public var deliveryTag: String { envelope.properties.deliveryTag }

    /// The `unacked` hash value: `[envelope, exchange, routing_key]` with the envelope verbatim.
    static func reservationValue(raw: [UInt8], envelope: KombuEnvelope) -> [UInt8] {
        let serializer = JSONSerializer()
        var value: [UInt8] = [UInt8(ascii: "[")]
        value.append(contentsOf: raw)
        value.append(contentsOf: ", ".utf8)
        serializer.write(.string(envelope.properties.deliveryInfo.exchange), into: &value)
        value.append(contentsOf: ", ".utf8)
        serializer.write(.string(envelope.properties.deliveryInfo.routingKey), into: &value)
        value.append(UInt8(ascii: "]"))
        return value
    }
}
