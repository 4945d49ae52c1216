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
    private var watchers: [String: QueueWatcher] = [:]
    private var scriptSHA: String?
    private var prepared = false
    private var queuesSeen = 0
    private let thread = Mutex<RedisSessionThread?>(nil)

    init(runtime: WorkerRuntime) {
        self.runtime = runtime
        self.keys = runtime.configuration.brokerKeys
        self.queues = runtime.configuration.queues
        self.logger = runtime.logger
        self.wake = runtime.wake
        self.intake = DeliveryIntake(runtime: runtime)
    }

    func run() async throws {
        let session = RedisSessionThread(
            name: "sigma-consumer", url: runtime.configuration.brokerURL, logger: logger, commandTimeout: 30,
            outageLabel: "consumer",
            restoredMessage: ReconnectPolicy.connectedMessage(url: runtime.configuration.brokerURL.kombuDisplay),
            display: runtime.configuration.brokerURL.kombuDisplay,
            pulse: { [runtime] in runtime.notifier.consumerPulse() }
        ) { [self] (connection, thread) throws(RedisError) in try consume(on: connection, thread: thread) }
        thread.withLock { $0 = session }
        session.start()
        await withGracefulShutdownHandler {
            await session.finished.wait()
        } onGracefulShutdown: {
            self.stop()
        }
        for watcher in watchers.values { watcher.stop() }
        await runtime.beginWarmShutdown()
    }

    /// Stops fetching: the blocked waits are interrupted; the loop ends within one round trip.
    func stop() {
        wake.stop()
        thread.withLock { $0 }?.stop()
    }

    /// One connection's life: declare the queues (once), then fetch while there is room, and
    /// wait on the watchers while the queues are empty.
    private func consume(on connection: RedisConnection, thread: RedisSessionThread) throws(RedisError) {
        scriptSHA = nil
        let configuration = runtime.configuration
        if !prepared {
            for command in Broker.declarations(keys: keys, queues: queues, node: configuration.hostname) {
                try connection.command(bytes: command).check()
            }
            if configuration.purgeAtStart { try purge(on: connection) }
            prepared = true
            thread.healthy()
            logger.info("\(ReconnectPolicy.connectedMessage(url: configuration.brokerURL.kombuDisplay))")
            startWatchers(for: keys.consumeKeys(queues: queues))
            runtime.waitForSignalsTrapped()
            logger.info(
                "\(configuration.hostname) ready.",
                metadata: [
                    "broker": "\(configuration.brokerURL)", "queues": "\(configuration.queues)",
                    "concurrency": "\(configuration.concurrency)", "tasks": "\(runtime.registry.names)",
                ])
            runtime.health.setReady(true)
            runtime.notifier.ready(status: "Consuming from \(configuration.queues.joined(separator: ", "))")
        }
        let lowWater = configuration.concurrency
        while !thread.isStopping {
            runtime.notifier.consumerPulse()
            runtime.health.loopTurned()
            let version = runtime.queuesVersion.load(ordering: .sequentiallyConsistent)
            if version != queuesSeen {
                queuesSeen = version
                try changeQueues(to: runtime.queues, on: connection)
            }
            let room = wake.waitForRoom(timeout: configuration.pollingInterval) {
                self.runtime.deliveries.withLock { $0.fetchSize(lowWater: lowWater) }
            }
            if room == 0 || thread.isStopping { continue }
            let popped = try fetch(room: room, on: connection)
            thread.healthy()
            if popped.isEmpty {
                if wake.idle(timeout: configuration.pollingInterval) { FaultPoint.afterWake.pass() }
                continue
            }
            FaultPoint.afterReserve.pass()
            intake.admit(popped)
        }
    }

    private func startWatchers(for consumeKeys: [String]) {
        for key in consumeKeys where watchers[key] == nil {
            let watcher = QueueWatcher(key: key, url: runtime.configuration.brokerURL, wake: wake, logger: logger)
            watchers[key] = watcher
            watcher.start()
        }
    }

    /// `add_consumer` / `cancel_consumer`: new queues are declared (kombu's binding) and watched,
    /// dropped ones no longer fetched from (what was reserved from them runs as usual).
    private func changeQueues(to wanted: [String], on connection: RedisConnection) throws(RedisError) {
        let added = wanted.filter { !queues.contains($0) }
        let dropped = queues.filter { !wanted.contains($0) }
        if !added.isEmpty {
            for command in Broker.declarations(keys: keys, queues: added, node: runtime.configuration.hostname) {
                try connection.command(bytes: command).check()
            }
            startWatchers(for: keys.consumeKeys(queues: added))
            for queue in added { logger.info("Started consuming from \(queue)") }
        }
        for key in keys.consumeKeys(queues: dropped) { watchers.removeValue(forKey: key)?.stop() }
        for queue in dropped { logger.info("Cancelled consuming from \(queue)") }
        queues = queues.filter { wanted.contains($0) } + added
    }

    /// `--purge`: every message of the consumed queues (their priority lists too) is erased
    /// before consuming, and the count said as Celery says it.
    private func purge(on connection: RedisConnection) throws(RedisError) {
        var erased = 0
        for key in keys.consumeKeys(queues: queues) {
            erased += Int(try connection.command(["LLEN", key]).check().integer ?? 0)
            try connection.command(["DEL", key]).check()
        }
        let noun = erased == 1 ? "message" : "messages"
        logger.warning("purge: Erased \(erased) \(noun) from the queue.")
        print("purge: Erased \(erased) \(noun) from the queue.\n")
    }

    /// Runs the reserve script once; returns what it took, reserved.
    private func fetch(room: Int, on connection: RedisConnection) throws(RedisError) -> [Popped] {
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
            return try fetch(room: room, on: connection)
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
