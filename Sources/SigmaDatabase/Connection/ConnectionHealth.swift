import Synchronization

/// Whether a leased connection may go back to the pool.
final class ConnectionHealth: Sendable {
    private let poisoned = Mutex(false)

    /// Marks the connection as unusable: it is closed instead of released.
    func poison() {
        poisoned.withLock { $0 = true }
    }

    /// Whether ``poison()`` was called.
    var isPoisoned: Bool {
        poisoned.withLock { $0 }
    }
}
