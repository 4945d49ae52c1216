import Foundation

/// What the consumer thread waits on: room under the prefetch limit, a message arriving on an
/// idle queue (reported by the ``QueueWatcher``s), the end of a backoff pause, or stop. Every
/// wait ends at once on ``stop()``, so shutdown never waits for a poll interval.
final class WakeSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var consumerIdle = false
    private var idleEpoch = 0
    private var woken = false

    /// Waits up to `timeout` for `room()` to be positive; returns it (0 on timeout or stop).
    func waitForRoom(timeout: Double, _ room: () -> Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(timeout)
        while !stopped {
            let available = room()
            if available > 0 { return available }
            if !condition.wait(until: deadline) { return 0 }
        }
        return 0
    }

    /// A slot was freed (ack, restore, ETA hold): wake a consumer waiting for room.
    func roomChanged() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer found the queues empty: waits until a watcher reports a message, `timeout`
    /// passes or the worker stops. - Returns: whether a message arrived.
    func idle(timeout: Double) -> Bool {
        condition.lock()
        defer {
            consumerIdle = false
            condition.unlock()
        }
        idleEpoch += 1
        consumerIdle = true
        woken = false
        condition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while !stopped && !woken {
            if !condition.wait(until: deadline) { break }
        }
        return woken
    }

    /// A watcher waits until the consumer is idle in an episode it has not yet served.
    /// - Returns: the episode, or nil once stopped.
    func waitForIdle(after served: Int) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !stopped && !(consumerIdle && idleEpoch != served) { condition.wait() }
        return stopped ? nil : idleEpoch
    }

    /// Whether the consumer is still idle in this episode.
    func isIdle(in episode: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return !stopped && consumerIdle && idleEpoch == episode
    }

    /// A watcher saw a message on its list.
    func arrived() {
        condition.lock()
        if consumerIdle {
            woken = true
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Sleeps up to `seconds`, ending early on stop.
    func sleep(_ seconds: Double) {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date().addingTimeInterval(seconds)
        while !stopped {
            if !condition.wait(until: deadline) { return }
        }
    }

    /// Ends every wait, now and later.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }
}
