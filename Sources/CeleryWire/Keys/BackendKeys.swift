/// Key names of Celery's Redis result backend.
///
/// `result_backend_transport_options.global_keyprefix` gets an `_` appended unless it already
/// ends in one of `: _ - .` (so `rpfx` gives `rpfx_celery-task-meta-<id>`).
public struct BackendKeys: Sendable, Hashable {
    /// The effective prefix (separator already added).
    public let prefix: String

    /// Creates key naming from the configured prefix.
    public init(globalKeyPrefix: String = "") {
        if globalKeyPrefix.isEmpty || ":_-.".contains(globalKeyPrefix.last!) {
            prefix = globalKeyPrefix
        } else {
            prefix = globalKeyPrefix + "_"
        }
    }

    /// `celery-task-meta-<id>`: the result key and its PUBLISH channel.
    public func task(_ id: String) -> String { prefix + "celery-task-meta-" + id }

    /// `celery-taskset-meta-<group id>`: a saved group result, and the stem of chord keys.
    public func group(_ id: String) -> String { prefix + "celery-taskset-meta-" + id }

    /// The chord join keys of a group: results `.j`, total diff `.t`, size `.s`,
    /// dedupe set `.d` and claim `.c` (the last two kombu/Celery 5.7 only).
    public func chord(_ groupID: String) -> (
        join: String, totalDiff: String, size: String, dedupe: String, claim: String
    ) {
        let stem = group(groupID)
        return (stem + ".j", stem + ".t", stem + ".s", stem + ".d", stem + ".c")
    }
}
