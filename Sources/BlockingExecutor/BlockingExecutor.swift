import Foundation
import ServiceLifecycle
import Synchronization

/// The threads every blocking C call runs on (libcurl, PDF and image codecs, file I/O), so that
/// none occupies Swift's cooperative thread pool. One executor serves every module; it is a
/// `Service` of the worker's group, stopped after everything that uses it: queued work still
/// runs, new work is refused with ``ShutDown``. hiredis keeps its own connection threads.
public final class BlockingExecutor: Service, Sendable {
    /// Work submitted after ``shutdown()``.
    public struct ShutDown: Error, CustomStringConvertible {
        public var description: String { "the blocking executor has been shut down" }
    }

    private typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var running = true
    }

    private let state = Mutex(State())
    private let wakeUps = DispatchSemaphore(value: 0)
    private let threadCount: Int

    /// Starts `threads` threads named `<name>-<n>`.
    public init(name: String, threads: Int) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in self.work() }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 21
            thread.start()
        }
    }

    deinit { shutdown() }

    /// How many threads run jobs.
    public var threads: Int { threadCount }

    /// Runs `body` on one of the threads and returns its result.
    /// - Throws: what `body` throws, or ``ShutDown``.
    public func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let accepted = state.withLock { state -> Bool in
                guard state.running else { return false }
                state.jobs.append { continuation.resume(with: Swift.Result { try body() }) }
                return true
            }
            if accepted {
                wakeUps.signal()
            } else {
                continuation.resume(throwing: ShutDown())
            }
        }
    }

    /// Runs until the group's graceful shutdown, then stops after the queued work.
    public func run() async throws {
        try? await gracefulShutdown()
        shutdown()
    }

    /// Stops the threads once the queued work is done; later work is refused. Idempotent.
    public func shutdown() {
        let wasRunning = state.withLock { state -> Bool in
            defer { state.running = false }
            return state.running
        }
        guard wasRunning else { return }
        for _ in 0..<threadCount { wakeUps.signal() }
    }

    private func work() {
        while true {
            wakeUps.wait()
            let job = state.withLock { state -> Job? in
                guard state.head < state.jobs.count else { return nil }
                let job = state.jobs[state.head]
                state.head += 1
                if state.head > 256 && state.head * 2 > state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                return job
            }
            guard let job else { return }
            job()
        }
    }
}
