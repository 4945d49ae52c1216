/// How every Redis connection of the worker behaves through an outage: exponential backoff from
/// 0.1 s, capped at 1 s so consuming resumes within about a second of Redis coming back, never
/// giving up; one error line when an outage begins (Celery's wording, with the real interval)
/// and one line when it ends. Pure: the caller sleeps and logs what it says.
public struct ReconnectPolicy: Sendable, Hashable {
    /// The first pause.
    public var initialDelay: Double
    /// The longest pause.
    public var maximumDelay: Double
    private(set) var delay: Double
    /// Whether an outage is in progress.
    public private(set) var inOutage = false
    /// Failed attempts in this outage.
    public private(set) var attempts = 0

    /// Creates a policy.
    public init(initialDelay: Double = 0.1, maximumDelay: Double = 1) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.delay = initialDelay
    }

    /// What to do after a failed attempt.
    public struct Failure: Sendable, Hashable {
        /// Seconds to wait before the next attempt.
        public var delay: Double
        /// Whether this failure begins an outage (log it once).
        public var beginsOutage: Bool
    }

    /// Records a failed attempt.
    public mutating func failed() -> Failure {
        let failure = Failure(delay: delay, beginsOutage: !inOutage)
        inOutage = true
        attempts += 1
        delay = min(delay * 2, maximumDelay)
        return failure
    }

    /// Records a success. - Returns: true when it ends an outage (log it once).
    public mutating func succeeded() -> Bool {
        defer {
            inOutage = false
            attempts = 0
            delay = initialDelay
        }
        return inOutage
    }

    /// Celery's line for a connection that cannot be made (the reason is redis-py's, so the
    /// line ends in two periods as Celery's does): `Cannot connect to redis://:**@h:6379/0:
    /// Error 111 connecting to h:6379. Connection refused..` then `Trying again in 0.10 seconds...`.
    public static func outageMessage(url: String, reason: String, delay: Double) -> String {
        "Cannot connect to \(url): \(reason).\nTrying again in \(twoDecimals(delay)) seconds...\n"
    }

    /// Celery's warning when an established broker connection drops.
    public static let lostMessage = "Connection to broker lost. Trying to re-establish the connection..."

    /// Celery's line once connected.
    public static func connectedMessage(url: String) -> String { "Connected to \(url)" }

    /// `%.2f`.
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
