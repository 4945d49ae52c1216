import CeleryWire
import Foundation
import Logging
import ServiceLifecycle

/// The remote-control mailbox, a `Service`: a thread subscribed to the `celery.pidbox` fanout
/// channel of the broker database (`PSUBSCRIBE /<db>.celery.pidbox`, as kombu's Redis transport
/// consumes it, `global_keyprefix` applied) that hands every request to the ``ControlHandler``.
/// A session of a ``RedisSessionThread``: reconnects with the worker's ``ReconnectPolicy`` and
/// logs once per outage.
final class ControlMailbox: Service, Sendable {
    private let thread: RedisSessionThread

    init(runtime: WorkerRuntime) {
        let channel = runtime.configuration.brokerKeys.fanoutChannel(
            db: runtime.configuration.brokerURL.database, exchange: "celery.pidbox")
        let logger = runtime.logger
        let handler = ControlHandler(runtime: runtime)
        thread = RedisSessionThread(
            name: "sigma-pidbox", url: runtime.configuration.brokerURL, logger: logger, commandTimeout: nil,
            outageLabel: "pidbox", restoredMessage: "Remote-control mailbox connected again"
        ) { (connection, thread) throws(RedisError) in
            try connection.command(["PSUBSCRIBE", channel]).check()
            thread.healthy()
            while true { Self.handle(try connection.readReply(), handler: handler, logger: logger) }
        }
    }

    func run() async throws {
        thread.start()
        await withGracefulShutdownHandler {
            await thread.finished.wait()
        } onGracefulShutdown: {
            self.thread.stop()
        }
    }

    /// `pmessage <pattern> <channel> <data>`: decode and hand on; anything else is ignored.
    private static func handle(_ reply: RedisReply, handler: ControlHandler, logger: Logger) {
        guard let parts = reply.array, parts.count == 4, parts[0].string == "pmessage", let data = parts[3].bytes else {
            return
        }
        do {
            let request = try ControlRequest.decode(data)
            Task { await handler.handle(request) }
        } catch {
            logger.warning(
                "Ignored a remote-control message that is not a control request", metadata: ["error": "\(error)"])
        }
    }
}
