import Foundation

/// Counts the messages this worker holds unacknowledged and blocks the consumer at the
/// prefetch limit (`worker_prefetch_multiplier × concurrency`), as kombu's QoS does.
public final class PrefetchGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var held = 0
    private var open = true
    /// The most messages held at once.
    public let limit: Int

    /// Creates a gate.
    public init(limit: Int) { self.limit = max(1, limit) }

    /// Waits up to `timeout` seconds for room; returns how many messages may be taken (0 on timeout).
    func waitForRoom(timeout: Double) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while open && held >= limit {
            if !condition.wait(until: deadline) { return 0 }
        }
        return open ? limit - held : 0
    }

    /// Records `count` newly reserved messages.
    func take(_ count: Int) {
        condition.lock()
        held += count
        condition.unlock()
    }

    /// Records that a held message was acked, rejected, restored or moved to an ETA timer.
    public func release(_ count: Int = 1) {
        condition.lock()
        held = max(0, held - count)
        condition.broadcast()
        condition.unlock()
    }

    /// Stops handing out room (shutdown); wakes a waiting consumer.
    func close() {
        condition.lock()
        open = false
        condition.broadcast()
        condition.unlock()
    }

    /// Messages currently held.
    public var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return held
    }
}
