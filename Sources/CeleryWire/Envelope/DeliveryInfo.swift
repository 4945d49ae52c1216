/// `properties.delivery_info`: where a message was published, and whether it was redelivered.
public struct DeliveryInfo: Sendable, Hashable {
    /// The exchange (`""` for Celery's default direct routing).
    public var exchange: String
    /// The routing key (the queue name under default routing).
    public var routingKey: String
    /// True when kombu put the message back from `unacked`.
    public var redelivered: Bool

    /// Creates delivery information.
    public init(exchange: String = "", routingKey: String, redelivered: Bool = false) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.redelivered = redelivered
    }
}
