import CeleryWire

/// A decoded task message this worker holds.
struct ReservedMessage: Sendable {
    var delivery: Delivery
    var request: TaskRequest
    var task: RegisteredTask

    var tag: String { delivery.deliveryTag }
}
