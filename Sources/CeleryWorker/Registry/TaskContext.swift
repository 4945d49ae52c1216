import CeleryWire
import Logging

/// What a running task can see and ask for: its request, its worker, retry, a logger.
public struct TaskContext: Sendable {
    /// The request being executed (id, retries, eta, root and parent ids, …).
    public var request: TaskRequest
    /// The arguments bound to the task's signature.
    public var arguments: TaskArguments
    /// The task's options.
    public var options: TaskOptions
    /// The worker's node name (`celery@host`).
    public var hostname: String
    /// A logger with the task id and name in its metadata.
    public var logger: Logger
    /// The result backend, for markers that must outlive a retry (nil when results are off).
    public var results: (any ResultStore)?

    /// Creates a context.
    public init(
        request: TaskRequest, arguments: TaskArguments, options: TaskOptions, hostname: String, logger: Logger,
        results: (any ResultStore)? = nil
    ) {
        self.results = results
        self.request = request
        self.arguments = arguments
        self.options = options
        self.hostname = hostname
        self.logger = logger
    }

    /// The error to throw to retry like `self.retry(exc=…, countdown=…)`.
    public func retry(countdown: Double? = nil, exception: ExceptionInfo? = nil) -> TaskRetry {
        TaskRetry(countdown: countdown, exception: exception)
    }

    /// The error to throw to retry because of another error.
    public func retry(countdown: Double? = nil, because error: any Error) -> TaskRetry {
        TaskRetry(countdown: countdown, exception: ExceptionInfo(error: error))
    }
}
