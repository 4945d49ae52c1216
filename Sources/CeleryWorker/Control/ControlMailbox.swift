import CeleryWire
import Foundation
import Logging
import ServiceLifecycle

/// The remote-control mailbox, a `Service`: a thread subscribed to the `celery.pidbox` fanout
/// channel of the broker database (`PSUBSCRIBE /<db>.celery.pidbox`, as kombu's Redis transport
/// consumes it, `global_keyprefix` applied) that hands every request to the ``ControlHandler``.
/// Reconnects with the worker's ``ReconnectPolicy`` and logs once per outage.
final class ControlMailbox: Service, @unchecked Sendable {
    private let url: RedisURL
    private let channel: String
    private let logger: Logger
    private let handler: ControlHandler
    private let lock = NSLock()
    private var stopping = false
    private var connection: RedisConnection?
    private let finished = WaitGroup()
    private let pause = WakeSignal()

    init(runtime: WorkerRuntime) {
        self.url = runtime.configuration.brokerURL
        self.channel = runtime.configuration.brokerKeys.fanoutChannel(
            db: runtime.configuration.brokerURL.database, exchange: "celery.pidbox")
        self.logger = runtime.logger
        self.handler = ControlHandler(runtime: runtime)
    }

    func run() async throws {
        finished.enter()
        let thread = Thread { [self] in
            loop()
            finished.leave()
        }
        thread.name = "sigma-pidbox"
        thread.start()
        await withGracefulShutdownHandler {
            await finished.wait()
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Stops listening (the blocked read is interrupted).
    func stop() {
        let current = lock.withLock { () -> RedisConnection? in
            stopping = true
            return connection
        }
        pause.stop()
        current?.interrupt()
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func loop() {
        var policy = ReconnectPolicy()
        while !isStopping {
            do throws(RedisError) {
                let fresh = try RedisConnection(url: url, connectTimeout: 2)
                let live = lock.withLock { () -> Bool in
                    connection = fresh
                    return !stopping
                }
                guard live else { return }
                try fresh.command(["PSUBSCRIBE", channel]).check()
                if policy.succeeded() {
                    logger.info("Remote-control mailbox connected again", metadata: ["channel": "\(channel)"])
                }
                while true { handle(try fresh.readReply()) }
            } catch {
                lock.withLock { connection = nil }
                if isStopping { return }
                let failure = policy.failed()
                if failure.beginsOutage {
                    let line = ReconnectPolicy.outageMessage(url: "\(url)", reason: error.message, delay: failure.delay)
                    logger.error("pidbox: \(line)")
                }
                pause.sleep(failure.delay)
            }
        }
    }

    /// `pmessage <pattern> <channel> <data>`: decode and hand on; anything else is ignored.
    private func handle(_ reply: RedisReply) {
        guard let parts = reply.array, parts.count == 4, parts[0].string == "pmessage", let data = parts[3].bytes else {
            return
        }
        do {
            let request = try ControlRequest.decode(data)
            let handler = self.handler
            Task { await handler.handle(request) }
        } catch {
            logger.warning(
                "Ignored a remote-control message that is not a control request", metadata: ["error": "\(error)"])
        }
    }
}
