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

    static func run(soft: Double?, hard: Double?, body: @escaping @Sendable () async throws -> JSONValue) async
        -> Outcome
    {
        let work = Task { try await body() }
        guard soft != nil || hard != nil else {
            return .finished(await work.result, softLimitHit: false)
        }
        let once = OnceBox()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            once.set(continuation)
            let timer = Task {
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
                    if once.resume(.hardLimit(hard, runaway)) {
                        abandoned.add(1, ordering: .relaxed)
                        Task {
                            _ = await work.result
                            runaway.markStopped()
                            abandoned.subtract(1, ordering: .relaxed)
                        }
                    }
                }
            }
            Task {
                let result = await work.result
                timer.cancel()
                _ = once.resume(.finished(result, softLimitHit: once.softLimitHit))
            }
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
