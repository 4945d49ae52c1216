import Foundation

/// What the consumer thread waits on: room under the prefetch limit, a message arriving on an
/// idle queue (reported by the ``QueueWatcher``s), the end of a backoff pause, or stop. Every
/// wait ends at once on ``stop()``, so shutdown never waits for a poll interval.
///
/// Room and idleness have conditions of their own: a slot freed (twice per task) wakes only a
/// consumer that waits for room, never the watchers.
final class WakeSignal: @unchecked Sendable {
    private let roomCondition = NSCondition()
    private let idleCondition = NSCondition()
    private var stopped = false
    private var waitingForRoom = false
    private var consumerIdle = false
    private var idleEpoch = 0
    private var woken = false
    private var sleepInterrupted = false

    /// Waits up to `timeout` for `room()` to be positive; returns it (0 on timeout or stop).
    func waitForRoom(timeout: Double, _ room: () -> Int) -> Int {
        roomCondition.lock()
        defer {
            waitingForRoom = false
            roomCondition.unlock()
        }
        let deadline = Date().addingTimeInterval(timeout)
        while !stopped {
            let available = room()
            if available > 0 { return available }
            waitingForRoom = true
            if !roomCondition.wait(until: deadline) { return 0 }
        }
        return 0
    }

    /// A slot was freed or a message started: wake the consumer if it waits for room.
    func roomChanged() {
        roomCondition.lock()
        if waitingForRoom { roomCondition.signal() }
        roomCondition.unlock()
    }

    /// The consumer found the queues empty: waits until a watcher reports a message, `timeout`
    /// passes or the worker stops. - Returns: whether a message arrived.
    func idle(timeout: Double) -> Bool {
        idleCondition.lock()
        defer {
            consumerIdle = false
            idleCondition.unlock()
        }
        idleEpoch += 1
        consumerIdle = true
        woken = false
        idleCondition.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while !stopped && !woken {
            if !idleCondition.wait(until: deadline) { break }
        }
        return woken
    }

    /// A watcher waits until the consumer is idle in an episode it has not yet served.
    /// - Returns: the episode, or nil once stopped.
    func waitForIdle(after served: Int) -> Int? {
        idleCondition.lock()
        defer { idleCondition.unlock() }
        while !stopped && !(consumerIdle && idleEpoch != served) { idleCondition.wait() }
        return stopped ? nil : idleEpoch
    }

    /// A watcher saw a message on its list.
    func arrived() {
        idleCondition.lock()
        if consumerIdle {
            woken = true
            idleCondition.broadcast()
        }
        idleCondition.unlock()
    }

    /// Sleeps up to `seconds`, ending early on stop or ``interruptSleep()``.
    func sleep(_ seconds: Double) {
        idleCondition.lock()
        defer { idleCondition.unlock() }
        let deadline = Date().addingTimeInterval(seconds)
        while !stopped && !sleepInterrupted {
            if !idleCondition.wait(until: deadline) { break }
        }
        sleepInterrupted = false
    }

    /// Ends the current (or next) ``sleep(_:)`` early, without stopping.
    func interruptSleep() {
        idleCondition.lock()
        sleepInterrupted = true
        idleCondition.broadcast()
        idleCondition.unlock()
    }

    /// Ends every wait, now and later.
    func stop() {
        roomCondition.lock()
        idleCondition.lock()
        stopped = true
        roomCondition.broadcast()
        idleCondition.broadcast()
        idleCondition.unlock()
        roomCondition.unlock()
    }
}
