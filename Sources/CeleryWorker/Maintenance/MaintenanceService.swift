import Foundation
import Logging
import ServiceLifecycle

/// The worker's timers, a `Service`: worker-online at start and worker-offline at the end, a
/// heartbeat every 2 s, the refresh of held messages' `unacked_index` scores (so no sweep takes
/// them from a live worker), and kombu's visibility sweep (restore reservations older than the
/// visibility timeout, whoever held them), and systemd's watchdog when it is on. Each timer is cancelled on graceful shutdown.
struct MaintenanceService: Service {
    let runtime: WorkerRuntime

    func run() async throws {
        let configuration = runtime.configuration
        sendWorkerEvent("worker-online")
        await withTaskGroup(of: Void.self) { group in
            if configuration.sendHeartbeats {
                group.addTask { await every(EventPublisher.heartbeatInterval) { sendWorkerEvent("worker-heartbeat") } }
            }
            group.addTask {
                await every(configuration.refreshInterval) {
                    runtime.broker.refresh(runtime.deliveries.withLock { Array($0.entries.keys) })
                }
            }
            group.addTask { await every(configuration.restoreInterval, immediately: true) { await sweep() } }
            if let interval = runtime.notifier.watchdogInterval {
                // Twice per interval, as sd_watchdog_enabled(3) advises; skipped while the consumer loop is stuck.
                group.addTask { await every(interval / 2, immediately: true) { runtime.notifier.petWatchdog() } }
            }
        }
        sendWorkerEvent("worker-offline")
    }

    /// Runs `work` every `interval` seconds until graceful shutdown.
    private func every(_ interval: Double, immediately: Bool = false, _ work: @escaping @Sendable () async -> Void)
        async
    {
        try? await cancelWhenGracefulShutdown {
            if immediately { await work() }
            while true {
                try await Task.sleep(nanoseconds: UInt64(max(0.01, interval) * 1e9))
                await work()
            }
        }
    }

    private func sweep() async {
        do {
            try await runtime.broker.restoreVisible(visibilityTimeout: runtime.configuration.visibilityTimeout)
        } catch {
            runtime.logger.warning("Visibility sweep failed", metadata: ["error": "\(error)"])
        }
        runtime.wake.roomChanged()
    }

    private func sendWorkerEvent(_ type: String) {
        let (active, processed) = runtime.deliveries.withLock { ($0.running, $0.processed) }
        runtime.events.worker(type, active: active, processed: processed)
    }
}
