import CeleryWire

/// An error a task can throw to name the Python exception stored in its FAILURE result.
public protocol PythonException: Error {
    /// The exception as Celery stores it.
    var exceptionInfo: ExceptionInfo { get }
}

/// Fail: store FAILURE with this exception (no retry).
public struct TaskFailure: PythonException, Sendable, CustomStringConvertible {
    public var exceptionInfo: ExceptionInfo
    /// A Python-style traceback to store; the worker writes one when nil.
    public var traceback: String?
    /// Where the failure was created (`#fileID`, `#line`): the traceback's frame.
    public var file: String
    public var line: Int

    /// Creates a failure; `file` and `line` default to where it is created.
    public init(_ exception: ExceptionInfo, traceback: String? = nil, file: String = #fileID, line: Int = #line) {
        self.exceptionInfo = exception
        self.traceback = traceback
        self.file = file
        self.line = line
    }

    public var description: String { exceptionInfo.description }
}

/// Retry: republish the same task id with `retries + 1` after a countdown (what `Task.retry` does).
public struct TaskRetry: Error, Sendable {
    /// Seconds until the retry runs; nil uses the task's `defaultRetryDelay`.
    public var countdown: Double?
    /// The exception that caused the retry; stored in the RETRY state and, once retries are
    /// exhausted, raised as the final FAILURE.
    public var exception: ExceptionInfo?
    /// Overrides the task's `maxRetries` for this call.
    public var maxRetries: Int??

    /// Creates a retry request.
    public init(countdown: Double? = nil, exception: ExceptionInfo? = nil, maxRetries: Int?? = nil) {
        self.countdown = countdown
        self.exception = exception
        self.maxRetries = maxRetries
    }
}

/// Reject: drop the message, or put it back on the queue with `requeue`.
public struct TaskReject: Error, Sendable {
    public var reason: String
    public var requeue: Bool

    /// Creates a rejection.
    public init(_ reason: String, requeue: Bool = false) {
        self.reason = reason
        self.requeue = requeue
    }
}

/// The soft time limit passed: the task was asked to stop (it sees cancellation).
public struct SoftTimeLimitExceeded: PythonException, Sendable {
    public var exceptionInfo: ExceptionInfo { .softTimeLimitExceeded }
    public init() {}
}

extension ExceptionInfo {
    /// The exception stored for any Swift error a task throws.
    public init(error: any Error) {
        if let python = error as? any PythonException {
            self = python.exceptionInfo
        } else {
            self = ExceptionInfo(
                type: String(describing: Swift.type(of: error)), module: "sigma_worker",
                arguments: [.string(String(describing: error))])
        }
    }
}
