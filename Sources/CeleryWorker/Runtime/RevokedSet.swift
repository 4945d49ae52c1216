/// Revoked task ids, bounded as Celery's `LimitedSet`: past the maximum, the oldest are forgotten first.
public struct RevokedSet: Sendable, Hashable {
    /// Celery's `REVOKES_MAX`.
    public static let celeryMaximum = 50_000

    /// The most ids remembered.
    public let maximum: Int
    private var members: Set<String> = []
    private var order: [String] = []
    private var head = 0

    /// Creates an empty set.
    public init(maximum: Int = RevokedSet.celeryMaximum) { self.maximum = max(1, maximum) }

    /// Whether an id is revoked.
    public func contains(_ id: String) -> Bool { members.contains(id) }

    /// How many ids are remembered.
    public var count: Int { members.count }

    /// The ids, sorted.
    public var sorted: [String] { members.sorted() }

    /// Adds an id; forgets the oldest when the set is full.
    public mutating func insert(_ id: String) {
        guard members.insert(id).inserted else { return }
        order.append(id)
        while members.count > maximum {
            members.remove(order[head])
            head += 1
        }
        if head > 1024 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
