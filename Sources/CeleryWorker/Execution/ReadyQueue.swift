/// Reserved messages waiting for a free execution slot, FIFO, shared by the execution loops.
actor ReadyQueue<Item: Sendable> {
    private var items: [Item] = []
    private var head = 0
    private var waiters: [CheckedContinuation<Item?, Never>] = []
    private var closed = false

    /// Adds an item, handing it straight to a waiting loop when there is one.
    func put(_ item: Item) {
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: item)
        } else {
            items.append(item)
        }
    }

    /// The next item; nil once the queue is closed and empty.
    func take() async -> Item? {
        if head < items.count {
            let item = items[head]
            head += 1
            if head > 1024 && head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
        if closed { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Closes the queue and returns the items nobody took (to restore them).
    func close() -> [Item] {
        closed = true
        let rest = Array(items[head...])
        items.removeAll()
        head = 0
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
        return rest
    }
}
