/// A Celery task state as stored in `celery-task-meta-<id>.status`.
public struct TaskState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// Never stored: the absence of the key is PENDING.
    public static let pending = TaskState(rawValue: "PENDING")
    public static let received = TaskState(rawValue: "RECEIVED")
    public static let started = TaskState(rawValue: "STARTED")
    public static let success = TaskState(rawValue: "SUCCESS")
    public static let failure = TaskState(rawValue: "FAILURE")
    public static let retry = TaskState(rawValue: "RETRY")
    public static let revoked = TaskState(rawValue: "REVOKED")

    /// SUCCESS, FAILURE and REVOKED end `AsyncResult.get()`.
    public var isReady: Bool { self == .success || self == .failure || self == .revoked }

    /// States whose `result` must be an exception dict.
    public var carriesException: Bool { self == .failure || self == .retry || self == .revoked }
}
