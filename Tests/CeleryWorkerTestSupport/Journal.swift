import Synchronization

/// What the in-memory broker and result store were asked, in order, as lines such as
/// `ack <tag>`, `store <id> SUCCESS`, `publish <id>`, `restore <tag>`, `requeue <tag>`.
public final class Journal: Sendable {
    private let lines = Mutex<[String]>([])

    /// Creates an empty journal.
    public init() {}

    /// Appends a line.
    public func record(_ line: String) { lines.withLock { $0.append(line) } }

    /// Every line so far.
    public var entries: [String] { lines.withLock { $0 } }

    /// The position of the first line equal to `line`.
    public func index(of line: String) -> Int? { entries.firstIndex(of: line) }
}
