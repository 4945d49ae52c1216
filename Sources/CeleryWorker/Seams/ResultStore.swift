import CeleryWire
import ServiceLifecycle

/// What the runtime and the tasks ask of the result backend: task states, chord joins and keys
/// that outlive a retry. ``ResultBackend`` is Celery's Redis backend; the tests drive the executor
/// on an in-memory one. A `Service`: run until graceful shutdown, then flush and stop.
public protocol ResultStore: Service, Sendable {
    /// Stores a state unless a SUCCESS is stored, and waits for the confirmation.
    /// - Returns: false when the guard kept a stored SUCCESS.
    @discardableResult func store(_ record: ResultRecord) async throws(RedisError) -> Bool
    /// Queues a write without waiting. `written` runs once the write is in the socket buffer (it
    /// survives a crash of this process from then on); `completion` once Redis answered.
    func enqueue(
        _ record: ResultRecord, written: (@Sendable () -> Void)?,
        completion: @escaping @Sendable (Result<Bool, RedisError>) -> Void)
    /// Runs `body` once every write queued before this call is in the socket buffer or has failed
    /// (the early-ack gate: an ack never overtakes the results finished before its task started).
    func afterQueuedWrites(_ body: @escaping @Sendable () -> Void)
    /// The stored state of a task (nil when PENDING).
    func fetch(taskID: String) async throws(RedisError) -> ResultRecord?
    /// Adds a header task's join entry to its chord (nil when the chord is already complete).
    func addChordPart(
        groupID: String, taskID: String, entry: [UInt8], groupIndex: Int?, claimToken: String, claimExpires: Int
    ) async throws(RedisError) -> ResultBackend.ChordPart?
    /// The chord's join entries in group-index order.
    func chordEntries(groupID: String) async throws(RedisError) -> [[UInt8]]
    /// Extends this worker's claim on publishing the chord body. - Returns: false when lost.
    func extendChordClaim(groupID: String, claimToken: String, seconds: Int) async throws(RedisError) -> Bool
    /// Drops the chord's keys once its body was published. - Returns: false when the claim was lost.
    func finishChord(groupID: String, claimToken: String, doneExpires: Int) async throws(RedisError) -> Bool
    /// Drops the chord's size after it failed.
    func dropChordSize(groupID: String) async throws(RedisError)
    /// Sets a key unless it exists, expiring with the results. - Returns: false when it existed.
    @discardableResult func setIfAbsent(_ name: String, value: String) async throws(RedisError) -> Bool
    /// Whether a key exists.
    func exists(_ name: String) async throws(RedisError) -> Bool
    /// From now on a write whose connection fails fails at once (shutdown).
    func stopRetrying()
}
