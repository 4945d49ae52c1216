import Foundation
import Synchronization

/// Places where the fault-injection tests kill the worker (`SIGMA_WORKER_FAULT_POINT=<name>:<n>`
/// makes the process SIGKILL itself the n-th time it passes the point). Unset, each check is one
/// relaxed load. For tests of crash safety only (scripts/faults/).
public enum FaultPoint: String, Sendable, CaseIterable {
    /// The consumer was woken by a message arriving on an idle queue.
    case afterWake = "after-wake"
    /// Messages were taken off a queue and reserved, before anything else happened to them.
    case afterReserve = "after-reserve"
    /// A task's result was written, before its message was acknowledged.
    case afterResultWrite = "after-result-write"
    /// `sigma-worker beat`: a due run is about to be published.
    case beatBeforePublish = "beat-before-publish"
    /// `sigma-worker beat`: a run was published (and its send recorded in Redis), before the
    /// scheduler recorded it anywhere else.
    case beatAfterPublish = "beat-after-publish"

    private static let armed: (point: FaultPoint, count: Int)? = {
        guard let text = ProcessInfo.processInfo.environment["SIGMA_WORKER_FAULT_POINT"] else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1)
        guard let point = parts.first.flatMap({ FaultPoint(rawValue: String($0)) }) else { return nil }
        return (point, parts.count > 1 ? max(1, Int(parts[1]) ?? 1) : 1)
    }()
    private static let passes = Mutex(0)

    /// Kills the process here when this point is armed and its count is reached.
    public func pass() {
        guard let armed = Self.armed, armed.point == self else { return }
        let reached = Self.passes.withLock { count -> Bool in
            count += 1
            return count >= armed.count
        }
        if reached { kill(getpid(), SIGKILL) }
    }
}
