import Dispatch
import Foundation
import Synchronization

/// Threads of our own for blocking C calls (libcurl), so they never occupy Swift's cooperative
/// thread pool. Started by ``init(name:threads:)``, stopped by ``shutdown()``: queued work
/// still runs, new work is refused with ``MailError/Code/shutDown``.
final class BlockingThreadPool: Sendable {
    private typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job] = []
        var running = true
    }

    private let state = Mutex(State())
    private let wakeUps = DispatchSemaphore(value: 0)
    private let threadCount: Int

    /// Starts `threads` threads named `name-<n>`.
    init(name: String, threads: Int) {
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in self.work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let accepted = state.withLock { state -> Bool in
                guard state.running else { return false }
                state.jobs.append { continuation.resume(with: Swift.Result { try body() }) }
                return true
            }
            if accepted {
                wakeUps.signal()
            } else {
                continuation.resume(throwing: MailError(.shutDown, "the mail thread pool has been shut down"))
            }
        }
    }

    /// Stops the threads once the queued work is done. Idempotent.
    func shutdown() {
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
            let job = state.withLock { state -> Job? in state.jobs.isEmpty ? nil : state.jobs.removeFirst() }
            guard let job else { return }
            job()
        }
    }
}
