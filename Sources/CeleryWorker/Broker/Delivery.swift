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
}
