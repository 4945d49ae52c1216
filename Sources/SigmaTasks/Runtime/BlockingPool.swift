import CeleryWorker
import Synchronization

/// A few dedicated threads for PDF rendering, image codecs and file IO, so that work never
/// occupies Swift's cooperative pool; jobs go to the threads in turn.
final class BlockingPool: Sendable {
    private let threads: [BlockingThread]
    private let next = Atomic<Int>(0)

    /// Starts `count` threads.
    init(count: Int) {
        threads = (0..<max(1, count)).map { BlockingThread(name: "sigma-tasks-\($0)") }
    }

    /// Runs `body` on one of the threads.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let index = next.add(1, ordering: .relaxed).oldValue % threads.count
        return try await threads[index].run(body)
    }

    /// Ends the threads after their queued jobs.
    func stop() {
        for thread in threads { thread.stop() }
    }
}
