/// One header result in a chord's join list on the Redis backend (`chord-unlock` keys, Celery
/// 5.7): `[1, task_id, state, value]` as JSON, the 1 marking the protocol version.
public struct ChordEntry: Sendable, Hashable {
    /// The header task.
    public var taskID: String
    /// Its final state (SUCCESS, FAILURE or REVOKED).
    public var state: TaskState
    /// Its result or exception.
    public var value: JSONValue

    /// Creates an entry.
    public init(taskID: String, state: TaskState, value: JSONValue) {
        self.taskID = taskID
        self.state = state
        self.value = value
    }

    /// The bytes Celery appends to the join list.
    public func encoded() -> [UInt8] {
        JSONSerializer().serialize([1, .string(taskID), .string(state.rawValue), value])
    }

    /// Reads an entry; nil when the bytes are not one.
    public init?(decoding bytes: [UInt8]) {
        guard let fields = try? JSONParser().parse(bytes).arrayValue, fields.count == 4,
            let state = fields[2].stringValue
        else { return nil }
        self.init(taskID: fields[1].stringValue ?? "?", state: TaskState(rawValue: state), value: fields[3])
    }

    /// Whether the header task failed (FAILURE or REVOKED): the chord body then fails with `ChordError`.
    public var failed: Bool { state == .failure || state == .revoked }
}
