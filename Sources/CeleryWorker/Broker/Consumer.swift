import CeleryWire
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The fetch loop, a `Service` on its own thread. Messages are taken off the queues and reserved
/// in `unacked` / `unacked_index` in one atomic step (``ReserveScript``), as many as the prefetch
/// limit leaves room for; when the queues are empty, ``QueueWatcher`` threads wait for a message
/// with `BLMOVE q q RIGHT RIGHT`, which wakes on a push without taking anything. kombu's layout of
/// queues, priority lists and reservations is unchanged, so Python workers share the queues.
///
/// Listed last in the service group, it is the first to stop: on graceful shutdown it stops
/// fetching and the runtime puts back every reserved and scheduled message.
final class Consumer: Service, @unchecked Sendable {
    private let runtime: WorkerRuntime
    private let keys: BrokerKeys
    private var queues: [String]
    private let logger: Logger
    private let wake: WakeSignal
    private let intake: DeliveryIntake
    private var watchers: [QueueWatcher] = []
    private var connection: RedisConnection?
    private var scriptSHA: String?
    private var policy = ReconnectPolicy()
    private let stopping = Atomic<Bool>(false)
    private let finished = WaitGroup()

    init(runtime: WorkerRuntime) {
        self.runtime = runtime
        self.keys = runtime.configuration.brokerKeys
        self.queues = runtime.configuration.queues
        self.logger = runtime.logger
        self.wake = runtime.wake
        self.intake = DeliveryIntake(runtime: runtime)
    }

    func run() async throws {
        finished.enter()
        let thread = Thread { [self] in
            loop()
            finished.leave()
        }
        thread.name = "sigma-consumer"
        thread.start()
        await withGracefulShutdownHandler {
            await finished.wait()
        } onGracefulShutdown: {
            self.stop()
        }
        await runtime.beginWarmShutdown()
    }

    /// Stops fetching: the blocked waits are interrupted; the loop ends within one round trip.
    func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        wake.stop()
        for watcher in watchers { watcher.stop() }
    }

    private var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    private func loop() {
        let url = runtime.configuration.brokerURL
        guard prepare() else { return }
        watchers = keys.consumeKeys(queues: runtime.configuration.queues).map {
            QueueWatcher(key: $0, url: url, wake: wake, logger: logger)
        }
        if isStopping { return }
        for watcher in watchers { watcher.start() }
        let configuration = runtime.configuration
        logger.info(
            "\(configuration.hostname) ready.",
            metadata: [
                "broker": "\(configuration.brokerURL)", "queues": "\(configuration.queues)",
                "concurrency": "\(configuration.concurrency)", "tasks": "\(runtime.registry.names)",
            ])
        while !isStopping {
            let lowWater = runtime.configuration.concurrency
            let room = wake.waitForRoom(timeout: runtime.configuration.pollingInterval) {
                self.runtime.deliveries.withLock { $0.fetchSize(lowWater: lowWater) }
            }
            if room == 0 || isStopping { continue }
            do throws(RedisError) {
                let popped = try fetch(room: room)
                if policy.succeeded() {
                    logger.info(
                        "Consumer reconnected to the broker, consuming again", metadata: ["redis.url": "\(url)"])
                }
                if popped.isEmpty {
                    if wake.idle(timeout: runtime.configuration.pollingInterval) { FaultPoint.afterWake.pass() }
                    continue
                }
                FaultPoint.afterReserve.pass()
                intake.admit(popped)
            } catch {
                connection?.close()
                connection = nil
                scriptSHA = nil
                backOff(error)
            }
        }
        connection?.close()
        for watcher in watchers { watcher.stop() }
    }

    /// Start-up: declares the queues' bindings and the mailbox and runs a first visibility sweep,
    /// retrying through outages until it works or the worker stops. - Returns: false when stopped.
    private func prepare() -> Bool {
        let url = runtime.configuration.brokerURL
        while !isStopping {
            do throws(RedisError) {
                let connection = try current()
                for command in Broker.declarations(
                    keys: keys, queues: queues, node: runtime.configuration.hostname)
                {
                    try connection.command(bytes: command).check()
                }
                _ = policy.succeeded()
                logger.info("\(ReconnectPolicy.connectedMessage(url: "\(url)"))")
                break
            } catch {
                connection?.close()
                connection = nil
                backOff(error)
            }
        }
        return !isStopping
    }

    private func backOff(_ error: RedisError) {
        let failure = policy.failed()
        if failure.beginsOutage {
            let line = ReconnectPolicy.outageMessage(
                url: "\(runtime.configuration.brokerURL)", reason: error.message, delay: failure.delay)
            logger.error("consumer: \(line)")
        }
        wake.sleep(failure.delay)
    }

    private func current() throws(RedisError) -> RedisConnection {
        if let connection { return connection }
        let fresh = try RedisConnection(url: runtime.configuration.brokerURL, connectTimeout: 2, commandTimeout: 30)
        connection = fresh
        return fresh
    }

    /// Runs the reserve script once; returns what it took, reserved.
    private func fetch(room: Int) throws(RedisError) -> [Popped] {
        let connection = try current()
        let consumeKeys = keys.consumeKeys(queues: queues)
        let sha: String
        if let scriptSHA {
            sha = scriptSHA
        } else {
            guard let loaded = try connection.command(["SCRIPT", "LOAD", ReserveScript.source]).check().string else {
                throw RedisError(.protocolViolation, "SCRIPT LOAD returned no digest")
            }
            scriptSHA = loaded
            sha = loaded
        }
        let now = String(Date().timeIntervalSince1970)
        let arguments =
            [sha, String(2 + consumeKeys.count), keys.unackedIndex, keys.unacked] + consumeKeys + [
                String(room), now,
            ]
        let reply = try connection.command(["EVALSHA"] + arguments)
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT") {
            scriptSHA = nil
            return try fetch(room: room)
        }
        if case .error(let message) = reply, RedisReply.error(message).isTransientError {
            throw RedisError(.unavailable, message)
        }
        let items = try reply.check().array ?? []
        var popped: [Popped] = []
        var index = 0
        while index + 2 < items.count {
            if let position = items[index].integer, position >= 1, Int(position) <= consumeKeys.count,
                let raw = items[index + 1].bytes
            {
                let key = consumeKeys[Int(position) - 1]
                popped.append(
                    Popped(key: key, queue: keys.queueName(fromKey: key), raw: raw, tag: items[index + 2].bytes ?? []))
            }
            index += 3
        }
        if let last = popped.last { rotate(after: last.queue) }
        return popped
    }

    private func rotate(after queue: String) {
        guard queues.count > 1, let index = queues.firstIndex(of: queue) else { return }
        queues.append(queues.remove(at: index))
    }

    /// A message the reserve script took.
    struct Popped: Sendable {
        var key: String
        var queue: String
        var raw: [UInt8]
        /// The delivery tag's bytes; empty when the script could not read one (nothing was reserved).
        var tag: [UInt8]
    }
}
