import Foundation
import Synchronization

/// Sends early acks through an ``EarlyAckGate`` on the result store's write order, and lets
/// shutdown wait until every one asked for is out.
final class EarlyAcks: Sendable {
    private let broker: any BrokerTransport
    private let backend: (any ResultStore)?
    private let gate = Mutex(EarlyAckGate())

    init(broker: any BrokerTransport, backend: (any ResultStore)?) {
        self.broker = broker
        self.backend = backend
    }

    /// Acknowledges a message once the results queued before now are written (at once without a
    /// result backend: there is nothing to overtake).
    func acknowledge(_ tag: String) {
        guard let backend else {
            broker.ack([tag])
            return
        }
        if gate.withLock({ $0.request(tag) }) { takeBarrier(backend) }
    }

    private func takeBarrier(_ backend: any ResultStore) {
        backend.afterQueuedWrites { [self] in
            let release = gate.withLock { $0.barrierPassed() }
            if !release.acks.isEmpty { broker.ack(release.acks) }
            if release.takeBarrier { takeBarrier(backend) }
        }
    }

    /// Acks asked for and not yet handed to the broker.
    var pending: Int { gate.withLock { $0.pending } }

    /// Returns once every ack asked for so far is handed to the broker, or when `seconds` passed
    /// (shutdown, before the broker's writer stops; the cold path does not wait long).
    func flush(within seconds: Double? = nil) async {
        let deadline = seconds.map { Date().addingTimeInterval($0) }
        while pending > 0 {
            if let deadline, Date() >= deadline { return }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
    }
}
