import CeleryWire
import CeleryWorker
import ServiceLifecycle
import Synchronization

/// A ``ResultStore`` in memory, with the Redis backend's SUCCESS guard: it records every write in
/// a ``Journal`` (`store <id> <STATE>`) and can refuse writes.
public final class InMemoryResultStore: ResultStore {
    /// What was asked.
    public let journal: Journal
    private struct State {
        var records: [String: ResultRecord] = [:]
        var keys: [String: String] = [:]
        var refuseWrites = 0
        /// Queued writes and barriers while writes are held, in order.
        var held: [@Sendable () -> Void]?
    }
    private let state = Mutex(State())

    /// Creates a store writing to a journal.
    public init(journal: Journal = Journal()) { self.journal = journal }

    /// The next `count` writes fail as a Redis refusal would.
    public func refuseWrites(_ count: Int) { state.withLock { $0.refuseWrites = count } }

    /// Queued writes (and the barriers behind them) wait from now on, as a slow writer's do,
    /// until ``releaseWrites()``.
    public func holdWrites() { state.withLock { $0.held = $0.held ?? [] } }

    /// Runs the held writes and barriers in order (a job queued meanwhile waits behind them), and
    /// stops holding.
    public func releaseWrites() {
        while let job = state.withLock({ state -> (@Sendable () -> Void)? in
            guard let first = state.held?.first else {
                state.held = nil
                return nil
            }
            state.held?.removeFirst()
            return first
        }) {
            job()
        }
    }

    /// Runs `job` now, or queues it while writes are held.
    private func inOrder(_ job: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            guard state.held != nil else { return true }
            state.held?.append(job)
            return false
        }
        if now { job() }
    }

    /// The stored state of a task.
    public func record(_ taskID: String) -> ResultRecord? { state.withLock { $0.records[taskID] } }

    public func run() async throws { try? await gracefulShutdown() }

    public func store(_ record: ResultRecord) async throws(RedisError) -> Bool {
        try write(record)
    }

    public func enqueue(
        _ record: ResultRecord, written: (@Sendable () -> Void)?,
        completion: @escaping @Sendable (Result<Bool, RedisError>) -> Void
    ) {
        inOrder { [self] in
            written?()
            completion(Result { () throws(RedisError) -> Bool in try write(record) })
        }
    }

    public func afterQueuedWrites(_ body: @escaping @Sendable () -> Void) {
        inOrder {
            self.journal.record("barrier")
            body()
        }
    }

    private func write(_ record: ResultRecord) throws(RedisError) -> Bool {
        let outcome = state.withLock { state -> Bool? in
            if state.refuseWrites > 0 {
                state.refuseWrites -= 1
                return nil
            }
            if state.records[record.taskID]?.status == .success { return false }
            state.records[record.taskID] = record
            return true
        }
        guard let outcome else {
            journal.record("refused store \(record.taskID)")
            throw RedisError(.server, "OOM command not allowed when used memory > 'maxmemory'")
        }
        if outcome { journal.record("store \(record.taskID) \(record.status.rawValue)") }
        return outcome
    }

    public func fetch(taskID: String) async throws(RedisError) -> ResultRecord? { record(taskID) }

    public func addChordPart(
        groupID: String, taskID: String, entry: [UInt8], groupIndex: Int?, claimToken: String, claimExpires: Int
    ) async throws(RedisError) -> ResultBackend.ChordPart? { nil }

    public func chordEntries(groupID: String) async throws(RedisError) -> [[UInt8]] { [] }

    public func extendChordClaim(groupID: String, claimToken: String, seconds: Int) async throws(RedisError) -> Bool {
        false
    }

    public func finishChord(groupID: String, claimToken: String, doneExpires: Int) async throws(RedisError) -> Bool {
        false
    }

    public func dropChordSize(groupID: String) async throws(RedisError) {}

    public func setIfAbsent(_ name: String, value: String) async throws(RedisError) -> Bool {
        state.withLock { state in
            guard state.keys[name] == nil else { return false }
            state.keys[name] = value
            return true
        }
    }

    public func exists(_ name: String) async throws(RedisError) -> Bool { state.withLock { $0.keys[name] != nil } }

    public func stopRetrying() {}
}
