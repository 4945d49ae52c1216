import CeleryWire
import Foundation
import Logging

/// The remote-control mailbox: a thread subscribed to the `celery.pidbox` fanout channel of the
/// broker database (`PSUBSCRIBE /<db>.celery.pidbox`, as kombu's Redis transport consumes it)
/// that hands every request on. Reconnects with backoff and logs once per outage.
final class ControlMailbox: @unchecked Sendable {
    private let url: RedisURL
    private let channel: String
    private let logger: Logger
    private let deliver: @Sendable (ControlRequest) -> Void
    private let lock = NSLock()
    private var stopping = false
    private var connection: RedisConnection?

    init(url: RedisURL, logger: Logger, deliver: @escaping @Sendable (ControlRequest) -> Void) {
        self.url = url
        self.channel = "/\(url.database).celery.pidbox"
        self.logger = logger
        self.deliver = deliver
    }

    /// Starts listening on a dedicated thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "sigma-pidbox"
        thread.start()
    }

    /// Stops listening (the blocked read is interrupted).
    func stop() {
        let current = lock.withLock { () -> RedisConnection? in
            stopping = true
            return connection
        }
        current?.interrupt()
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func run() {
        var delay = 0.1
        var outage = false
        while !isStopping {
            do throws(RedisError) {
                let fresh = try RedisConnection(url: url, connectTimeout: 5)
                let live = lock.withLock { () -> Bool in
                    connection = fresh
                    return !stopping
                }
                guard live else { return }
                try fresh.command(["PSUBSCRIBE", channel]).check()
                if outage {
                    outage = false
                    logger.info("Remote-control mailbox connected again", metadata: ["channel": "\(channel)"])
                }
                delay = 0.1
                while true { handle(try fresh.readReply()) }
            } catch {
                lock.withLock { connection = nil }
                if isStopping { return }
                if !outage {
                    outage = true
                    logger.error(
                        "Remote-control mailbox lost its Redis connection, reconnecting with backoff",
                        metadata: ["error": "\(error.message)"])
                }
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 2)
            }
        }
    }

    /// `pmessage <pattern> <channel> <data>`: decode and hand on; anything else is ignored.
    private func handle(_ reply: RedisReply) {
        guard let parts = reply.array, parts.count == 4, parts[0].string == "pmessage", let data = parts[3].bytes else {
            return
        }
        do {
            deliver(try ControlRequest.decode(data))
        } catch {
            logger.warning(
                "Ignored a remote-control message that is not a control request", metadata: ["error": "\(error)"])
        }
    }
}
