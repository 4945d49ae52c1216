import CeleryWire

/// A decoded task message this worker holds. A class: it is handed from the consumer to the
/// state machine, the ready queue and a slot, and each hand-off is one reference, not a copy.
final class ReservedMessage: Sendable {
    let delivery: Delivery
    let request: TaskRequest
    let task: RegisteredTask
    /// What `terminate` calls while this message's task runs (no shared table, no lock per task).
    let termination = TimeLimitRace.Termination()

    init(delivery: Delivery, request: TaskRequest, task: RegisteredTask) {
        self.delivery = delivery
        self.request = request
        self.task = task
    }

    var tag: String { delivery.deliveryTag }
}
