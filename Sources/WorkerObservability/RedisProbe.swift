import CeleryWorker
import Foundation
import Logging
import Synchronization

/// A thread that asks the broker's Redis for `PING` and the consumed queues' lengths every
/// second on a connection of its own (one-second timeouts), for `/healthz` and
/// `celery_queue_length`. It reconnects quietly: the worker's own connections log outages.
final class RedisProbe: Sendable {
    private let runtime: WorkerRuntime
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let lengths = Mutex<[String: Int]>([:])
    private let done = Mutex<Bool>(false)

    init(runtime: WorkerRuntime, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
    }

    /// The last lengths read, by queue name (the priority sub-queues added in).
    var queueLengths: [String: Int] { lengths.withLock { $0 } }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "sigma-metrics-probe"
        thread.start()
    }

    func stop() { stopping.store(true, ordering: .relaxed) }

    private func loop() {
        var connection: RedisConnection?
        while !stopping.load(ordering: .relaxed) {
            do {
                if connection == nil {
                    connection = try RedisConnection(
                        url: runtime.configuration.brokerURL, connectTimeout: 1, commandTimeout: 1)
                }
                guard let live = connection else { continue }
                guard try live.command(["PING"]).check().string == "PONG" else {
                    throw RedisError(.protocolViolation, "PING answered otherwise")
                }
                runtime.health.redisAnswered()
                var found: [String: Int] = [:]
                let keys = runtime.configuration.brokerKeys
                for queue in runtime.queues {
                    var total = 0
                    for key in keys.queueKeys(queue) {
                        total += Int(try live.command(["LLEN", key]).check().integer ?? 0)
                    }
                    found[queue] = total
                }
                lengths.withLock { $0 = found }
            } catch {
                connection?.close()
                connection = nil
            }
            Thread.sleep(forTimeInterval: 1)
        }
        connection?.close()
    }
}
