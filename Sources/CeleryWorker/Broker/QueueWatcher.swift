import Foundation
import Logging

/// Waits, on a ``RedisSessionThread`` of its own, for a message on one list while the consumer
/// is idle: `BLMOVE key key RIGHT RIGHT 1` returns as soon as the list is not empty and leaves it
/// as it was (the element goes back where it came from, atomically), so nothing is taken off the
/// queue by waiting. Redis before 6.2 has no BLMOVE: the watcher then checks `LLEN` every 50 ms.
/// The consumer logs outages; a watcher only reconnects.
final class QueueWatcher: Sendable {
    private let thread: RedisSessionThread

    init(key: String, url: RedisURL, wake: WakeSignal, logger: Logger) {
        thread = RedisSessionThread(
            name: "sigma-watcher", url: url, logger: logger, commandTimeout: 5, outageLabel: nil,
            restoredMessage: "Queue watcher connected again"
        ) { (connection, thread) throws(RedisError) in
            var served = 0
            var blocking = true
            while let episode = wake.waitForIdle(after: served), !thread.isStopping {
                let present: Bool
                if blocking {
                    let reply = try connection.command(["BLMOVE", key, key, "RIGHT", "RIGHT", "1"])
                    if case .error(let message) = reply, message.lowercased().contains("unknown command") {
                        blocking = false
                        continue
                    }
                    present = try reply.check().bytes != nil
                } else {
                    present = (try connection.command(["LLEN", key]).check().integer ?? 0) > 0
                    if !present { wake.sleep(0.05) }
                }
                if present {
                    wake.arrived()
                    served = episode
                }
            }
        }
    }

    func start() { thread.start() }

    /// Interrupts the blocked wait; the thread ends.
    func stop() { thread.stop() }
}
