import NIOCore

/// The marker a deadline fails a future with.
struct DeadlineExceeded: Error {}

extension EventLoopFuture where Value: Sendable {
    /// Waits for the future, but no longer than `timeout`.
    ///
    /// The underlying work is not cancelled (an event-loop future cannot be); `onTimeout` runs on
    /// the event loop when the deadline fires first, e.g. to close a connection left mid-statement.
    ///
    /// - Parameters:
    ///   - timeout: the longest wait.
    ///   - onTimeout: run once if the deadline fires first.
    /// - Throws: ``DeadlineExceeded`` on timeout, or the future's error.
    func get(within timeout: Duration, onTimeout: @escaping @Sendable () -> Void = {}) async throws -> Value {
        let promise = eventLoop.makePromise(of: Value.self)
        let timer = eventLoop.scheduleTask(in: timeout.timeAmount) {
            promise.fail(DeadlineExceeded())
            onTimeout()
        }
        whenComplete { result in
            timer.cancel()
            promise.completeWith(result)
        }
        return try await promise.futureResult.get()
    }
}
