import Foundation
import Logging
import Synchronization

/// Waits, on its own thread and connection, for a message on one list while the consumer is
/// idle: `BLMOVE key key RIGHT RIGHT 1` returns as soon as the list is not empty and leaves it as
/// it was (the element goes back where it came from, atomically), so nothing is taken off the
/// queue by waiting. Redis before 6.2 has no BLMOVE: the watcher then checks `LLEN` every 50 ms.
final class QueueWatcher: @unchecked Sendable {
    private let key: String
    private let url: RedisURL
    private let wake: WakeSignal
    private let logger: Logger
    private let connection = Mutex<RedisConnection?>(nil)
    private let done = Atomic<Bool>(false)

    init(key: String, url: RedisURL, wake: WakeSignal, logger: Logger) {
        self.key = key
        self.url = url
        self.wake = wake
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "sigma-watcher"
        thread.start()
    }

    /// Interrupts the blocked wait; the thread ends.
    func stop() {
        done.store(true, ordering: .sequentiallyConsistent)
        connection.withLock { $0?.interrupt() }
    }

    private var stopped: Bool { done.load(ordering: .sequentiallyConsistent) || wake.isStopped }

    private func loop() {
        var served = 0
        var policy = ReconnectPolicy()
        var blocking = true
        while let episode = wake.waitForIdle(after: served), !stopped {
            do throws(RedisError) {
                let live = try current()
                let present: Bool
                if blocking {
                    let reply = try live.command(["BLMOVE", key, key, "RIGHT", "RIGHT", "1"])
                    if case .error(let message) = reply, message.lowercased().contains("unknown command") {
                        blocking = false
                        continue
                    }
                    present = try reply.check().bytes != nil
                } else {
                    present = (try live.command(["LLEN", key]).check().integer ?? 0) > 0
                    if !present { wake.sleep(0.05) }
                }
                _ = policy.succeeded()
                if present {
                    wake.arrived()
                    served = episode
                }
            } catch {
                connection.withLock { current in
                    current?.close()
                    current = nil
                }
                if stopped { break }
                // The consumer logs the outage; a watcher only waits to try again.
                wake.sleep(policy.failed().delay)
            }
        }
        connection.withLock { current in
            current?.close()
            current = nil
        }
    }

    private func current() throws(RedisError) -> RedisConnection {
        if let existing = connection.withLock({ $0 }) { return existing }
        let fresh = try RedisConnection(url: url, connectTimeout: 2, commandTimeout: 5)
        connection.withLock { $0 = fresh }
        if stopped { fresh.interrupt() }
        return fresh
    }
}
