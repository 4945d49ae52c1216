import CeleryWire
import Foundation
import Synchronization

/// Runs a task body under soft and hard time limits.
///
/// Soft: the body's Swift task is cancelled (cooperative) and whatever it throws afterwards is
/// reported as `SoftTimeLimitExceeded`. Hard: the worker stops waiting, the body is abandoned
/// (it stays cancelled) and the outcome is `TimeLimitExceeded`, with a ``Runaway`` that tells
/// whether the abandoned body has stopped since.
enum TimeLimitRace {
    enum Outcome: Sendable {
        case finished(Result<JSONValue, any Error>, softLimitHit: Bool)
        case hardLimit(Double, Runaway)
        /// `terminate` / `revoke(terminate=True)`: the body was cancelled and is no longer waited for.
        case terminated(Runaway)
    }

    /// What `terminate` calls for one running body: cancel it (cooperative) and stop waiting for it.
    final class Termination: Sendable {
        private let action = Mutex<(@Sendable () -> Void)?>(nil)
        private let requested = Atomic<Bool>(false)

        /// Asks the body to stop; the slot is freed at once.
        func terminate() {
            requested.store(true, ordering: .sequentiallyConsistent)
            action.withLock { $0 }?()
        }

        /// Whether ``terminate()`` was called.
        var isRequested: Bool { requested.load(ordering: .sequentiallyConsistent) }

        fileprivate func onTerminate(_ handler: @escaping @Sendable () -> Void) {
            action.withLock { $0 = handler }
            if isRequested { handler() }
        }
    }

    /// A body abandoned at its hard limit.
    final class Runaway: Sendable {
        private let stoppedFlag = Atomic<Bool>(false)

        /// True once the body has returned or thrown.
        var stopped: Bool { stoppedFlag.load(ordering: .sequentiallyConsistent) }

        fileprivate func markStopped() { stoppedFlag.store(true, ordering: .sequentiallyConsistent) }
    }

    /// Abandoned bodies still running after their hard limit.
    static let abandoned = Atomic<Int>(0)

    static func run(
        soft: Double?, hard: Double?, termination: Termination,
        body: @escaping @Sendable () async throws -> JSONValue
    ) async -> Outcome {
        let once = OnceBox()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            once.set(continuation)
            // The body's own task reports its end (no second task per run): the timer, when
            // there are limits, and `terminate` race it for the outcome.
            let timer = Mutex<Task<Void, any Error>?>(nil)
            let work = Task { () async throws -> JSONValue in
                let result: Result<JSONValue, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                timer.withLock { $0 }?.cancel()
                _ = once.resume(.finished(result, softLimitHit: once.softLimitHit))
                return try result.get()
            }
            termination.onTerminate {
                // Claim the outcome before cancelling: the cancelled body's own end must not win.
                let runaway = Runaway()
                if once.resume(.terminated(runaway)) { watchAbandoned(work, runaway) }
                work.cancel()
            }
            guard soft != nil || hard != nil else { return }
            let limits = Task {
                var elapsed = 0.0
                if let soft, soft < (hard ?? .infinity) {
                    try await Task.sleep(nanoseconds: UInt64(soft * 1e9))
                    elapsed = soft
                    once.markSoftLimit()
                    work.cancel()
                }
                if let hard {
                    try await Task.sleep(nanoseconds: UInt64(max(0, hard - elapsed) * 1e9))
                    work.cancel()
                    let runaway = Runaway()
                    if once.resume(.hardLimit(hard, runaway)) { watchAbandoned(work, runaway) }
                }
            }
            timer.withLock { $0 = limits }
            if once.isResumed { limits.cancel() }
        }
    }

    /// Counts an abandoned body until it stops.
    private static func watchAbandoned(_ work: Task<JSONValue, any Error>, _ runaway: Runaway) {
        abandoned.add(1, ordering: .relaxed)
        Task {
            _ = await work.result
            runaway.markStopped()
            abandoned.subtract(1, ordering: .relaxed)
        }
    }

    /// Resumes a continuation exactly once.
    final class OnceBox: Sendable {
        private let state = Mutex<(CheckedContinuation<Outcome, Never>?, Bool)>((nil, false))
        private let soft = Atomic<Bool>(false)

        func markSoftLimit() { soft.store(true, ordering: .sequentiallyConsistent) }

        var softLimitHit: Bool { soft.load(ordering: .sequentiallyConsistent) }

        func set(_ continuation: CheckedContinuation<Outcome, Never>) {
            state.withLock { $0.0 = continuation }
        }

        var isResumed: Bool { state.withLock { $0.1 } }

        func resume(_ outcome: Outcome) -> Bool {
            let continuation = state.withLock { value -> CheckedContinuation<Outcome, Never>? in
                guard !value.1 else { return nil }
                value.1 = true
                return value.0
            }
            continuation?.resume(returning: outcome)
            return continuation != nil
        }
    }
}
