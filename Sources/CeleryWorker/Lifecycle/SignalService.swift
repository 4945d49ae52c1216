import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The process signals, as Celery's worker treats them, a `Service` listed first (stopped last):
///
/// - SIGTERM, SIGINT: warm shutdown; a second one turns it cold at once.
/// - SIGQUIT: cold shutdown (every unacknowledged message back to its queue within a second).
/// - SIGHUP: warm restart: warm shutdown, then the program is executed again (same path and
///   arguments, same pid), so an upgraded binary is what comes back.
/// - SIGUSR1: logs every running task and the delivery counts, and keeps running.
struct SignalService: Service {
    let runtime: WorkerRuntime

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sigquit, .sighup, .sigusr1)
        runtime.signalsTrapped.store(true, ordering: .sequentiallyConsistent)
        await cancelWhenGracefulShutdown {
            var stopping = false
            for await signal in signals {
                switch signal {
                case .sigterm, .sigint:
                    if stopping {
                        await runtime.coldShutdown("a second \(signal) arrived")
                    } else {
                        stopping = true
                        runtime.logger.warning("worker: Hitting Ctrl+C again will terminate all running tasks!")
                        runtime.requestStop()
                    }
                case .sigquit:
                    stopping = true
                    await runtime.coldShutdown("SIGQUIT")
                case .sighup:
                    stopping = true
                    runtime.requestRestart()
                case .sigusr1:
                    dump()
                default:
                    break
                }
            }
        }
    }

    /// SIGUSR1: what runs now and what the worker holds.
    private func dump() {
        let now = Date().timeIntervalSince1970
        let (entries, processed, room) = runtime.deliveries.withLock { machine in
            (Array(machine.entries.values), machine.processed, machine.room)
        }
        let running = entries.filter { $0.phase == .running || $0.phase == .finishing }
            .sorted { ($0.startedAt ?? 0) < ($1.startedAt ?? 0) }
        var lines = ["SIGUSR1: \(running.count) running task(s)"]
        for entry in running {
            let request = entry.message.request
            let seconds = ((now - (entry.startedAt ?? now)) * 1000).rounded() / 1000
            lines.append("  \(request.displayName)[\(request.id)] running for \(seconds)s (\(entry.phase))")
        }
        let count = { (phase: DeliveryStateMachine<ReservedMessage>.Phase) in entries.filter { $0.phase == phase }.count
        }
        lines.append(
            "  held: reserved=\(count(.reserved)) scheduled=\(count(.scheduled)) running=\(count(.running)) finishing=\(count(.finishing)) processed=\(processed) room=\(room)"
        )
        runtime.logger.warning("\(lines.joined(separator: "\n"))")
    }
}
