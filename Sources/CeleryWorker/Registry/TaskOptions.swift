/// A task's options, as `@app.task(...)` declares them in Python.
public struct TaskOptions: Sendable {
    /// The registered name (`servicio_tecnico.enviar_correo_rhitso`).
    public var name: String
    /// Retries allowed by `retry()`; nil means unlimited. Celery's default is 3.
    public var maxRetries: Int?
    /// Countdown of `retry()` when none is given, in seconds (Celery: 180).
    public var defaultRetryDelay: Double
    /// Ack after the result is stored instead of when execution starts.
    public var acksLate: Bool
    /// Store no result (SUCCESS and RETRY); failures only with `storeErrorsEvenIfIgnored`.
    public var ignoreResult: Bool
    /// Store FAILURE even when `ignoreResult` is set.
    public var storeErrorsEvenIfIgnored: Bool
    /// Store STARTED before running.
    public var trackStarted: Bool
    /// Default soft limit in seconds (overridden by the message's `timelimit`).
    public var softTimeLimit: Double?
    /// Default hard limit in seconds.
    public var timeLimit: Double?
    /// `rate_limit` in Celery's syntax (`"10/m"`); nil for none. The `rate_limit` control command overrides it.
    public var rateLimit: String?

    /// Creates options with Celery's defaults.
    public init(
        name: String, maxRetries: Int? = 3, defaultRetryDelay: Double = 180, acksLate: Bool = false,
        ignoreResult: Bool = false, storeErrorsEvenIfIgnored: Bool = false, trackStarted: Bool = false,
        softTimeLimit: Double? = nil, timeLimit: Double? = nil, rateLimit: String? = nil
    ) {
        self.rateLimit = rateLimit
        self.name = name
        self.maxRetries = maxRetries
        self.defaultRetryDelay = defaultRetryDelay
        self.acksLate = acksLate
        self.ignoreResult = ignoreResult
        self.storeErrorsEvenIfIgnored = storeErrorsEvenIfIgnored
        self.trackStarted = trackStarted
        self.softTimeLimit = softTimeLimit
        self.timeLimit = timeLimit
    }
}
