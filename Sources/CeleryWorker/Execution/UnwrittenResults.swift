import Synchronization

/// Bounds the finished results not yet handed to the kernel: a task's slot moves on as soon as
/// its result write is queued, unless `limit` writes are already queued and unwritten, in which
/// case it waits for one to reach the socket. So at most `limit` (the concurrency) finished
/// results are ever unwritten, and a queued write waits at most one write round trip (the
/// result writer's pipeline takes everything queued on its next flush).
final class UnwrittenResults: Sendable {
    private struct State {
        var unwritten = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = max(1, limit) }

    /// Takes a place for one more unwritten result, waiting when all are taken.
    func reserve() async {
        let taken = state.withLock { state -> Bool in
            guard state.unwritten < limit else { return false }
            state.unwritten += 1
            return true
        }
        if taken { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.unwritten < limit {
                    state.unwritten += 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// A result reached the socket: its place goes to a waiting slot, or back to the pool.
    func written() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }  // the place passes on
            state.unwritten -= 1
            return nil
        }
        waiter?.resume()
    }

    /// Results queued and not yet written.
    var count: Int { state.withLock { $0.unwritten } }
}
