import Synchronization

/// Reserved messages waiting for a free execution slot, FIFO. `put` is synchronous, so the
/// consumer thread hands messages over without a hop; the execution loops `take`.
final class ReadyQueue<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var head = 0
        var waiters: [CheckedContinuation<Item?, Never>] = []
        var closed = false
    }

    private let state = Mutex(State())

    /// Adds an item, handing it straight to a waiting loop when there is one.
    /// Items waiting for a slot.
    var count: Int { state.withLock { $0.items.count - $0.head } }

    func put(_ item: Item) {
        let waiter = state.withLock { state -> CheckedContinuation<Item?, Never>? in
            guard !state.closed else { return nil }
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.items.append(item)
            return nil
        }
        waiter?.resume(returning: item)
    }

    /// The next item; nil once the queue is closed.
    func take() async -> Item? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
            let next = state.withLock { state -> Item?? in
                if state.head < state.items.count {
                    let item = state.items[state.head]
                    state.head += 1
                    if state.head > 1024 && state.head * 2 > state.items.count {
                        state.items.removeFirst(state.head)
                        state.head = 0
                    }
                    return .some(item)
                }
                if state.closed { return .some(nil) }
                state.waiters.append(continuation)
                return nil
            }
            if let next { continuation.resume(returning: next) }
        }
    }

    /// Closes the queue: waiting loops get nil; items nobody took are dropped (the delivery state
    /// machine already put their messages back).
    func close() {
        let waiters = state.withLock { state -> [CheckedContinuation<Item?, Never>] in
            state.closed = true
            state.items.removeAll()
            state.head = 0
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }
}
